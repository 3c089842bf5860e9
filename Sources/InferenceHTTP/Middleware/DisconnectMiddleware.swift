import HTTPTypes
import Hummingbird
import Logging

/// Cancels a request whose client goes away before it is answered (see `ConnectionWatch`): what
/// it still waits for, a model's queue above all, is given up. Such a request is counted and
/// logged at `info` with status 499 (nginx's "client closed request"): nobody is there to read
/// the answer, and the service did nothing wrong.
/// Outside a served connection (router tests) requests run as they are.
struct DisconnectMiddleware<Context: RequestContext>: RouterMiddleware {
    static var clientClosedRequest: HTTPResponse.Status { .init(code: 499, reasonPhrase: "Client Closed Request") }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let watch = ConnectionWatch.current else { return try await next(request, context) }
        do {
            let response = try await watch.cancellingOnClose { try await next(request, context) }
            return watch.isClosed ? gone(request, context) : response
        } catch  where watch.isClosed {
            return gone(request, context)
        }
    }

    private func gone(_ request: Request, _ context: Context) -> Response {
        context.logger.info(
            "the client closed its connection before the answer",
            metadata: [
                "status": "\(Self.clientClosedRequest.code)", "method": "\(request.method)", "path": "\(request.uri.path)",
            ])
        return Response(status: Self.clientClosedRequest)
    }
}
