import GRPCCore
import InferenceCore
import Metrics

/// Counts RPCs in the HTTP layer's families (`hailo8_http_requests_total`,
/// `hailo8_http_request_duration_seconds`) with route `grpc`, the RPC's name as the method and
/// its gRPC status code (0: OK) as the code, so that one dashboard shows every front end. The
/// time runs from the RPC's start to its last response message.
final class GRPCMetricsInterceptor: ServerInterceptor {
    struct Key: Hashable {
        var method: String
        var code: Int
    }

    private let metrics: FrontEndMetrics

    init(factory: any MetricsFactory) {
        metrics = FrontEndMetrics(factory: factory)
    }

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>, context: ServerContext,
        next: (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let started = ContinuousClock.now
        let method = context.descriptor.method
        let response: StreamingServerResponse<Output>
        do {
            response = try await next(request, context)
        } catch {
            record(Key(method: method, code: Self.code(of: error)), duration: .now - started)
            throw error
        }
        switch response.accepted {
        case .failure(let error):
            record(Key(method: method, code: Int(error.code.rawValue)), duration: .now - started)
            return response
        case .success(var contents):
            let producer = contents.producer
            contents.producer = { writer in
                do {
                    let trailers = try await producer(writer)
                    self.record(Key(method: method, code: 0), duration: .now - started)
                    return trailers
                } catch {
                    self.record(Key(method: method, code: Self.code(of: error)), duration: .now - started)
                    throw error
                }
            }
            return StreamingServerResponse(accepted: .success(contents))
        }
    }

    static func code(of error: any Error) -> Int {
        (error as? RPCError).map { Int($0.code.rawValue) } ?? Int(RPCError.Code.unknown.rawValue)
    }

    private func record(_ key: Key, duration: Duration) {
        metrics.record(.init(model: "", route: "grpc", method: key.method, code: key.code), duration: duration)
    }
}
