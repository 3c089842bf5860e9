import HTTPTypes
import Hummingbird
import InferenceCore
import NIOCore
import Prometheus

/// `GET /metrics`: the Prometheus text exposition format. Gauges that describe the service's
/// state (queues, models, tasks, devices) are read when it is scraped.
struct MetricsController {
    let service: InferenceService
    let registry: PrometheusCollectorRegistry

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/metrics", use: metrics)
    }

    @Sendable func metrics(_ request: Request, context: AppRequestContext) async throws -> Response {
        await service.collectMetrics()
        let bytes = registry.emitToBuffer()
        return Response(
            status: .ok,
            headers: [.contentType: PrometheusExport.contentType, .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
