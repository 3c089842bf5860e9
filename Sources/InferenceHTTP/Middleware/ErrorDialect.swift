/// The form an API answers its errors in. Each API's routes are a router group whose
/// `ErrorMiddleware` answers in that API's form (see `buildRouter`).
enum ErrorDialect: Sendable, Equatable {
    /// The native API: `{"error": {"code", "message"}}` (`APIError`).
    case native
    /// KServe v2 / the Open Inference Protocol under `/v2`: `{"error": "message"}` with Triton's
    /// statuses (`KServeError`).
    case kServe
    /// DeepStack / CodeProject.AI under `/v1`: `{"success": false, "error", "code"}`
    /// (`DeepStackError`).
    case deepStack
    /// DOODS2's `/detectors`, `/detect` and `/image`: `{"id", "detections": [], "error"}`
    /// (`DOODSError`).
    case doods

    /// The API a path belongs to by its prefix, for a request no route took (an unknown path, a
    /// known one asked with another method). Requests a route takes are answered by its group
    /// instead, whose API also decides the API key check's hint.
    init(unroutedPath path: String) {
        if path == "/v2" || path.hasPrefix("/v2/") {
            self = .kServe
        } else if path == "/v1" || path.hasPrefix("/v1/") {
            self = .deepStack
        } else if ["/detectors", "/detect", "/image"].contains(path) {
            self = .doods
        } else {
            self = .native
        }
    }

    /// The page that lists the API's routes, named in a 404.
    var docs: String {
        switch self {
        case .kServe: "docs/kserve.md"
        case .deepStack: "docs/integrations.md"
        case .native, .doods: "docs/api.md"
        }
    }
}
