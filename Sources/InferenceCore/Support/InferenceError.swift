/// The errors the core reports to its callers. Each protocol layer maps `kind` to its wire
/// status (the native HTTP API: 400, 403, 404, 409, 422, 429, 503, 504, 500) and shows `code` and
/// `message` as they are.
public struct InferenceError: Error, Sendable, CustomStringConvertible {
    /// What sort of failure this is, independent of any protocol.
    public enum Kind: Sendable, Equatable {
        case invalidRequest  // malformed: 400
        case unauthorized  // 401
        case forbidden  // the service may not do it (a model file it cannot read): 403
        case notFound  // 404
        case conflict  // 409
        case payloadTooLarge  // 413
        case unsupportedMedia  // 415
        case unprocessable  // well-formed but wrong for the model: 422
        case resourceExhausted  // 429
        case unavailable  // 503
        case deadlineExceeded  // 504
        case `internal`  // 500

        public static let all: [Kind] = [
            .invalidRequest, .unauthorized, .forbidden, .notFound, .conflict, .payloadTooLarge, .unsupportedMedia,
            .unprocessable, .resourceExhausted, .unavailable, .deadlineExceeded, .internal,
        ]

        /// The HTTP status the native API answers for this kind; other front ends report it too
        /// (the ZeroMQ front end's metrics, DeepStack's and KServe's own mappings start from it).
        public var httpStatus: Int {
            switch self {
            case .invalidRequest: 400
            case .unauthorized: 401
            case .forbidden: 403
            case .notFound: 404
            case .conflict: 409
            case .payloadTooLarge: 413
            case .unsupportedMedia: 415
            case .unprocessable: 422
            case .resourceExhausted: 429
            case .unavailable: 503
            case .deadlineExceeded: 504
            case .internal: 500
            }
        }
    }

    /// A stable, machine-readable code, e.g. `shape_mismatch`. Extensible: backends add theirs.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let invalidRequest = Code("invalid_request")
        /// A number outside the range its field allows (see `ClientNumber`).
        public static let outOfRange = Code("out_of_range")
        public static let modelNotFound = Code("model_not_found")
        public static let taskNotFound = Code("task_not_found")
        public static let modelIDConflict = Code("model_id_conflict")
        public static let pathOutsideModelsDirectory = Code("path_outside_models_dir")
        public static let modelFileNotFound = Code("model_file_not_found")
        public static let modelFileUnreadable = Code("model_file_unreadable")
        public static let modelLoadFailed = Code("model_load_failed")
        public static let unsupportedModel = Code("unsupported_model")
        public static let modelNotReady = Code("model_not_ready")
        public static let dtypeMismatch = Code("dtype_mismatch")
        public static let shapeMismatch = Code("shape_mismatch")
        public static let unknownTensor = Code("unknown_tensor")
        public static let missingInput = Code("missing_input")
        public static let backendUnavailable = Code("backend_unavailable")
        public static let deadlineExceeded = Code("deadline_exceeded")
        public static let taskStoreFull = Code("task_store_full")
        public static let queueFull = Code("queue_full")
        public static let cancelled = Code("cancelled")
        public static let shuttingDown = Code("shutdown")
        /// The service restarted (or was killed) while an async task was queued or running.
        public static let restart = Code("restart")
        public static let inferenceFailed = Code("inference_failed")
        public static let internalError = Code("internal_error")
    }

    public var kind: Kind
    public var code: Code
    public var message: String
    /// The runtime or library error this one reports, when it wraps one (an ONNX Runtime or
    /// HailoRT failure, a file that could not be written): for logs and for code that inspects
    /// it. Clients see `message` only, whose text does not depend on it.
    public var cause: (any Error)?

    public init(_ kind: Kind, _ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { "\(code): \(message)" }

    public static func invalidRequest(_ message: String) -> InferenceError {
        InferenceError(.invalidRequest, .invalidRequest, message)
    }

    public static func modelNotFound(_ id: String) -> InferenceError {
        InferenceError(.notFound, .modelNotFound, "no model with id '\(id)' is loaded")
    }
}
