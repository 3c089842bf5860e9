public import Hummingbird
public import InferenceCore
public import InferenceVision
public import Logging
import NIOCore
public import Prometheus

/// Builds the router with every route and middleware; tests call it directly.
/// Image work runs on `pipeline`'s threads (the process-wide one unless given). `GET /metrics`
/// renders `metrics`, the registry behind the service's metrics factory; without one the route
/// is absent.
public func buildRouter(
    service: InferenceService, configuration: HTTPConfiguration, pipeline: VisionPipeline = .shared,
    metrics: PrometheusCollectorRegistry? = nil
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(
        middleware: RequestObservationMiddleware(metrics: FrontEndMetrics(factory: service.metrics.factory), node: service.node.rawValue))
    let routes = RouteTable()
    router.add(middleware: ErrorMiddleware(routes: routes))
    router.add(
        middleware: BodyLimitMiddleware(maxBodySize: configuration.maxBodySize, maxBytesInFlight: configuration.maxBodyBytesInFlight))
    router.add(middleware: DisconnectMiddleware())
    router.add(middleware: ClientMiddleware())
    if !configuration.apiKeys.isEmpty {
        router.add(middleware: APIKeyMiddleware(keys: configuration.apiKeys, maxBodySize: configuration.maxBodySize))
    }
    let vision = VisionService(inference: service, pipeline: pipeline, limits: configuration.imageLimits)
    HealthController(service: service).addRoutes(to: router)
    ModelsController(service: service, maxBodySize: configuration.maxBodySize).addRoutes(to: router)
    InferenceController(service: service, vision: vision, maxBodySize: configuration.maxBodySize).addRoutes(to: router)
    DeepStackController(vision: vision, configuration: configuration).addRoutes(to: router)
    CodeProjectStatusController(service: service, vision: vision).addRoutes(to: router)
    DOODSController(vision: vision, configuration: configuration).addRoutes(to: router)
    KServeController(service: service, vision: vision, maxBodySize: configuration.maxBodySize).addRoutes(to: router)
    if let metrics {
        MetricsController(service: service, registry: metrics).addRoutes(to: router)
    }
    OpenAPIController().addRoutes(to: router)
    DashboardController().addRoutes(to: router)
    routes.set(router.routes.map { ("\($0.path)", $0.method) })
    return router
}

/// The HTTP application serving `service`. `onListening` is called once the server is bound,
/// with the port it is bound to (the one chosen by the system when `configuration.port` is 0).
public func buildApplication(
    service: InferenceService, configuration: HTTPConfiguration, pipeline: VisionPipeline = .shared,
    metrics: PrometheusCollectorRegistry? = nil, logger: Logger,
    onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(service: service, configuration: configuration, pipeline: pipeline, metrics: metrics),
        server: .inferenceHTTP1(idleTimeout: configuration.idleTimeout),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "hailo8-service",
            availableConnectionsDelegate: .maximum(configuration.maxConnections, logger: logger)),
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}
