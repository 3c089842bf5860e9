import GRPCCore
import GRPCNIOTransportHTTP2
public import InferenceCore
public import InferenceVision
public import Logging
public import ServiceLifecycle

/// The KServe v2 gRPC front end as a `Service` of the one group: serves
/// `inference.GRPCInferenceService` over HTTP/2 (plaintext) until graceful shutdown, when it stops
/// accepting RPCs and lets the running ones finish. `onListening` is called once the server is
/// bound, with its port (the one the system chose when `configuration.port` is 0).
public struct GRPCFrontEnd: Service {
    let service: InferenceService
    let vision: VisionService?
    let configuration: GRPCConfiguration
    let logger: Logger
    let onListening: @Sendable (_ port: Int) async -> Void

    public init(
        service: InferenceService, vision: VisionService?, configuration: GRPCConfiguration, logger: Logger,
        onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) {
        self.service = service
        self.vision = vision
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let server = GRPCServer(
            transport: .http2NIOPosix(
                address: .ipv4(host: configuration.host, port: configuration.port),
                transportSecurity: .plaintext,
                config: .defaults { $0.rpc.maxRequestPayloadSize = configuration.maxMessageSize }),
            services: [KServeGRPCService(service: service, vision: vision, logger: logger)],
            interceptors: [
                GRPCMetricsInterceptor(factory: service.metrics.factory),
                GRPCAuthInterceptor(apiKeys: configuration.apiKeys), GRPCTimeoutInterceptor(),
            ])
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await server.serve() }
                if let address = try await server.listeningAddress {
                    logger.info("gRPC (KServe v2) listening", metadata: ["address": "\(address)"])
                    await onListening(address.ipv4?.port ?? address.ipv6?.port ?? configuration.port)
                }
            }
        } onGracefulShutdown: {
            server.beginGracefulShutdown()
        }
    }
}
