import GRPCCore
import HTTPTypes
import InferenceCore
import InferenceHTTP

extension RPCError {
    /// The gRPC status for a core error, as Triton maps its own: invalid arguments, not found,
    /// unavailable (not ready, recovering, overloaded), deadline exceeded, internal.
    init(_ error: InferenceError) {
        let code: RPCError.Code =
            switch error.kind {
            case .invalidRequest, .unsupportedMedia, .unprocessable: .invalidArgument
            case .unauthorized: .unauthenticated
            case .forbidden: .permissionDenied
            case .notFound: .notFound
            case .conflict: .alreadyExists
            case .payloadTooLarge, .resourceExhausted: .resourceExhausted
            case .unavailable: .unavailable
            case .deadlineExceeded: .deadlineExceeded
            case .internal: .internalError
            }
        self.init(code: error.code == .cancelled ? .cancelled : code, message: error.message)
    }

    /// The gRPC status for a protocol-layer error shared with REST, by its HTTP status.
    init(_ error: APIError) {
        let code: RPCError.Code =
            switch error.status.code {
            case 400, 415, 422: .invalidArgument
            case 401: .unauthenticated
            case 403: .permissionDenied
            case 404: .notFound
            case 409: .alreadyExists
            case 413, 429: .resourceExhausted
            case 501: .unimplemented
            case 503: .unavailable
            case 504: .deadlineExceeded
            default: .internalError
            }
        self.init(code: code, message: error.message)
    }

    static func invalidArgument(_ message: String) -> RPCError {
        RPCError(code: .invalidArgument, message: message)
    }
}

/// Runs `body`, turning core and protocol-layer errors into their gRPC statuses.
func mapped<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as InferenceError {
        throw RPCError(error)
    } catch let error as APIError {
        throw RPCError(error)
    }
}
