import HTTPTypes
import Hummingbird
import NIOCore

/// Errors on `/v2` routes, answered as the Open Inference Protocol does: `{"error": "message"}`
/// with Triton's status for the kind of failure. `ErrorMiddleware` builds the same `APIError` for
/// every route and turns it into this form for the KServe group's routes (and unrouted `/v2`
/// paths), so that there is one error mechanism.
enum KServeError {
    /// Triton's status for the native status of an error: invalid arguments, conflicts
    /// (ALREADY_EXISTS) and requests a model refuses are 400; a full queue and a missed deadline
    /// are 503 (UNAVAILABLE); 401, 404, 405, 413, 415, 500, 501, 503 stay as they are.
    static func status(for native: HTTPResponse.Status) -> HTTPResponse.Status {
        switch native.code {
        case 409, 422: .badRequest
        case 429, 504: .serviceUnavailable
        default: native
        }
    }

    static func response(for error: APIError) throws -> Response {
        var response = try JSONBody.make(["error": error.message], status: status(for: error.status))
        response.headers.append(contentsOf: error.headers)
        return response
    }
}
