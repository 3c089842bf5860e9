/// An error reported by ONNX Runtime (a non-NULL `OrtStatus*`), carrying ORT's own message and
/// the name of the call that failed.
public struct ORTError: Error, CustomStringConvertible, Sendable {
    /// `OrtErrorCode`. Unknown values are kept: newer runtimes add codes.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        public static let fail = Code(rawValue: 1)
        public static let invalidArgument = Code(rawValue: 2)
        public static let noSuchFile = Code(rawValue: 3)
        public static let noModel = Code(rawValue: 4)
        public static let engineError = Code(rawValue: 5)
        public static let runtimeException = Code(rawValue: 6)
        public static let invalidProtobuf = Code(rawValue: 7)
        public static let modelLoaded = Code(rawValue: 8)
        public static let notImplemented = Code(rawValue: 9)
        public static let invalidGraph = Code(rawValue: 10)
        public static let epFail = Code(rawValue: 11)
        public static let modelLoadCanceled = Code(rawValue: 12)
        public static let modelRequiresCompilation = Code(rawValue: 13)
        public static let notFound = Code(rawValue: 14)
        public static let deviceReset = Code(rawValue: 15)

        public var description: String {
            switch self {
            case .fail: "ORT_FAIL"
            case .invalidArgument: "ORT_INVALID_ARGUMENT"
            case .noSuchFile: "ORT_NO_SUCHFILE"
            case .noModel: "ORT_NO_MODEL"
            case .engineError: "ORT_ENGINE_ERROR"
            case .runtimeException: "ORT_RUNTIME_EXCEPTION"
            case .invalidProtobuf: "ORT_INVALID_PROTOBUF"
            case .modelLoaded: "ORT_MODEL_LOADED"
            case .notImplemented: "ORT_NOT_IMPLEMENTED"
            case .invalidGraph: "ORT_INVALID_GRAPH"
            case .epFail: "ORT_EP_FAIL"
            case .modelLoadCanceled: "ORT_MODEL_LOAD_CANCELED"
            case .modelRequiresCompilation: "ORT_MODEL_REQUIRES_COMPILATION"
            case .notFound: "ORT_NOT_FOUND"
            case .deviceReset: "ORT_DEVICE_RESET"
            default: "ORT error \(rawValue)"
            }
        }
    }

    public var code: Code
    /// ORT's message, copied before the status was released.
    public var message: String
    /// The C function that returned the status, e.g. `CreateSession`.
    public var operation: String

    public init(code: Code, message: String, operation: String) {
        self.code = code
        self.message = message
        self.operation = operation
    }

    public var description: String { "\(operation) failed (\(code)): \(message)" }
}

/// The ONNX Runtime shared library could not be loaded or is unusable.
public struct ORTLoadError: Error, CustomStringConvertible, Sendable {
    public var message: String
    /// Every path that was tried, with the reason it was rejected.
    public var attempts: [String]

    public init(message: String, attempts: [String]) {
        self.message = message
        self.attempts = attempts
    }

    public var description: String {
        attempts.isEmpty ? message : "\(message) (tried: \(attempts.joined(separator: "; ")))"
    }
}
