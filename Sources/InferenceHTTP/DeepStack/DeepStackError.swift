import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error on the DeepStack / CodeProject.AI routes (everything under `/v1/`), in DeepStack's
/// form: `{"success": false, "error": "...", "code": STATUS}`.
///
/// `status` is what the failure is (the native API's status for it; a full queue is 503, which
/// DeepStack clients know). What goes on the wire follows CodeProject.AI: a request a detection
/// route took in and could not serve (a bad image or field, an unknown model, a failed run) is
/// answered with HTTP 200, `success: false`, the status in `code` and an empty `predictions`
/// list, since the clients index `predictions` after any 200 and some fail on any other status;
/// only a busy service (503), a body over the limit (413), a missing key (401), a request that
/// breaks HTTP and routes that do not exist (404, 405) keep their HTTP status.
struct DeepStackError: HTTPResponseError {
    var status: HTTPResponse.Status
    var message: String
    var headers: HTTPFields = [:]
    /// Answered with HTTP 200 and an empty `predictions` list (see above).
    var inBody = false
    /// A failure of the exchange rather than of the request's content (the body over the limit,
    /// HTTP broken): answered with its status wherever it happens.
    var ofTheExchange = false
    /// The runtime error behind the failure, for the log (`InferenceError.cause`).
    var cause: (any Error)?

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    init(_ error: any Error, request: Request) {
        if let error = error as? DeepStackError {
            self = error
            return
        }
        let api = ErrorMiddleware<AppRequestContext>.apiError(for: error, request: request)
        // DeepStack clients (Frigate, Blue Iris) know 503 for "busy", not 429.
        self.init(api.status == .tooManyRequests ? .serviceUnavailable : api.status, api.message)
        headers = api.headers
        cause = ErrorMiddleware<AppRequestContext>.cause(of: error)
        ofTheExchange = api.code == ErrorMiddleware<AppRequestContext>.tooLarge.code || api.headers[.connection]?.lowercased() == "close"
    }

    init(_ error: APIError) {
        self.init(error.status == .tooManyRequests ? .serviceUnavailable : error.status, error.message)
        headers = error.headers
    }

    /// The error as a detection route answers it: in the body with HTTP 200, unless the service
    /// is busy, the key is missing or the exchange itself failed.
    func answeredInBody() -> DeepStackError {
        var error = self
        error.inBody = !ofTheExchange && ![.serviceUnavailable, .unauthorized].contains(status)
        return error
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(error: message, code: Int(status.code), predictions: inBody ? [] : nil, count: inBody ? 0 : nil)
        return try JSONBody.make(body, status: inBody ? .ok : status, headers: inBody ? [:] : headers)
    }

    struct Body: Encodable {
        var success = false
        var error: String
        var code: Int
        var predictions: [DeepStackResponse.Prediction]?
        var count: Int?
    }
}
