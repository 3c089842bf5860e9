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
        var retry: (at: ContinuousClock.Instant, delay: Duration)?
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
    private var entries: [String: Entry] = [:]
    private var order: [String] = []
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

    public init(
        backends: [any InferenceBackend], modelsDirectory: URL, dataDirectory: URL, defaultMaxQueue: Int = 64,
        firstRetryDelay: Duration = .seconds(5), planner: (any ModelPlanner)? = nil, logger: Logger
    ) {
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

    // MARK: Loading

    /// Loads a model. Returns its info and whether it was newly loaded (false when the id is
    /// already loaded from the same file with the same settings).
    ///
    /// `atStart` is for the models the service is told to load when it starts (`--config`,
    /// `--preload`): one already loaded (restored from the data directory) with other settings is
    /// replaced, since the file it came from changed. And a load that fails for a passing reason
    /// (503: the backend is not available, the Hailo board is busy) keeps the model recorded and
    /// listed as `failed`, to be tried again by `retryRestores()`, as does loading again a model
    /// that is `failed`. The error is thrown either way.
    public func load(_ request: LoadRequest, atStart: Bool = false) async throws -> (ModelInfo, created: Bool) {
        let (record, file): (ModelRecord, URL)
        do {
            (record, file) = try await prepare(request)
        } catch {
            if atStart { expected.insert(Self.expectedID(of: request)) }
            throw error
        }
        // After the load, whatever it does: loading again with new settings unloads first.
        defer { if atStart { expected.insert(record.modelID) } }
        do {
            return try await load(record, file: file, atStart: atStart)
        } catch {
            // A refused upload is not kept (unless a recorded model still uses the same file).
            if record.uploaded { await removeUnusedUpload(record.source) }
            throw error
        }
    }

    private func load(_ record: ModelRecord, file: URL, atStart: Bool) async throws -> (ModelInfo, created: Bool) {
        var replacingFailed = false
        if let existing = entries[record.modelID] {
            if let loading = existing.loading { await loading.value }
            switch existing.state {
            case .unloading:
                throw InferenceError(.conflict, .modelIDConflict, "model '\(record.modelID)' is being unloaded; try again when it is gone")
            case .ready, .loading, .recovering:
                if existing.record == record { return (info(existing), false) }
                guard atStart else {
                    throw existing.record.fingerprint == record.fingerprint
                        ? InferenceError(
                            .conflict, .modelIDConflict,
                            "model '\(record.modelID)' is already loaded from this file with other settings (device, labels or options); unload it first"
                        )
                        : InferenceError(
                            .conflict, .modelIDConflict,
                            "model id '\(record.modelID)' is already loaded from a different file ('\(existing.record.source)'); unload it first or choose another id"
                        )
                }
                logger.info("model loaded again with its new settings", metadata: ["model_id": "\(record.modelID)"])
                try await unload(record.modelID)
            case .failed:
                replacingFailed = true
                entries[record.modelID] = nil
                order.removeAll { $0 == record.modelID }
            }
        }
        let keep = atStart || replacingFailed
        let entry: Entry
        do {
            entry = try await startLoading(record, file: file)
        } catch {
            if keep && Self.passing(error) {
                keepFailed(record, error: error)
                try persist()
            } else if replacingFailed {
                try persist()
            }
            throw error
        }
        guard entry.state == .ready else {
            let error = entry.failure ?? InferenceError(.unprocessable, .modelLoadFailed, entry.error ?? "the model could not be loaded")
            if !(keep && Self.passing(error)) {
                entries[record.modelID] = nil
                order.removeAll { $0 == record.modelID }
            }
            if keep { try persist() }
            throw error
        }
        try persist()
        return (info(entry), true)
    }

    /// A failure that may pass by itself: the backend or device is not available now.
    static func passing(_ error: any Error) -> Bool {
        (error as? InferenceError)?.kind == .unavailable
    }

    /// A `failed` entry for a model whose backend refused it before loading, to be retried.
    @discardableResult
    private func keepFailed(_ record: ModelRecord, error: any Error) -> Entry {
        let entry = Entry(record: record, state: .failed)
        entry.error = (error as? InferenceError)?.message ?? "\(error)"
        entry.retry = (at: .now, delay: firstRetryDelay)
        entries[record.modelID] = entry
        order.append(record.modelID)
        return entry
    }

    /// Turns a request into the record to keep and the file to load, writing uploads to disk.
    private func prepare(_ request: LoadRequest) async throws -> (ModelRecord, URL) {
        let file: URL
        let source: String
        let fingerprint: String
        let uploaded: Bool
        switch request.source {
        case .path(let path):
            file = try resolver.resolve(path)
            source = resolver.relative(file)
            do {
                fingerprint = try await Blocking.run { try Fingerprint.of(file: file) }
            } catch {
                throw ModelPathResolver.readError(error, path: path)
            }
            uploaded = false
        case .upload(let bytes, let fileName):
            guard ModelFormat(fileName: Self.sanitized(fileName)) != nil else {
                throw InferenceError(
                    .unprocessable, .unsupportedModel,
                    "'\(Self.sanitized(fileName))' is not a supported model file: expected .onnx (CPU) or .hef (Hailo-8)")
            }
            // Hashing and writing up to a body limit of bytes: off the actor, which other loads and
            // every request's lease wait on.
            let (directory, sanitized) = (uploadsDirectory, Self.sanitized(fileName))
            (fingerprint, file) = try await Blocking.run { () throws -> (String, URL) in
                let fingerprint = Fingerprint.of(bytes: bytes)
                let file = directory.appendingPathComponent("\(fingerprint)-\(sanitized)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                if !FileManager.default.fileExists(atPath: file.path) {
                    try DurableFile.write(Data(bytes), to: file)
                }
                return (fingerprint, file)
            }
            source = "uploads/\(file.lastPathComponent)"
            uploaded = true
        }
        guard let format = ModelFormat(fileName: file.lastPathComponent) else {
            throw InferenceError(
                .unprocessable, .unsupportedModel,
                "'\(file.lastPathComponent)' is not a supported model file: expected .onnx (CPU) or .hef (Hailo-8)")
        }
        let id =
            request.modelID ?? Self.defaultID(for: uploaded ? Self.sanitized(Self.fileName(of: request.source)) : file.lastPathComponent)
        try Self.validate(id: id)
        let device = request.device == .auto ? format.preferredDevice : DeviceKind(rawValue: request.device.rawValue)!
        let record = ModelRecord(
            modelID: id, source: source, uploaded: uploaded, device: device, format: format,
            labels: request.labels, options: request.options, fingerprint: fingerprint)
        return (record, file)
    }

    /// Inserts a `loading` entry and loads the model on its backend.
    private func startLoading(_ record: ModelRecord, file: URL) async throws -> Entry {
        let backend = try backend(for: record)
        let entry = Entry(record: record, state: .loading)
        if entries.updateValue(entry, forKey: record.modelID) == nil {
            order.append(record.modelID)
        }
        let (logger, planner) = (logger, planner)
        let task = Task {
            do {
                let model = try await backend.load(path: file.path, options: record.options)
                entry.plan = try await Self.plan(model, planner: planner, record: record)
                entry.batcher = try await Self.batcher(for: model, options: record.options)
                entry.scheduler = ModelScheduler(
                    policy: SchedulerPolicy(
                        maxQueue: record.options.maxQueue ?? defaultMaxQueue,
                        maxInFlight: record.options.maxInFlight ?? model.preferredInFlight))
                entry.model = model
                entry.loadedAt = Date()
                logger.info(
                    "model loaded",
                    metadata: ["model_id": "\(record.modelID)", "device": "\(record.device.rawValue)", "source": "\(record.source)"])
            } catch {
                entry.failure = error as? InferenceError
                entry.error = entry.failure?.message ?? "\(error)"
                logger.error("model failed to load", metadata: ["model_id": "\(record.modelID)", "error": "\(entry.error!)"])
            }
        }
        entry.loading = task
        await task.value
        entry.loading = nil
        entry.state = entry.model == nil ? .failed : .ready
        if entry.state == .failed {
            entry.retry = (at: .now, delay: firstRetryDelay)  // used if the entry is kept (see retryRestores)
        }
        return entry
    }

    private func backend(for record: ModelRecord) throws -> any InferenceBackend {
        guard let backend = backends[record.device] else {
            throw InferenceError(.unavailable, .backendUnavailable, "the \(record.device.rawValue) backend is not part of this build")
        }
        guard backend.status.available else {
            throw InferenceError(
                .unavailable, .backendUnavailable,
                "the \(record.device.rawValue) backend is not available: \(backend.status.reason ?? "unknown reason")")
        }
        guard backend.formats.contains(record.format) else {
            throw InferenceError(
                .unprocessable, .unsupportedModel,
                "the \(record.device.rawValue) backend cannot run .\(record.format.rawValue) models")
        }
        return backend
    }

    /// Loads every model recorded in the data directory. Models that fail stay listed as
    /// `failed` (and recorded), and `retryRestores()` tries them again until they load.
    public func restore() async {
        let records: [ModelRecord]
        do {
            records = try store.load()
        } catch {
            logger.error("cannot read the model list", metadata: ["file": "\(store.file.path)", "error": "\(error)"])
            return
        }
        await pruneUploads(keeping: records + entries.values.map(\.record))
        for record in records where entries[record.modelID] == nil {
            do {
                _ = try await startLoading(record, file: file(of: record))
            } catch {
                let entry = keepFailed(record, error: error)
                logger.error("model not restored", metadata: ["model_id": "\(record.modelID)", "error": "\(entry.error!)"])
            }
        }
    }

    /// Tries again to load the recorded models that failed at start (the Hailo board was busy or
    /// not yet there, a file was missing), each when its wait is over: at once, then
    /// `firstRetryDelay` (5 s) after the next failure, doubling up to 5 minutes. A model whose
    /// backend is not available is refused before any loading (its wait does not grow), so it
    /// loads at the first call after the backend comes back. Returns the ids that loaded.
    @discardableResult
    public func retryRestores() async -> [String] {
        var restored: [String] = []
        for id in order {
            guard let entry = entries[id], entry.state == .failed, let retry = entry.retry, retry.at <= .now,
                let reloaded = try? await startLoading(entry.record, file: file(of: entry.record))
            else { continue }
            if reloaded.state == .ready {
                restored.append(id)
                logger.info("model restored", metadata: ["model_id": "\(id)"])
            } else {
                reloaded.retry = (at: .now + retry.delay, delay: min(retry.delay * 2, Self.longestRetryDelay))
                logger.warning(
                    "model still not restored", metadata: ["model_id": "\(id)", "retry_in_s": "\(retry.delay.components.seconds)"])
            }
        }
        return restored
    }

    private func file(of record: ModelRecord) -> URL {
        record.uploaded ? dataDirectory.appendingPathComponent(record.source) : resolver.root.appendingPathComponent(record.source)
    }

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
        // Not Task.sleep: it returns at once in a cancelled task (a client that went away), which
        // would make this a busy loop. An unload once begun finishes.
        while entry.stats.inFlight > 0 {
            await withCheckedContinuation { done in
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(5)) { done.resume() }
            }
        }
        await entry.model?.close()
        entry.model = nil
        entries[id] = nil
        order.removeAll { $0 == id }
        expected.remove(id)
        try persist()
        if entry.record.uploaded { await removeUnusedUpload(entry.record.source) }
        logger.info("model unloaded", metadata: ["model_id": "\(id)"])
    }

    /// Deletes an uploaded file (`uploads/…`) that no model in the registry uses.
    private func removeUnusedUpload(_ source: String) async {
        guard !entries.values.contains(where: { $0.record.source == source }) else { return }
        let file = dataDirectory.appendingPathComponent(source)
        try? await Blocking.run { try FileManager.default.removeItem(at: file) }
    }

    /// Deletes the files in `uploads/` that no recorded model uses: uploads refused or cut short
    /// by a crash or a kill before they were recorded (an atomic write's temporary file too).
    private func pruneUploads(keeping records: [ModelRecord]) async {
        let kept = Set(records.filter(\.uploaded).map { ($0.source as NSString).lastPathComponent })
        let directory = uploadsDirectory
        let removed =
            (try? await Blocking.run { () throws -> [String] in
                let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
                let stale = names.filter { !kept.contains($0) }
                for name in stale { try? FileManager.default.removeItem(at: directory.appendingPathComponent(name)) }
                return stale
            }) ?? []
        if !removed.isEmpty { logger.info("removed uploads no model uses", metadata: ["files": "\(removed)"]) }
    }

    /// Closes every model (at shutdown), keeping the record so that they load again next start.
    public func closeAll() async {
        for entry in entries.values {
            await entry.model?.close()
            entry.model = nil
        }
    }

    private func persist() throws {
        let records = order.compactMap { entries[$0]?.record }
        do {
            try store.save(records)
        } catch {
            throw InferenceError(.internal, .internalError, "cannot write the model list \(store.file.path): \(error)")
        }
    }

    private func info(_ entry: Entry) -> ModelInfo {
        let recovering = entry.state == .ready ? entry.model?.unavailableReason : nil
        return ModelInfo(
            record: entry.record, state: recovering == nil ? entry.state : .recovering, signature: entry.model?.signature,
            error: recovering ?? entry.error, loadedAt: entry.loadedAt, stats: entry.stats.snapshot(),
            scheduler: entry.scheduler.map { SchedulerSnapshot(policy: $0.policy, load: $0.load) }, plan: entry.plan)
    }

    /// The planner's plan for a model just loaded; the model is closed when the plan refuses it.
    static func plan(_ model: any LoadedModel, planner: (any ModelPlanner)?, record: ModelRecord) async throws -> (any Sendable)? {
        guard let planner else { return nil }
        do {
            return try planner.plan(signature: model.signature, labels: record.labels ?? model.signature.labels, options: record.options)
        } catch {
            await model.close()
            throw error
        }
    }

    /// The model's batch collector when its load options ask for dynamic batching.
    static func batcher(for model: any LoadedModel, options: ModelOptions) async throws -> BatchCollector? {
        guard let rows = options.maxBatchSize, rows > 1 else { return nil }
        guard BatchCollector.supports(model.signature) else {
            await model.close()
            throw InferenceError(
                .unprocessable, .modelLoadFailed,
                "max_batch_size \(rows) needs every input and output to have a dynamic first dimension (-1); this model's are \((model.signature.inputs + model.signature.outputs).map(\.shape))"
            )
        }
        return BatchCollector(maxRows: rows, maxDelay: .microseconds(max(0, options.maxQueueDelayUs ?? 0)))
    }

    // MARK: Ids

    static func validate(id: String) throws(InferenceError) {
        let allowed = id.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x2e || c == 0x5f || c == 0x2d
        }
        guard allowed, (1...128).contains(id.utf8.count), id != ".", id != ".." else {
            throw InferenceError.invalidRequest("model_id '\(id)' is invalid: use 1 to 128 of the characters A-Z a-z 0-9 . _ -")
        }
    }

    /// The file name without its extension, made a valid id.
    static func defaultID(for fileName: String) -> String {
        let stem = fileName.split(separator: ".", omittingEmptySubsequences: false).dropLast().joined(separator: ".")
        let id = sanitized(stem.isEmpty ? fileName : stem)
        return String(id.prefix(128))
    }

    static func sanitized(_ name: String) -> String {
        let base = name.split(separator: "/").last.map(String.init) ?? name
        let cleaned = String(base.map { c in c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "_" || c == "-") ? c : "_" })
        return cleaned.isEmpty || cleaned.allSatisfy({ $0 == "." }) ? "model" : cleaned
    }

    static func fileName(of source: LoadRequest.Source) -> String {
        switch source {
        case .path(let path): path
        case .upload(_, let fileName): fileName
        }
    }
}
