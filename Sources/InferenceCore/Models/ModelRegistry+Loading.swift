import Foundation
import Logging

/// Loading a model: preparing its file (a path or an upload), the backend, the plan and the batcher.
extension ModelRegistry {
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

    func load(_ record: ModelRecord, file: URL, atStart: Bool) async throws -> (ModelInfo, created: Bool) {
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
                try await persist()
            } else if replacingFailed {
                try await persist()
            }
            throw error
        }
        guard entry.state == .ready else {
            let error = entry.failure ?? InferenceError(.unprocessable, .modelLoadFailed, entry.error ?? "the model could not be loaded")
            if !(keep && Self.passing(error)) {
                entries[record.modelID] = nil
                order.removeAll { $0 == record.modelID }
            }
            if keep { try await persist() }
            throw error
        }
        try await persist()
        return (info(entry), true)
    }

    /// A failure that may pass by itself: the backend or device is not available now.
    static func passing(_ error: any Error) -> Bool {
        (error as? InferenceError)?.kind == .unavailable
    }

    /// A `failed` entry for a model whose backend refused it before loading, to be retried.
    @discardableResult
    func keepFailed(_ record: ModelRecord, error: any Error) -> Entry {
        let entry = Entry(record: record, state: .failed)
        entry.error = (error as? InferenceError)?.message ?? "\(error)"
        entry.retry = (at: now(), delay: firstRetryDelay)
        entries[record.modelID] = entry
        order.append(record.modelID)
        return entry
    }

    /// Turns a request into the record to keep and the file to load, writing uploads to disk.
    func prepare(_ request: LoadRequest) async throws -> (ModelRecord, URL) {
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
    func startLoading(_ record: ModelRecord, file: URL) async throws -> Entry {
        let backend = try backend(for: record)
        let entry = Entry(record: record, state: .loading)
        if entries.updateValue(entry, forKey: record.modelID) == nil {
            order.append(record.modelID)
        }
        let (logger, planner) = (logger, planner)
        let task = Task {
            do {
                let model = try await MallocTuning.whileLoading { try await backend.load(path: file.path, options: record.options) }
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
            entry.retry = (at: now(), delay: firstRetryDelay)  // used if the entry is kept (see retryRestores)
        }
        return entry
    }

    func backend(for record: ModelRecord) throws -> any InferenceBackend {
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
}
