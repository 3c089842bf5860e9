import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Requires one of the configured API keys, as `Authorization: Bearer KEY`, `X-API-Key: KEY` or
/// DOODS's `doods-auth-key: KEY`, on every route except the health probes (`/health`,
/// `/v2/health/live`, `/v2/health/ready`) and CodeProject.AI's pings. The DeepStack routes
/// (`/v1/vision/…`) also accept the key as an `api_key` form field, as DeepStack clients send it.
/// `ErrorMiddleware` answers a refusal in the form of the API the path belongs to.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: Set<String>
    let maxBodySize: Int
    static var apiKeyHeader: HTTPField.Name { HTTPField.Name("X-API-Key")! }
    static var doodsKeyHeader: HTTPField.Name { HTTPField.Name("doods-auth-key")! }
    static var deepStackPrefix: String { "/v1/vision/" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.openPaths.contains(request.uri.path) || Self.presentedKey(request).map(isKey) == true {
            return try await next(request, context)
        }
        guard request.uri.path.hasPrefix(Self.deepStackPrefix) else {
            let how = DOODSError.applies(to: request.uri.path)
                ? "send it in a 'doods-auth-key' header" : "send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'"
            var error = APIError(.unauthorized, "unauthorized", "a valid API key is required: \(how)")
            error.headers[.wwwAuthenticate] = "Bearer"
            throw error
        }
        // DeepStack clients put the key in the form: read the body once and hand it on.
        var request = request
        let body = try await request.body.collect(upTo: maxBodySize)
        request.body = RequestBody(buffer: body)
        guard Self.formKey(request, body: body).map(isKey) == true else {
            throw DeepStackError(.unauthorized, "a valid API key is required: send it as the 'api_key' form field or an 'X-API-Key' header")
        }
        return try await next(request, context)
    }

    static var openPaths: Set<String> {
        Set(["/health", "/v2/health/live", "/v2/health/ready"] + CodeProjectStatusController.pingPaths)
            .union(DashboardController.openPaths)
    }

    /// Whether `presented` is one of the keys, compared in time that depends only on the lengths,
    /// never on where the first differing byte is (every key is compared, every byte of each).
    func isKey(_ presented: String) -> Bool {
        keys.reduce(false) { found, key in Self.constantTimeEqual(Array(key.utf8), Array(presented.utf8)) || found }
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt(bitPattern: a.count ^ b.count)
        for i in 0..<max(a.count, b.count) {
            difference |= UInt((i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0))
        }
        return difference == 0
    }

    static func presentedKey(_ request: Request) -> String? {
        if let key = request.headers[apiKeyHeader] ?? request.headers[doodsKeyHeader] { return key }
        guard let authorization = request.headers[.authorization] else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingCharacters(in: .whitespaces)
    }

    /// `api_key` from a multipart or URL-encoded form body.
    static func formKey(_ request: Request, body: ByteBuffer) -> String? {
        switch MediaKind(request) {
        case .multipart(let boundary):
            return (try? MultipartForm(body: Array(buffer: body), boundary: boundary))?.text("api_key")
        case .other(let type) where type.lowercased().hasPrefix("application/x-www-form-urlencoded"):
            for pair in String(buffer: body).split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2, parts[0] == "api_key" {
                    return parts[1].replacingOccurrences(of: "+", with: " ").removingPercentEncoding
                }
            }
            return nil
        default:
            return nil
        }
    }
}
