import HTTPTypes
import Hummingbird

/// Answers 413 as soon as a request's head declares a `Content-Length` over the body limit,
/// before any of the body is read: a client announcing 10 GB gets its answer at once instead of
/// a server waiting for bytes it would refuse anyway. The answer says `Connection: close`, since
/// the unread body would otherwise have to be read first. `ErrorMiddleware` answers it in the
/// form of the API the path belongs to.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodySize: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let text = request.headers[.contentLength], let declared = Int(text), declared > maxBodySize else {
            return try await next(request, context)
        }
        let message = "the request body of \(declared) bytes is larger than the service's limit of \(maxBodySize) bytes (--max-body-size)"
        var error = APIError(.contentTooLarge, "payload_too_large", message)
        error.headers[.connection] = "close"
        throw error
    }
}
