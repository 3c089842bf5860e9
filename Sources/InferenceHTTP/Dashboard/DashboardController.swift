import HTTPTypes
import Hummingbird
import NIOCore

/// The dashboard: a static page (`GET /`) and its script and style (`/ui/…`), embedded in the
/// binary at build time. The page carries no data: it reads the public API like any client
/// (`/status`, `/devices`, `/metrics`, `/models`, `/model-files`, `/inference`), so it needs no
/// key of its own and shows nothing a caller could not ask for. Each answer forbids inline
/// script and framing, and sniffing of its type.
struct DashboardController {
    struct Asset: Sendable {
        let bytes: [UInt8]
        let type: String
    }

    static let assets: [String: Asset] = [
        "/": Asset(bytes: PackageResources.index_html, type: "text/html; charset=utf-8"),
        "/ui/app.js": Asset(bytes: PackageResources.app_js, type: "text/javascript; charset=utf-8"),
        "/ui/app.css": Asset(bytes: PackageResources.app_css, type: "text/css; charset=utf-8"),
    ]

    /// Paths open without an API key: the page and its files hold no data.
    static var openPaths: Set<String> { Set(assets.keys) }

    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        for path in Self.assets.keys.sorted() {
            router.get(RouterPath(path), use: serve)
        }
    }

    @Sendable func serve(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let asset = Self.assets[request.uri.path] else { throw APIError(.notFound, "not_found", "no such page") }
        var headers: HTTPFields = [
            .contentType: asset.type,
            .cacheControl: "no-cache",
            .contentSecurityPolicy: Self.contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
        ]
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}
