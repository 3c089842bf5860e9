import Hummingbird
import InferenceCore
import Logging

/// Builds the router with every route and middleware; tests call it directly.
public func buildRouter(service: InferenceService, configuration: HTTPConfiguration) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: ErrorMiddleware())
    if !configuration.apiKeys.isEmpty {
        router.add(middleware: APIKeyMiddleware(keys: configuration.apiKeys))
    }
    ServiceController(service: service).addRoutes(to: router)
    ModelsController(service: service, maxBodySize: configuration.maxBodySize).addRoutes(to: router)
    InferenceController(service: service, maxBodySize: configuration.maxBodySize).addRoutes(to: router)
    KServeController(service: service, maxBodySize: configuration.maxBodySize).addRoutes(to: router)
    return router
}

/// The HTTP application serving `service`.
public func buildApplication(
    service: InferenceService, configuration: HTTPConfiguration, logger: Logger
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(service: service, configuration: configuration),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "hailo8-service"),
        logger: logger)
}
