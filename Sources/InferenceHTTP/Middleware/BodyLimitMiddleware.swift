import HTTPTypes
import Hummingbird
import Synchronization

/// Bounds request bodies before any of one is read: one by itself (`--max-body-size`) and all
/// held at once (`--body-memory`).
///
/// A `Content-Length` over the body limit is 413 at once: a client announcing 10 GB gets its
/// answer instead of a server waiting for bytes it would refuse anyway. Every request with a body
/// reserves its declared length (a body of unknown length, chunked, reserves the body limit)
/// until it is answered; a request that would take the bodies held past the budget is 429 at
/// once, so a thousand stalled 64 MB uploads cannot take the memory. Both answers say
/// `Connection: close`, since the unread body would otherwise have to be read first.
/// It runs in each API's router group, whose `ErrorMiddleware` answers them in that API's form,
/// and for requests no route takes (see `ErrorMiddleware`). Its one budget is shared by all.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodySize: Int
    let budget: BodyBudget

    init(maxBodySize: Int, maxBytesInFlight: Int) {
        self.maxBodySize = maxBodySize
        budget = BodyBudget(limit: maxBytesInFlight)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let declared = request.headers[.contentLength].flatMap { Int($0) }
        if let declared, declared > maxBodySize {
            throw closing(
                APIError(
                    .contentTooLarge, "payload_too_large",
                    "the request body of \(declared) bytes is larger than the service's limit of \(maxBodySize) bytes (--max-body-size)"))
        }
        let reserved =
            declared ?? (request.headers[.transferEncoding] != nil || [.post, .put, .patch].contains(request.method) ? maxBodySize : 0)
        guard reserved > 0 else { return try await next(request, context) }
        guard budget.reserve(reserved) else {
            var busy = closing(
                APIError(
                    .tooManyRequests, "server_busy",
                    "the service holds \(budget.limit >> 20) MiB of request bodies already (--body-memory); retry shortly"))
            busy.headers[.retryAfter] = "1"
            throw busy
        }
        defer { budget.release(reserved) }
        return try await next(request, context)
    }

    func closing(_ error: APIError) -> APIError {
        var error = error
        error.headers[.connection] = "close"
        return error
    }
}

/// Bytes of request bodies reserved by the requests being handled.
final class BodyBudget: Sendable {
    let limit: Int
    private let held = Mutex(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes `bytes` when they fit; false when they do not.
    func reserve(_ bytes: Int) -> Bool {
        held.withLock { held in
            guard bytes <= limit - held else { return false }
            held += bytes
            return true
        }
    }

    func release(_ bytes: Int) {
        held.withLock { $0 -= bytes }
    }

    var inUse: Int { held.withLock { $0 } }
}
