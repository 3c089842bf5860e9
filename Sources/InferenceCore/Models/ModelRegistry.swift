public import Foundation
public import Logging

/// Loads, lists and unloads models, routes each to its backend, and remembers the set of loaded
/// models (and uploaded files) in the data directory so that it survives a restart.
public actor ModelRegistry {
    /// A model in the registry. Mutable state is only touched on the actor.
    final class Entry: @unchecked Sendable {
        // @unchecked: every mutable field is read and written on the registry actor only;
        // `stats` is itself thread-safe and `model` is set before the entry becomes `ready`.
        var record: ModelRecord
        var state: ModelState
        var model: (any LoadedModel)?
        var error: String?
        /// The backend's own error when the load failed, answered as it is.
        var failure: InferenceError?
        var loadedAt: Date?
        var loading: Task<Void, Never>?
        var scheduler: ModelScheduler?
        var batcher: BatchCollector?
        /// What the planner made of the model when it loaded.
        var plan: (any Sendable)?
        /// For a recorded model that failed to load at start: when to try again, and the wait
        /// after that.
        var retry: (at: Duration, delay: Duration)?
        let stats = ModelStats()

        init(record: ModelRecord, state: ModelState) {
            self.record = record
            self.state = state
        }
    }

    /// A model handed out for one request; `ModelRegistry.release` must follow.
    public struct Lease: Sendable {
        public let model: any LoadedModel
        public let stats: ModelStats
        public let scheduler: ModelScheduler
        /// Set when the model was loaded with dynamic batching.
        public let batcher: BatchCollector?
    }

    public let resolver: ModelPathResolver
    public let dataDirectory: URL
    let backends: [DeviceKind: any InferenceBackend]
    let store: ModelStore
    let logger: Logger
    var entries: [String: Entry] = [:]
    var order: [String] = []
    /// The models the service was told to load at start (`--config`, `--preload`) and not
    /// unloaded since: readiness waits for them (`ModelRegistry+Readiness.swift`).
    var expected: Set<String> = []

    /// Queue length of a model whose load options set none.
    let defaultMaxQueue: Int
    let planner: (any ModelPlanner)?

    /// The wait before a recorded model that failed to load at start is tried again the second
    /// time (`retryRestores()`); it doubles after each failure, up to `longestRetryDelay`.
    let firstRetryDelay: Duration
    static let longestRetryDelay = Duration.seconds(300)
    /// Monotonic time, as the time since an origin, that the retry waits are measured on (tests
    /// pass a `ManualClock`'s).
    let now: @Sendable () -> Duration

    public init(
        backends: [any InferenceBackend], modelsDirectory: URL, dataDirectory: URL, defaultMaxQueue: Int = 64,
        firstRetryDelay: Duration = .seconds(5), planner: (any ModelPlanner)? = nil, logger: Logger,
        now: @escaping @Sendable () -> Duration = ContinuousClock.elapsed
    ) {
        self.now = now
        self.planner = planner
        self.defaultMaxQueue = defaultMaxQueue
        self.firstRetryDelay = firstRetryDelay
        self.backends = Dictionary(backends.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
        self.resolver = ModelPathResolver(root: modelsDirectory)
        self.dataDirectory = dataDirectory.standardizedFileURL
        self.store = ModelStore(file: dataDirectory.appendingPathComponent("models.json"))
        self.logger = logger
    }

    var uploadsDirectory: URL { dataDirectory.appendingPathComponent("uploads") }

    // MARK: Serving

    /// Hands out a ready model for one request and counts it in flight.
    public func lease(_ id: String) throws(InferenceError) -> Lease {
        guard let entry = entries[id] else { throw InferenceError.modelNotFound(id) }
        guard entry.state == .ready, let model = entry.model, let scheduler = entry.scheduler else {
            let why = entry.state == .failed ? "it failed to load: \(entry.error ?? "unknown error")" : "it is \(entry.state.rawValue)"
            throw InferenceError(.unavailable, .modelNotReady, "model '\(id)' is not ready: \(why)")
        }
        entry.stats.started()
        return Lease(model: model, stats: entry.stats, scheduler: scheduler, batcher: entry.batcher)
    }

    // MARK: Listing and unloading

    public func list() -> [ModelInfo] {
        order.compactMap { entries[$0] }.map(info)
    }

    public func info(_ id: String) throws(InferenceError) -> ModelInfo {
        guard let entry = entries[id] else { throw InferenceError.modelNotFound(id) }
        return info(entry)
    }

    /// Stops new requests for the model, waits for those in flight, closes it and forgets it.
    public func unload(_ id: String) async throws {
        guard let entry = entries[id] else { throw InferenceError.modelNotFound(id) }
        guard entry.state != .unloading else {
            throw InferenceError(.conflict, .modelNotReady, "model '\(id)' is already being unloaded")
        }
        if let loading = entry.loading { await loading.value }
        entry.state = .unloading
        // No new lease from here (the state); those given out finish first. An unload once begun
        // finishes, also in a cancelled task (a client that went away).
        await entry.stats.drained()
        await entry.model?.close()
        entry.model = nil
        entries[id] = nil
        // The model's memory is free now: what malloc's heaps keep of it goes back (MallocTuning).
        _ = try? await Blocking.run { MallocTuning.trim() }
        order.removeAll { $0 == id }
        expected.remove(id)
        try await persist()
        if entry.record.uploaded { await removeUnusedUpload(entry.record.source) }
        logger.info("model unloaded", metadata: ["model_id": "\(id)"])
    }

    /// Closes every model (at shutdown), keeping the record so that they load again next start.
    public func closeAll() async {
        for entry in entries.values {
            await entry.model?.close()
            entry.model = nil
        }
    }

    func persist() async throws {
        let records = order.compactMap { entries[$0]?.record }
        do {
            try await store.save(records)
        } catch {
            throw InferenceError(.internal, .internalError, "cannot write the model list \(store.file.path): \(error)", cause: error)
        }
    }

    func info(_ entry: Entry) -> ModelInfo {
        let recovering = entry.state == .ready ? entry.model?.unavailableReason : nil
        return ModelInfo(
            record: entry.record, state: recovering == nil ? entry.state : .recovering, signature: entry.model?.signature,
            error: recovering ?? entry.error, loadedAt: entry.loadedAt, stats: entry.stats.snapshot(),
            scheduler: entry.scheduler.map { SchedulerSnapshot(policy: $0.policy, load: $0.load) }, plan: entry.plan)
    }

}

extension ContinuousClock {
    private static let origin = ContinuousClock.now

    /// The time since this process first asked: monotonic time as a `Duration`.
    @Sendable public static func elapsed() -> Duration { .now - origin }
}
