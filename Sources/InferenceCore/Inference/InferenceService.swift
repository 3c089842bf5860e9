public import Foundation
public import Logging

/// The core's entry point for every protocol layer: runs requests on the registry's models,
/// keeps async tasks, and reports the state of backends and models.
public final class InferenceService: Sendable {
    public let registry: ModelRegistry
    public let tasks: TaskStore
    public let backends: [any InferenceBackend]
    public let defaultTimeout: Duration
    public let startedAt = Date()
    /// Metrics go to the factory current when the service is made (see `InferenceMetrics`).
    public let metrics = InferenceMetrics()
    /// The process's CPU and memory limits, the threads sized from them, and its usage.
    public let resources: ResourceMonitor
    let logger: Logger

    public init(
        backends: [any InferenceBackend], registry: ModelRegistry, tasks: TaskStore, defaultTimeout: Duration,
        resources: ResourceMonitor = ResourceMonitor(), logger: Logger
    ) {
        self.backends = backends
        self.registry = registry
        self.tasks = tasks
        self.defaultTimeout = defaultTimeout
        self.resources = resources
        self.logger = logger
    }

    /// Runs one request. Errors are always `InferenceError`s.
    /// `onAdmitted` is called when the request leaves the model's queue.
    public func infer(_ request: InferenceRequest, onAdmitted: (@Sendable () -> Void)? = nil) async throws(InferenceError)
        -> InferenceResult
    {
        let start = ContinuousClock.now
        // The client's clock started when it sent the request: so does the deadline, when the
        // protocol layer says when that was (reading and decoding the body count against it).
        let deadline = (RequestScope.current?.receivedAt ?? start) + (request.timeout ?? defaultTimeout)
        let lease = try await registry.lease(request.modelID)
        RequestScope.current?.note(modelID: request.modelID)
        let observed = metrics.model(request.modelID)
        var success = false
        defer { lease.stats.finished(success: success, latency: .now - start) }
        do {
            let binding = ContinuousClock.now
            let inputs = try TensorBinder.bind(request.inputs, to: lease.model.signature)
            try TensorBinder.checkOutputs(request.outputs, of: lease.model.signature)
            let inputTime = .now - binding
            // Triton counts the rows of a request to a batching model as that many inferences.
            let rows = BatchCollector.supports(lease.model.signature) ? max(1, inputs.first?.shape.first ?? 1) : 1
            let client = request.client ?? RequestClient.current ?? ""
            let run: RunResult
            if let batcher = lease.batcher {
                let outputs = request.outputs
                let stats = lease.stats
                run = try await batcher.run(
                    inputs, outputs: outputs, deadline: deadline,
                    admit: {
                        try await lease.scheduler.acquire(client: client, deadline: deadline)
                        onAdmitted?()
                    },
                    release: { lease.scheduler.release() },
                    execute: { merged, deadline in
                        observed.recordBatch(size: merged.first?.shape.first ?? 1)
                        return try await lease.model.run(merged, outputs: outputs, deadline: deadline)
                    },
                    executed: { rows, input, result, output in
                        stats.executed(batchSize: rows, input: input, inference: result.inferenceTime, output: output)
                    })
            } else {
                try await lease.scheduler.acquire(client: client, deadline: deadline)
                defer { lease.scheduler.release() }
                onAdmitted?()
                run = try await lease.model.run(inputs, outputs: request.outputs, deadline: deadline)
            }
            let ran = ContinuousClock.now
            success = true
            // Everything but preparing the inputs and the run itself was waiting: the model's
            // queue, a batch, the backend's queue. Handing back the outputs is what follows the run.
            let queued = max(.zero, (ran - start) - inputTime - run.inferenceTime)
            let timing = InferenceResult.Timing(queue: queued, inference: run.inferenceTime, total: .now - start)
            let outputTime = .now - ran
            if lease.batcher == nil {
                lease.stats.executed(batchSize: rows, input: inputTime, inference: run.inferenceTime, output: outputTime)
            }
            lease.stats.ran(queue: queued, input: inputTime, inference: run.inferenceTime, output: outputTime, inferences: rows)
            observed.succeeded(timing, batchSize: lease.batcher == nil ? 1 : nil)
            return InferenceResult(modelID: request.modelID, outputs: run.outputs, timing: timing)
        } catch let error as InferenceError {
            observed.count(outcome: error.code.rawValue)
            throw error
        } catch is CancellationError {
            // The request was given up (its client went away) while it waited or ran: not a fault.
            observed.count(outcome: InferenceError.Code.cancelled.rawValue)
            throw InferenceError(.unavailable, .cancelled, "the request was cancelled before its inference finished")
        } catch {
            observed.count(outcome: InferenceError.Code.inferenceFailed.rawValue)
            logger.error(
                "inference failed",
                metadata: [
                    "model_id": "\(request.modelID)", "error": "\(error)", "request_id": "\(RequestScope.current?.requestID ?? "-")",
                ])
            throw InferenceError(.internal, .inferenceFailed, "\(error)", cause: error)
        }
    }

    /// Runs every request of a batch; one failing does not affect the others.
    public func inferBatch(_ requests: [InferenceRequest], onAdmitted: (@Sendable () -> Void)? = nil) async -> [Result<
        InferenceResult, InferenceError
    >] {
        await withTaskGroup(of: (Int, Result<InferenceResult, InferenceError>).self) { group in
            for (index, request) in requests.enumerated() {
                group.addTask { (index, await self.result(request, onAdmitted: onAdmitted)) }
            }
            var results = [Result<InferenceResult, InferenceError>?](repeating: nil, count: requests.count)
            for await (index, result) in group { results[index] = result }
            return results.map { $0! }
        }
    }

    /// `infer` with its error as a value.
    func result(_ request: InferenceRequest, onAdmitted: (@Sendable () -> Void)? = nil) async -> Result<InferenceResult, InferenceError> {
        do {
            return .success(try await infer(request, onAdmitted: onAdmitted))
        } catch {
            return .failure(error)
        }
    }

    /// Queues a request as an async task; returns its id.
    public func submit(_ request: InferenceRequest, attributes: [String: String] = [:]) async throws(InferenceError) -> String {
        try await submit(modelID: request.modelID, kind: "inference", attributes: attributes) { progress in
            .single(try await self.infer(request, onAdmitted: progress.running))
        }
    }

    /// Queues a batch as one async task; returns its id.
    public func submitBatch(modelID: String, _ requests: [InferenceRequest], attributes: [String: String] = [:])
        async throws(InferenceError) -> String
    {
        try await submit(modelID: modelID, kind: "batch", attributes: attributes) { progress in
            .batch(await self.inferBatch(requests, onAdmitted: progress.running))
        }
    }

    /// Queues any work on a model as an async task (an image request, say); returns its id. The
    /// model must be known now: a task for a model that does not exist is a 404 at once.
    public func submit(
        modelID: String, kind: String, attributes: [String: String] = [:],
        work: @escaping @Sendable (TaskStore.Progress) async throws -> TaskStore.Outcome
    ) async throws(InferenceError) -> String {
        _ = try await registry.info(modelID)
        RequestScope.current?.note(modelID: modelID)
        return try await tasks.submit(modelID: modelID, kind: kind, attributes: attributes, work: work)
    }

    /// The host this service runs on (`--node-name`), named in task ids and in every answer.
    public var node: NodeName { tasks.node }

    /// True when at least one backend can run models.
    public var isServing: Bool { backends.contains { $0.status.available } }

    public var uptime: TimeInterval { Date().timeIntervalSince(startedAt) }
}
