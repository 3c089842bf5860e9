import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Requires one of the configured API keys, as `Authorization: Bearer KEY`, `X-API-Key: KEY` or
/// DOODS's `doods-auth-key: KEY`, on every route except the health probes (`/health`,
/// `/v2/health/live`, `/v2/health/ready`) and CodeProject.AI's pings. The DeepStack routes
/// (`/v1/vision/…`) also accept the key as an `api_key` form field, as DeepStack clients send it.
/// It runs in each API's router group, whose `ErrorMiddleware` answers a refusal in that API's
/// form, and whose API decides the hint; for requests no route takes (see `ErrorMiddleware`)
/// the hint goes by the path.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: Set<String>
    let maxBodySize: Int
    /// The API of the router group it runs in; nil for requests no route takes.
    let dialect: ErrorDialect?
    static var apiKeyHeader: HTTPField.Name { HTTPField.Name("X-API-Key")! }
    static var doodsKeyHeader: HTTPField.Name { HTTPField.Name("doods-auth-key")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.openPaths.contains(request.uri.path) || Self.presentedKey(request).map(isKey) == true {
            return try await next(request, context)
        }
        guard Self.takesFormKey(request.uri.path) else {
            let how =
                (dialect ?? ErrorDialect(unroutedPath: request.uri.path)) == .doods
                ? "send it in a 'doods-auth-key' header" : "send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'"
            var error = APIError(.unauthorized, "unauthorized", "a valid API key is required: \(how)")
            error.headers[.wwwAuthenticate] = "Bearer"
            throw error
        }
        // DeepStack clients put the key in the form, before the image (as HTTP clients encode
        // their fields before their files). Read no more of the body than it takes to find it,
        // at most `formKeyWindow` bytes, and hand the request on with those bytes put back in
        // front of the rest: an unauthenticated upload costs that window, not the body limit.
        var iterator = request.body.makeAsyncIterator()
        var head = ByteBuffer()
        var key: String?
        var ended = false
        while key == nil, head.readableBytes < Self.formKeyWindow {
            guard let chunk = try await iterator.next() else {
                ended = true
                break
            }
            head.writeImmutableBuffer(chunk)
            key = Self.formKey(request, prefix: head)
        }
        if key == nil, ended { key = Self.formKey(request, body: head) }
        guard key.map(isKey) == true else {
            throw DeepStackError(
                .unauthorized,
                "a valid API key is required: send it as the 'api_key' form field (before the image) or an 'X-API-Key' header")
        }
        var request = request
        request.body = ended ? RequestBody(buffer: head) : RequestBody(asyncSequence: PrefixedBody(head: head, rest: iterator))
        return try await next(request, context)
    }

    /// Whether the path is a DeepStack detection route's, whose clients may send the key as a
    /// form field. Runs of slashes count as one, as the router matches them
    /// (`//v1/vision/detection`: a base URL with a trailing slash).
    static func takesFormKey(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return parts.count > 2 && parts[0] == "v1" && parts[1] == "vision"
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
    /// How much of a DeepStack body is read to find its `api_key` field.
    static var formKeyWindow: Int { 64 << 10 }

    /// `api_key` from the start of a form body, once its whole value has arrived: a multipart
    /// part followed by the next boundary, or a URL-encoded pair followed by `&`.
    static func formKey(_ request: Request, prefix: ByteBuffer) -> String? {
        let bytes = Array(prefix.readableBytesView)
        switch MediaKind(request) {
        case .multipart(let boundary):
            return MultipartForm.completeField("api_key", in: bytes, boundary: boundary)
        case .other(let type) where type.lowercased().hasPrefix("application/x-www-form-urlencoded"):
            guard let end = bytes.lastIndex(of: UInt8(ascii: "&")) else { return nil }
            return formKey(request, body: ByteBuffer(bytes: bytes[..<end]))
        default:
            return nil
        }
    }

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

/// A request body whose first bytes were already read: those, then the rest of the stream.
/// `@unchecked Sendable`: it is iterated once, by the one handler the request is passed to, as
/// the body it replaces would have been.
struct PrefixedBody: AsyncSequence, @unchecked Sendable {
    typealias Element = ByteBuffer
    let head: ByteBuffer
    let rest: RequestBody.AsyncIterator

    struct AsyncIterator: AsyncIteratorProtocol {
        var head: ByteBuffer?
        var rest: RequestBody.AsyncIterator

        mutating func next() async throws -> ByteBuffer? {
            if let first = head {
                head = nil
                return first
            }
            return try await rest.next()
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(head: head, rest: rest) }
}
