import HTTPTypes
import Hummingbird

/// An error on the DOODS2 routes, in DOODS2's form: its detect answer with `error` set,
/// `{"id": ..., "detections": [], "error": "..."}`. DOODS2 answers every failed detection 400;
/// so does this, except for a missing key (401), a body over the limit (413), routes asked with
/// the wrong method (405) and failures of the service itself (500, 503 when busy, 504).
struct DOODSError: HTTPResponseError {
    var status: HTTPResponse.Status
    var message: String
    var id: String?
    var headers: HTTPFields = [:]
    /// The runtime error behind the failure, for the log (`InferenceError.cause`).
    var cause: (any Error)?

    init(_ status: HTTPResponse.Status, _ message: String, id: String? = nil) {
        self.status = Self.wireStatus(status)
        self.message = message
        self.id = id
    }

    init(_ error: APIError, id: String? = nil) {
        self.init(error.status, error.message, id: id)
        headers = error.headers
    }

    init(_ error: any Error, request: Request, id: String?) {
        if var error = error as? DOODSError {
            error.id = error.id ?? id
            self = error
        } else {
            self.init(ErrorMiddleware<AppRequestContext>.apiError(for: error, request: request), id: id)
            cause = ErrorMiddleware<AppRequestContext>.cause(of: error)
        }
    }

    static func wireStatus(_ status: HTTPResponse.Status) -> HTTPResponse.Status {
        switch status.code {
        case 401, 405, 413: status
        case 429: .serviceUnavailable
        case 400..<500: .badRequest
        default: status
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try JSONBody.make(Body(id: id, error: message), status: status, headers: headers)
    }

    struct Body: Encodable {
        var id: String?
        var detections: [DOODSResponse.Detection] = []
        var error: String
    }
}
