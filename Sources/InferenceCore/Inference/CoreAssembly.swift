public import Foundation
public import Logging
public import ServiceLifecycle

/// Makes the core's object graph — backends started, the model registry, the task store, the
/// service — in one way for `serve`, `bench model` and the tests, and takes it down in the one
/// order that is safe: devices released before the models are closed, the CPU backend last.
public struct CoreAssembly: Sendable {
    /// What the graph is made with; the defaults are the tests'.
    public struct Settings: Sendable {
        public var modelsDirectory: URL
        public var dataDirectory: URL
        /// Requests that may wait per model unless its load options say otherwise.
        public var defaultMaxQueue = 64
        /// Makes each model's protocol-level plan when it loads (the vision plan).
        public var planner: (any ModelPlanner)?
        public var taskCapacity = 1024
        public var taskResultBytes = Int.max
        public var taskTimeToLive: Duration = .seconds(600)
        /// Keep async tasks on disk, under `<dataDirectory>/tasks`, across restarts.
        public var keepsTasks = false
        public var node: NodeName = .host
        public var defaultTimeout: Duration = .seconds(30)
        public var resources = ResourceMonitor()

        public init(modelsDirectory: URL, dataDirectory: URL) {
            self.modelsDirectory = modelsDirectory
            self.dataDirectory = dataDirectory
        }
    }

    public let service: InferenceService
    public var registry: ModelRegistry { service.registry }

    /// Starts the backends (a Hailo board is opened here), then makes the registry, the task store
    /// (reading the tasks kept on disk) and the service. Metrics go to the factory current now.
    public static func make(backends: [any InferenceBackend], settings: Settings, logger: Logger) async -> CoreAssembly {
        for backend in backends { await backend.start() }
        let registry = ModelRegistry(
            backends: backends, modelsDirectory: settings.modelsDirectory, dataDirectory: settings.dataDirectory,
            defaultMaxQueue: settings.defaultMaxQueue, planner: settings.planner, logger: logger)
        let tasks = TaskStore(
            capacity: settings.taskCapacity, maxResultBytes: settings.taskResultBytes, timeToLive: settings.taskTimeToLive,
            node: settings.node, directory: settings.keepsTasks ? settings.dataDirectory.appendingPathComponent("tasks") : nil,
            logger: logger)
        let restored = await tasks.restore()
        if restored > 0 { logger.info("async tasks restored", metadata: ["tasks": "\(restored)"]) }
        let service = InferenceService(
            backends: backends, registry: registry, tasks: tasks, defaultTimeout: settings.defaultTimeout,
            resources: settings.resources, logger: logger)
        return CoreAssembly(service: service)
    }

    /// Releases everything: the device backends first (a Hailo backend drains its frames and
    /// releases the vdevice once, for every model), then the models, then the CPU backend.
    public func shutdown() async {
        for backend in service.backends where backend.kind != .cpu { await backend.shutdown() }
        await registry.closeAll()
        for backend in service.backends where backend.kind == .cpu { await backend.shutdown() }
    }

    /// The graph as a `Service` of the one group (see `ReleaseService`).
    public var lifecycle: ReleaseService { ReleaseService { await shutdown() } }
}

/// A `Service` that holds something until its group shuts down, then releases it. Listed
/// before the services that use the thing, it stops after them (a group stops its services in
/// the reverse of their order); it also releases when the group ends with an error.
public struct ReleaseService: Service {
    let release: @Sendable () async -> Void

    public init(release: @escaping @Sendable () async -> Void) {
        self.release = release
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await release()
    }
}
