import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Requires one of the configured API keys, as `Authorization: Bearer KEY` or `X-API-Key: KEY`,
/// on every route except the health probes (`/health`, `/v2/health/live`, `/v2/health/ready`).
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: Set<String>
    static var apiKeyHeader: HTTPField.Name { HTTPField.Name("X-API-Key")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.openPaths.contains(request.uri.path) || Self.presentedKey(request).map(keys.contains) == true else {
            var error = APIError(.unauthorized, "unauthorized", "a valid API key is required: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'")
            error.headers[.wwwAuthenticate] = "Bearer"
            throw error
        }
        return try await next(request, context)
    }

    static var openPaths: Set<String> { ["/health", "/v2/health/live", "/v2/health/ready"] }

    static func presentedKey(_ request: Request) -> String? {
        if let key = request.headers[apiKeyHeader] { return key }
        guard let authorization = request.headers[.authorization] else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingCharacters(in: .whitespaces)
    }
}
