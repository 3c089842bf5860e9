import GRPCCore

/// The API keys of the HTTP API, for gRPC: an `x-api-key` metadata value (or
/// `authorization: Bearer <key>`) must be one of them when any are configured; else
/// UNAUTHENTICATED. Health RPCs need no key, as `/v2/health/…` needs none.
struct GRPCAuthInterceptor: ServerInterceptor {
    let apiKeys: Set<String>

    static let open: Set<String> = ["ServerLive", "ServerReady"]

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>, context: ServerContext,
        next: (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        guard !apiKeys.isEmpty, !Self.open.contains(context.descriptor.method) else {
            return try await next(request, context)
        }
        let given =
            request.metadata[stringValues: "x-api-key"].first(where: { _ in true })
            ?? request.metadata[stringValues: "authorization"].first(where: { $0.hasPrefix("Bearer ") }).map { String($0.dropFirst(7)) }
        guard let given, apiKeys.contains(given) else {
            throw RPCError(code: .unauthenticated, message: "a valid API key is required: send it as 'x-api-key' metadata")
        }
        return try await next(request, context)
    }
}
