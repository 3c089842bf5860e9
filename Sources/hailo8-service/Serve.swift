import ArgumentParser
import Foundation
import Hummingbird
import InferenceCore
import HailoBackend
import InferenceGRPC
import InferenceHTTP
import InferenceVision
import InferenceZMQ
import Logging
import Metrics
import ONNXBackend
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `hailo8-service serve`: the HTTP service.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the HTTP API (the default subcommand).")

    @Option(help: "Address to listen on (env HAILO8_HOST, default 0.0.0.0).") var host: String?
    @Option(help: "Port to listen on; 0 for one the system chooses, see --port-file (env HAILO8_PORT, default 8080).") var port: Int?
    @Option(
        help: ArgumentHelp(
            "Once listening, write the bound ports to this file as JSON, e.g. {\"grpc\":43122,\"http\":43121}; removed at shutdown (env HAILO8_PORT_FILE).",
            valueName: "file"))
    var portFile: String?
    @Option(help: "Directory that model_path is resolved in (env HAILO8_MODELS_DIR, default ./models).") var modelsDir: String?
    @Option(help: "Directory for the list of loaded models and uploads (env HAILO8_DATA_DIR, default ./data).") var dataDir: String?
    @Option(
        help:
            "Largest request body, bytes with optional K/M/G (env HAILO8_MAX_BODY_SIZE, default 64M, or an eighth of a smaller cgroup memory limit)."
    )
    var maxBodySize: String?
    @Option(
        help:
            "Request bodies held at once, bytes with optional K/M/G; past it requests wait for none, they get 429 (env HAILO8_BODY_MEMORY, default 1G, or half a smaller cgroup memory limit)."
    )
    var bodyMemory: String?
    @Option(help: "Default deadline of a request in ms (env HAILO8_REQUEST_TIMEOUT_MS, default 30000).") var requestTimeoutMs: Int?
    @Option(help: "Most async tasks kept at once (env HAILO8_TASK_CAPACITY, default 1024, fewer under a memory limit).") var taskCapacity:
        Int?
    @Option(
        help:
            "Results finished async tasks may hold, bytes with optional K/M/G; past it new tasks get 429 (env HAILO8_TASK_MEMORY, default 512M, or a quarter of a smaller cgroup memory limit)."
    )
    var taskMemory: String?
    @Option(help: "Seconds a finished task is kept (env HAILO8_TASK_TTL, default 600).") var taskTtl: Int?
    @Option(help: ArgumentHelp("Load a model at start-up, repeatable (env HAILO8_PRELOAD, comma-separated).", valueName: "id=path"))
    var preload: [String] = []
    @Option(
        help: ArgumentHelp(
            "YAML file of models to load at start-up, with their load options (env HAILO8_CONFIG; docs/api.md).", valueName: "file"))
    var config: String?
    @Option(help: ArgumentHelp("Require this API key, repeatable (env HAILO8_API_KEYS, comma-separated). Off when none.", valueName: "key"))
    var apiKey: [String] = []
    @Option(
        help:
            "Model that serves POST /v1/vision/detection and DOODS's 'default' detector (env HAILO8_DEEPSTACK_MODEL, default: the first detection model loaded)."
    )
    var deepstackModel: String?
    @Option(
        help:
            "Most predictions the DeepStack detection routes return, best first; 0 for all (env HAILO8_DEEPSTACK_MAX_PREDICTIONS, default 20, as Frigate reads)."
    )
    var deepstackMaxPredictions: Int?
    @Option(
        help: "Largest image accepted, in pixels, checked from the header before decoding (env HAILO8_MAX_IMAGE_PIXELS, default 40000000).")
    var maxImagePixels: Int?
    @Option(help: "Threads that decode and prepare images, default one per CPU the cgroup allows (env HAILO8_VISION_THREADS).")
    var visionThreads: Int?
    @Option(help: "Seconds running async tasks get to finish at shutdown (env HAILO8_SHUTDOWN_GRACE, default 10).") var shutdownGrace: Int?
    @Option(
        help:
            "Requests that may wait per model, default 16 per usable CPU (8 to 64); a model's load options may set max_queue (env HAILO8_MAX_QUEUE)."
    ) var maxQueue: Int?
    @Option(
        help: ArgumentHelp(
            "Serve Frigate's zmq remote detector on this ZeroMQ endpoint, e.g. tcp://0.0.0.0:5555 or ipc:///tmp/cache/zmq_detector; repeatable (env HAILO8_ZMQ_ENDPOINTS, comma-separated; or zmq_endpoints in --config). Off when none.",
            valueName: "endpoint"))
    var zmqEndpoint: [String] = []
    @Option(
        help: ArgumentHelp(
            "Serve KServe v2 gRPC (inference.GRPCInferenceService, as Triton's port 8001) on this port, on the --host address, or 'auto' for one the system chooses (see --port-file) (env HAILO8_GRPC_PORT). Off when not given or 0.",
            valueName: "port|auto"))
    var grpcPort: String?
    @Option(help: "Deadline of a ZeroMQ inference request in ms, from its arrival (env HAILO8_ZMQ_TIMEOUT_MS, default 1000).")
    var zmqTimeoutMs: Int?
    @Option(help: "Seconds a connection may stay silent while idle or while its request is read (env HAILO8_IDLE_TIMEOUT, default 30).")
    var idleTimeout: Int?
    @Option(help: "Connections open at once; more wait until one closes (env HAILO8_MAX_CONNECTIONS, default 1024).") var maxConnections:
        Int?
    @Option(
        help: ArgumentHelp(
            "This host's name in task ids (<node>_<uuid>) and in the X-Hailo8-Node header, for a balancer in front of several hosts (env HAILO8_NODE_NAME, default the host name).",
            valueName: "name"))
    var nodeName: String?
    @Option(help: "trace, debug, info, notice, warning, error or critical (env HAILO8_LOG_LEVEL, default info).") var logLevel: String?
    @OptionGroup var runtime: RuntimeOptions

    func run() async throws {
        let levelName = Environment.string(logLevel, "HAILO8_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: levelName) else { throw ValidationError("unknown log level '\(levelName)'") }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "hailo8-service")
        logger.logLevel = level
        // Before any model loads: what a load allocates gets mappings of its own, so that
        // unloading gives it back to the system (MallocTuning). Not inside the log call, whose
        // metadata is only evaluated at its level.
        let malloc = MallocTuning.start()
        logger.info("malloc", metadata: ["mmap_threshold": "\(malloc)"])
        // Metrics: bootstrapped once, here; every library emits through swift-metrics.
        let metrics = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusExport.factory(registry: metrics))

        // Pools and the body limit are sized from the cgroup's CPU quota and memory limit, not
        // the host's (docs/api.md, "Resource limits").
        let resources = ResourceLimits.current
        let sizing = ResourceSizing(resources)
        var http = HTTPConfiguration(
            host: Environment.string(host, "HAILO8_HOST") ?? "0.0.0.0",
            port: try Environment.int(port, "HAILO8_PORT", default: 8080),
            maxBodySize: try Environment.byteSize(Environment.string(maxBodySize, "HAILO8_MAX_BODY_SIZE") ?? "\(sizing.maxBodySize)"),
            apiKeys: Set(Environment.list(apiKey, "HAILO8_API_KEYS")),
            deepStackModel: Environment.string(deepstackModel, "HAILO8_DEEPSTACK_MODEL"),
            deepStackMaxPredictions: try Environment.int(deepstackMaxPredictions, "HAILO8_DEEPSTACK_MAX_PREDICTIONS", default: 20))
        http.maxBodyBytesInFlight = try Environment.byteSize(
            Environment.string(bodyMemory, "HAILO8_BODY_MEMORY") ?? "\(sizing.bodyBytesInFlight(maxBodySize: http.maxBodySize))")
        guard http.maxBodyBytesInFlight >= http.maxBodySize else {
            throw ValidationError("--body-memory must hold at least one body of --max-body-size")
        }
        http.idleTimeout = .seconds(try Environment.int(idleTimeout, "HAILO8_IDLE_TIMEOUT", default: 30))
        http.maxConnections = try Environment.int(maxConnections, "HAILO8_MAX_CONNECTIONS", default: 1024)
        guard http.idleTimeout > .zero, http.maxConnections > 0 else {
            throw ValidationError("--idle-timeout and --max-connections must be positive")
        }
        http.imageLimits = ImageLimits(
            maxBytes: http.maxBodySize,
            maxPixels: try Environment.int(maxImagePixels, "HAILO8_MAX_IMAGE_PIXELS", default: 40_000_000))
        let threads = try Environment.int(visionThreads, "HAILO8_VISION_THREADS", default: sizing.threads)
        guard http.deepStackMaxPredictions >= 0 else {
            throw ValidationError("--deepstack-max-predictions must be 0 (no cap) or positive")
        }
        guard http.imageLimits.maxPixels > 0, threads > 0 else {
            throw ValidationError("--max-image-pixels and --vision-threads must be positive")
        }
        let pipeline = VisionPipeline(threads: threads)
        let modelsDirectory = URL(fileURLWithPath: Environment.string(modelsDir, "HAILO8_MODELS_DIR") ?? "models")
        let dataDirectory = URL(fileURLWithPath: Environment.string(dataDir, "HAILO8_DATA_DIR") ?? "data")
        for directory in [modelsDirectory, dataDirectory] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        let timeout = try Environment.int(requestTimeoutMs, "HAILO8_REQUEST_TIMEOUT_MS", default: 30_000)
        let capacity = try Environment.int(taskCapacity, "HAILO8_TASK_CAPACITY", default: sizing.taskCapacity)
        let ttl = try Environment.int(taskTtl, "HAILO8_TASK_TTL", default: 600)
        let taskBytes = try Environment.byteSize(Environment.string(taskMemory, "HAILO8_TASK_MEMORY") ?? "\(sizing.taskResultBytes)")
        guard timeout > 0, capacity > 0, ttl > 0 else { throw ValidationError("timeouts, task capacity and TTL must be positive") }
        let preloads = try Environment.list(preload, "HAILO8_PRELOAD").map(Self.parsePreload)
        let grpc = try Self.parseGRPCPort(Environment.string(grpcPort, "HAILO8_GRPC_PORT") ?? "0")
        let zmqTimeout = try Environment.int(zmqTimeoutMs, "HAILO8_ZMQ_TIMEOUT_MS", default: 1000)
        guard zmqTimeout > 0 else { throw ValidationError("--zmq-timeout-ms must be positive") }
        let node: NodeName
        if let name = Environment.string(nodeName, "HAILO8_NODE_NAME") {
            do { node = try NodeName(name) } catch { throw ValidationError(error.message) }
        } else {
            node = .host
        }

        let onnxConfiguration = try runtime.onnxConfiguration(resources: resources)
        let policy = onnxConfiguration.policy
        let monitor = ResourceMonitor(
            limits: resources,
            threads: .init(
                inference: policy.runThreads, intraOp: policy.wideThreads, intraOpShared: policy.narrowThreads, vision: threads))
        logger.info("resource limits", metadata: Self.describe(monitor, maxBodySize: http.maxBodySize))
        logger.info("node", metadata: ["node": "\(node)"])
        var settings = CoreAssembly.Settings(modelsDirectory: modelsDirectory, dataDirectory: dataDirectory)
        settings.defaultMaxQueue = try Environment.int(maxQueue, "HAILO8_MAX_QUEUE", default: sizing.maxQueue)
        settings.planner = VisionPlanner()
        // Async tasks are kept in <data-dir>/tasks/ so that none accepted is lost to a restart.
        (settings.taskCapacity, settings.taskResultBytes, settings.taskTimeToLive) = (capacity, taskBytes, .seconds(ttl))
        (settings.keepsTasks, settings.node) = (true, node)
        (settings.defaultTimeout, settings.resources) = (.milliseconds(timeout), monitor)
        let backends: [any InferenceBackend] = [
            ONNXBackend(configuration: onnxConfiguration, logger: logger),
            HailoBackend(configuration: runtime.hailoConfiguration(dataDirectory: dataDirectory), logger: logger),
        ]
        let core = await CoreAssembly.make(backends: backends, settings: settings, logger: logger)
        let (service, registry) = (core.service, core.registry)
        // A models file that cannot be read or names an unknown setting stops the start: better
        // than a service running without what it was told to load.
        var configured: [LoadRequest] = []
        var zmqEndpoints = Environment.list(zmqEndpoint, "HAILO8_ZMQ_ENDPOINTS")
        if let path = Environment.string(config, "HAILO8_CONFIG") {
            let file = try ModelsFile(contentsOf: path)
            configured = try await file.loadRequests(resolver: registry.resolver)
            if zmqEndpoints.isEmpty { zmqEndpoints = file.zmqEndpoints }
        }
        await registry.restore()
        // Models that do not load now (the board is busy, the backend missing) stay listed as
        // failed and are tried again while the service runs (ModelRestoreService).
        let startup = configured + preloads.map { id, path in LoadRequest(source: .path(path), modelID: id) }
        for request in startup {
            do {
                _ = try await registry.load(request, atStart: true)
            } catch {
                logger.error(
                    "model not loaded at start",
                    metadata: [
                        "model_id": "\(request.modelID ?? "(from file name)")", "source": "\(request.source)", "error": "\(error)",
                    ])
            }
        }
        // Written once every front end is bound, removed however the group ends.
        var frontEnds: Set<PortFile.FrontEnd> = [.http]
        if grpc != nil { frontEnds.insert(.grpc) }
        if !zmqEndpoints.isEmpty { frontEnds.insert(.zmq) }
        let portFile = Environment.string(self.portFile, "HAILO8_PORT_FILE").map { PortFile(path: $0, frontEnds: frontEnds) }
        defer { portFile?.remove() }
        let report = { @Sendable [logger] (write: (PortFile) throws -> Void) in
            guard let portFile else { return }
            do { try write(portFile) } catch { logger.error("port file not written", metadata: ["error": "\(error)"]) }
        }
        let app = buildApplication(
            service: service, configuration: http, pipeline: pipeline, metrics: metrics, logger: logger,
            onListening: { port in report { try $0.listening(http: port) } })
        let grace = try Environment.int(shutdownGrace, "HAILO8_SHUTDOWN_GRACE", default: 10)
        // Stopped in the reverse of this order: the core (devices, models) last, once nothing serves.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: core.lifecycle), .init(service: ReleaseService { try? await pipeline.shutdown() }), .init(service: app),
            .init(service: TaskShutdownService(tasks: service.tasks, grace: .seconds(grace))),
            .init(service: ModelRestoreService(registry: registry)),
        ]
        if let grpc {
            let configuration = GRPCConfiguration(host: http.host, port: grpc, apiKeys: http.apiKeys, maxMessageSize: http.maxBodySize)
            let vision = VisionService(inference: service, pipeline: pipeline, limits: http.imageLimits)
            services.append(
                .init(
                    service: GRPCFrontEnd(
                        service: service, vision: vision, configuration: configuration, logger: logger,
                        onListening: { port in report { try $0.listening(grpc: port) } })))
        }
        if !zmqEndpoints.isEmpty {
            // Last in the group, so the first to stop at shutdown: it stops reading, answers what
            // it started, and closes its sockets while the HTTP server still serves.
            let zmq = ZMQConfiguration(endpoints: zmqEndpoints, maxModelSize: http.maxBodySize, requestTimeout: .milliseconds(zmqTimeout))
            let vision = VisionService(inference: service, pipeline: pipeline, limits: http.imageLimits)
            services.append(
                .init(
                    service: ZMQFrontEnd(
                        vision: vision, configuration: zmq, logger: logger,
                        onListening: { bound in report { try $0.listening(zmq: bound) } })))
        }
        var group = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // Past the tasks' grace, what is left to stop (answers being written, the devices'
        // frames draining) has this long before the group is cancelled.
        group.maximumGracefulShutdownDuration = .seconds(grace + 20)
        try await ServiceGroup(configuration: group).run()
    }

    /// `--grpc-port`: nil for off (0, the default), 0 for a port the system chooses (`auto`), else the port.
    static func parseGRPCPort(_ text: String) throws -> Int? {
        if text == "auto" { return 0 }
        guard let port = Int(text), (0...65535).contains(port) else {
            throw ValidationError("--grpc-port must be a port number (0: off) or 'auto', not '\(text)'")
        }
        return port == 0 ? nil : port
    }

    /// `id=path`, or a bare path whose file name gives the id.
    static func parsePreload(_ text: String) throws -> (String?, String) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        if parts.count == 2, !parts[0].isEmpty { return (parts[0], parts[1]) }
        guard !text.isEmpty else { throw ValidationError("--preload needs id=path") }
        return (nil, text)
    }
}
