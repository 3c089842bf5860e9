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
///
/// Each API is a router group that answers errors in its own form: the native API, DeepStack /
/// CodeProject.AI, DOODS2 and KServe (`ErrorDialect`). A group starts with its `ErrorMiddleware`,
/// then the middlewares every request goes through: the body limit, the disconnect watch, the
/// client's name and the API key check, so that the error middleware answers their refusals too.
/// Requests no route takes (404, 405) go through the same middlewares, added to the router after
/// the last route, where Hummingbird applies them to its not-found responder only, behind the
/// fallback `ErrorMiddleware(unrouted:)`. The request observation comes first, for every request.
public func buildRouter(
    service: InferenceService, configuration: HTTPConfiguration, pipeline: VisionPipeline = .shared,
    metrics: PrometheusCollectorRegistry? = nil
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(
        middleware: RequestObservationMiddleware(metrics: FrontEndMetrics(factory: service.metrics.factory), node: service.node.rawValue))
    // One value, added to every group and the fallback: one budget for all bodies.
    let bodyLimit = BodyLimitMiddleware<AppRequestContext>(
        maxBodySize: configuration.maxBodySize, maxBytesInFlight: configuration.maxBodyBytesInFlight)
    /// What every request goes through, in a group of `dialect`'s routes (nil: no route took it).
    func everyRequest(_ dialect: ErrorDialect?) -> [any MiddlewareProtocol<Request, Response, AppRequestContext>] {
        let apiKey =
            configuration.apiKeys.isEmpty
            ? []
            : [APIKeyMiddleware<AppRequestContext>(keys: configuration.apiKeys, maxBodySize: configuration.maxBodySize, dialect: dialect)]
        return [bodyLimit, DisconnectMiddleware(), ClientMiddleware()] + apiKey
    }
    func group(_ dialect: ErrorDialect) -> RouterGroup<AppRequestContext> {
        let group = router.group().add(middleware: ErrorMiddleware(dialect))
        for middleware in everyRequest(dialect) { group.add(middleware: middleware) }
        return group
    }
    let native = group(.native)
    let deepStack = group(.deepStack)
    let vision = VisionService(inference: service, pipeline: pipeline, limits: configuration.imageLimits)
    HealthController(service: service).addRoutes(to: native)
    ModelsController(service: service, maxBodySize: configuration.maxBodySize).addRoutes(to: native)
    InferenceController(service: service, vision: vision, maxBodySize: configuration.maxBodySize).addRoutes(to: native)
    DeepStackController(vision: vision, configuration: configuration).addRoutes(to: deepStack)
    CodeProjectStatusController(service: service, vision: vision).addRoutes(to: deepStack)
    DOODSController(vision: vision, configuration: configuration).addRoutes(to: group(.doods))
    KServeController(service: service, vision: vision, maxBodySize: configuration.maxBodySize).addRoutes(to: group(.kServe))
    if let metrics {
        MetricsController(service: service, registry: metrics).addRoutes(to: native)
    }
    OpenAPIController().addRoutes(to: native)
    DashboardController().addRoutes(to: native)
    // After the last route: these wrap only the responder for requests no route takes.
    let routes = RouteTable()
    router.add(middleware: ErrorMiddleware(unrouted: routes))
    for middleware in everyRequest(nil) { router.add(middleware: middleware) }
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
