import GRPCCore

/// The client's deadline (`grpc-timeout` metadata) for the handlers: parsed here and kept in a
/// task-local, since the generated simple handlers see no metadata. Infer requests run within it
/// (a request's own `timeout` parameter, as Triton's, wins when it is given).
struct GRPCTimeoutInterceptor: ServerInterceptor {
    @TaskLocal static var timeout: Duration?

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>, context: ServerContext,
        next: (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        guard let text = request.metadata[stringValues: "grpc-timeout"].first(where: { _ in true }),
            let timeout = Self.parse(text)
        else {
            return try await next(request, context)
        }
        // Unary handlers run within `next`; streaming ones in the response's producer.
        var response = try await Self.$timeout.withValue(timeout) { try await next(request, context) }
        if case .success(var contents) = response.accepted {
            let producer = contents.producer
            contents.producer = { writer in try await Self.$timeout.withValue(timeout) { try await producer(writer) } }
            response = StreamingServerResponse(accepted: .success(contents))
        }
        return response
    }

    /// `grpc-timeout`: up to 8 digits and a unit (H, M, S, m, u, n).
    static func parse(_ text: String) -> Duration? {
        guard let unit = text.last, text.count >= 2, text.count <= 9, let value = Int64(text.dropLast()), value >= 0 else { return nil }
        return switch unit {
        case "H": .seconds(value * 3600)
        case "M": .seconds(value * 60)
        case "S": .seconds(value)
        case "m": .milliseconds(value)
        case "u": .microseconds(value)
        case "n": .nanoseconds(value)
        default: nil
        }
    }
}
