import GRPCCore
import InferenceCore

extension RPCError {
    /// The gRPC status for a core error, as Triton maps its own: invalid arguments, not found,
    /// unavailable (not ready, recovering, overloaded), deadline exceeded, internal.
    init(_ error: InferenceError) {
        let code: RPCError.Code = switch error.kind {
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

    static func invalidArgument(_ message: String) -> RPCError {
        RPCError(code: .invalidArgument, message: message)
    }
}

/// Runs `body`, turning core errors into their gRPC statuses.
func mapped<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as InferenceError {
        throw RPCError(error)
    }
}
