import Foundation
import HTTPTypes
import Hummingbird
import InferenceCore
import NIOCore

/// Names the client of each request for the models' queues, where clients take turns: the API
/// key when one is sent, else an `X-Client-Id` header, else the peer's address.
struct ClientMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static var clientHeader: HTTPField.Name { HTTPField.Name("X-Client-Id")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let client =
            APIKeyMiddleware<Context>.presentedKey(request).map { "key:\($0.hashValue)" }
            ?? request.headers[Self.clientHeader].map { "id:\($0.prefix(128))" }
            ?? context.peer.map { "ip:\($0)" }
        return try await RequestClient.$current.withValue(client) {
            try await next(request, context)
        }
    }
}
