import HTTPTypes
import Hummingbird
import InferenceCore
import Logging

/// The outermost middleware: gives each request its id (the client's `X-Request-Id` when it is
/// sane, else Hummingbird's), puts it in the logger's metadata and in a `RequestScope` the core
/// notes the model into, answers it in `X-Request-Id` on every response, errors included, and
/// counts the request by model, route, method and status code. Every answer also names the host
/// that gave it in `X-Hailo8-Node` (`--node-name`), so that a client behind a balancer can tell.
struct RequestObservationMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: FrontEndMetrics
    let node: String

    static var requestIDHeader: HTTPField.Name { HTTPField.Name("X-Request-Id")! }
    static var nodeHeader: HTTPField.Name { HTTPField.Name("X-Hailo8-Node")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let id = request.headers[Self.requestIDHeader].flatMap(Self.acceptedID) ?? context.id
        var context = context
        context.logger[metadataKey: "request_id"] = "\(id)"
        let scope = RequestScope(requestID: id, receivedAt: start)
        do {
            var response = try await RequestScope.$current.withValue(scope) {
                try await next(request, context)
            }
            response.headers[Self.requestIDHeader] = id
            response.headers[Self.nodeHeader] = node
            finish(request, context: context, scope: scope, status: response.status, start: start)
            return response
        } catch {
            // The error middleware inside answers every error; this is for one that escapes it.
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            finish(request, context: context, scope: scope, status: status, start: start)
            throw error
        }
    }

    private func finish(
        _ request: Request, context: Context, scope: RequestScope, status: HTTPResponse.Status, start: ContinuousClock.Instant
    ) {
        let duration = ContinuousClock.now - start
        let route = context.endpointPath.map { $0 == "NotFound" ? "unmatched" : $0 } ?? "unmatched"
        metrics.record(
            .init(model: scope.modelID ?? "", route: route, method: request.method.rawValue, code: status.code), duration: duration)
        context.logger.debug(
            "request",
            metadata: [
                "method": "\(request.method)", "path": "\(request.uri.path)", "route": "\(route)",
                "status": "\(status.code)", "model_id": "\(scope.modelID ?? "-")", "duration_ms": "\(duration.milliseconds)",
            ])
    }

    /// A client's request id is used when it has 1 to 128 of `A-Z a-z 0-9 . _ : -` (UUIDs, trace
    /// ids); anything else is ignored (not refused) and the service's own id is used instead.
    static func acceptedID(_ value: String) -> String? {
        guard (1...128).contains(value.utf8.count) else { return nil }
        let allowed = value.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x2e || c == 0x5f || c == 0x3a
                || c == 0x2d
        }
        return allowed ? value : nil
    }
}
