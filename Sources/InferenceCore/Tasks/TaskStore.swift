public import Foundation
public import Logging

/// Asynchronous inference tasks (`"async": true`): bounded in number, kept for a time after they
/// finish, then forgotten.
///
/// Guarantees: an accepted task always reaches a final status (`succeeded`, `failed`, `expired` or
/// `cancelled`) that stays retrievable for `timeToLive`; at shutdown, tasks still queued are marked
/// `failed` with code `shutdown` at once and tasks running get a grace period to finish. With a
/// directory, every task is on disk before its id is returned (`TaskJournal`) and again when it
/// finishes, before `get` shows it finished: after a restart, or a kill, finished tasks are
/// answered as before until their time is up, and tasks that were queued or running are `failed`
/// with code `restart` (their input is not kept), never unknown.
public actor TaskStore {
    public enum Status: String, Sendable, Codable {
        case queued, running, succeeded, failed
        /// The task's deadline passed before it could run.
        case expired
        /// Cancelled by `DELETE /inference/{task_id}`.
        case cancelled

        public var isFinal: Bool { ![.queued, .running].contains(self) }
    }

    /// What a finished task produced.
    public enum Outcome: Sendable {
        case single(InferenceResult)
        case batch([Result<InferenceResult, InferenceError>])
        /// An answer the protocol layer encoded (JSON) when the work ended: for work whose
        /// result is not tensors, such as an image request's detections.
        case document(Data)
    }

    public struct Snapshot: Sendable {
        public var id: String
        public var modelID: String
        public var kind: String
        /// Caller-defined facts kept with the task (e.g. how to format its result).
        public var attributes: [String: String]
        public var status: Status
        public var createdAt: Date
        public var startedAt: Date?
        public var finishedAt: Date?
        public var outcome: Outcome?
        public var error: InferenceError?
    }

    /// Handed to a task's work so that it can say when it leaves the queue.
    public struct Progress: Sendable {
        let store: TaskStore
        let id: String

        public func running() {
            Task { await store.update(id) { if $0.status == .queued { $0.status = .running; $0.startedAt = store.now() } } }
        }
    }

    public nonisolated let capacity: Int
    /// Bytes of results the finished tasks may hold; past it new tasks are refused (429) until
    /// results are fetched and deleted or expire. A task running when the budget fills still
    /// keeps its result: the budget can be passed by what was already accepted, never more.
    public nonisolated let maxResultBytes: Int
    public nonisolated let timeToLive: Duration
    /// The host this store's tasks belong to: their ids are `<node>_<uuid>`.
    public nonisolated let node: NodeName
    private var tasks: [String: Snapshot] = [:]
    /// Bytes of the outcomes in `tasks`.
    private(set) var resultBytes = 0
    private var handles: [String: Task<Void, Never>] = [:]
    private var accepting = true
    private let journal: TaskJournal?
    /// The time tasks are stamped with and their time to live is counted on: wall-clock time,
    /// since the stamps are kept on disk across restarts (tests give their own).
    private nonisolated let now: @Sendable () -> Date

    public init(
        capacity: Int, maxResultBytes: Int = .max, timeToLive: Duration, node: NodeName = .host, directory: URL? = nil,
        logger: Logger = Logger(label: "hailo8.tasks"), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.now = now
        self.capacity = max(1, capacity)
        self.maxResultBytes = max(1, maxResultBytes)
        self.timeToLive = timeToLive
        self.node = node
        journal = directory.map { TaskJournal(directory: $0, logger: logger) }
    }

    /// Reads the tasks kept on disk (at start, before serving): finished ones are answered again
    /// until their time is up; ones that were queued or running when the service stopped are
    /// `failed` with code `restart`. Returns how many were restored.
    @discardableResult
    public func restore() async -> Int {
        guard let journal else { return 0 }
        let records = await journal.loadAll()
        for record in records.sorted(by: { $0.createdAt < $1.createdAt }) {
            guard var task = record.snapshot, tasks[task.id] == nil else { continue }
            if !task.status.isFinal {
                task.status = .failed
                task.finishedAt = now()
                task.error = InferenceError(
                    .unavailable, .restart,
                    "the service restarted while the task was \(record.status.rawValue); its input was not kept: submit it again")
                journal.writeLater(TaskRecord(task))
            }
            tasks[task.id] = task
            resultBytes += task.outcome?.byteCount ?? 0
        }
        purgeExpired()
        // Past the capacity (it was lowered), the oldest go.
        for task in tasks.values.sorted(by: { $0.createdAt < $1.createdAt }).prefix(max(0, tasks.count - capacity)) {
            forget(task.id)
        }
        return tasks.count
    }

    /// Queues `work` and returns the task's id at once. Throws 429 `task_store_full` when the
    /// store holds `capacity` tasks that have not expired, 503 after shutdown began.
    public func submit(
        modelID: String, kind: String, attributes: [String: String] = [:],
        work: @escaping @Sendable (Progress) async throws -> Outcome
    ) async throws(InferenceError) -> String {
        guard accepting else {
            throw InferenceError(.unavailable, .shuttingDown, "the service is shutting down and accepts no new tasks")
        }
        purgeExpired()
        guard tasks.count < capacity else {
            throw InferenceError(
                .resourceExhausted, .taskStoreFull,
                "the task store holds \(capacity) tasks; fetch or delete finished ones, or wait for them to expire, then retry")
        }
        guard resultBytes < maxResultBytes else {
            throw InferenceError(
                .resourceExhausted, .taskStoreFull,
                "the task store's results fill its \(maxResultBytes >> 20) MiB (--task-memory); delete finished tasks once fetched, or wait for them to expire, then retry"
            )
        }
        let id = node.newTaskID()
        let task = Snapshot(id: id, modelID: modelID, kind: kind, attributes: attributes, status: .queued, createdAt: now())
        tasks[id] = task
        await journal?.write(TaskRecord(task))  // on disk before the client learns the id
        let progress = Progress(store: self, id: id)
        handles[id] = Task {
            let result: Result<Outcome, InferenceError>
            do {
                result = .success(try await work(progress))
            } catch {
                result = .failure(error as? InferenceError ?? InferenceError(.internal, .internalError, "\(error)", cause: error))
            }
            await self.finish(id, result)
        }
        return id
    }

    public func get(_ id: String) throws(InferenceError) -> Snapshot {
        purgeExpired()
        guard let task = tasks[id] else { throw notFound(id) }
        return task
    }

    /// Cancels a queued or running task (its result, if the run completes, is dropped), or
    /// deletes a finished one. Returns the task as it is now.
    public func cancel(_ id: String) throws(InferenceError) -> Snapshot {
        purgeExpired()
        guard var task = tasks[id] else { throw notFound(id) }
        if task.status.isFinal {
            forget(id)
            return task
        }
        task.status = .cancelled
        task.finishedAt = now()
        task.error = InferenceError(.unavailable, .cancelled, "the task was cancelled")
        tasks[id] = task
        journal?.writeLater(TaskRecord(task))
        handles.removeValue(forKey: id)?.cancel()
        return task
    }

    /// Stops accepting tasks, fails the queued ones with `shutdown`, and waits up to `grace` for
    /// the running ones.
    public func shutdown(grace: Duration) async {
        accepting = false
        for (id, task) in tasks where task.status == .queued {
            update(id) {
                $0.status = .failed
                $0.finishedAt = now()
                $0.error = InferenceError(.unavailable, .shuttingDown, "the service shut down before the task could run")
            }
            if let task = tasks[id] { journal?.writeLater(TaskRecord(task)) }
            handles.removeValue(forKey: id)?.cancel()
        }
        let deadline = ContinuousClock.now + grace
        while tasks.values.contains(where: { $0.status == .running }) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    public var count: Int { tasks.count }

    /// Publishes a task's end. The final record is on disk before the status changes in memory:
    /// a client that saw `succeeded` finds the same answer after a kill.
    private func finish(_ id: String, _ result: Result<Outcome, InferenceError>) async {
        guard var task = tasks[id], !task.status.isFinal else {  // cancelled, or failed at shutdown
            handles[id] = nil
            return
        }
        task.finishedAt = now()
        switch result {
        case .success(let outcome):
            task.status = .succeeded
            task.outcome = outcome
        case .failure(let error):
            task.status = error.kind == .deadlineExceeded && task.status == .queued ? .expired : .failed
            task.error = error
        }
        await journal?.write(TaskRecord(task))
        handles[id] = nil
        // Cancelled or failed at shutdown while the record was written: that later record,
        // queued after this one, is the one on disk. Otherwise memory shows what disk holds.
        guard let current = tasks[id], !current.status.isFinal else { return }
        tasks[id] = task
        resultBytes += task.outcome?.byteCount ?? 0
    }

    private func update(_ id: String, _ change: (inout Snapshot) -> Void) {
        guard var task = tasks[id] else { return }
        change(&task)
        tasks[id] = task
    }

    private func purgeExpired() {
        let current = now()
        let ttl = timeToLive.milliseconds / 1000
        for (id, task) in tasks {
            if let finished = task.finishedAt, current.timeIntervalSince(finished) >= ttl { forget(id) }
        }
    }

    /// Drops a finished task, from memory and from disk.
    private func forget(_ id: String) {
        resultBytes -= tasks.removeValue(forKey: id)?.outcome?.byteCount ?? 0
        journal?.removeLater(id)
    }

    /// 404; for a task of another node, a message that says so (the poll did not reach its host).
    func notFound(_ id: String) -> InferenceError {
        if let owner = NodeName.owner(ofTask: id), owner != node.rawValue {
            return InferenceError(
                .notFound, .taskNotFound,
                "task '\(id)' belongs to node '\(owner)', not to this one ('\(node)'): "
                    + "poll it on its own node, or through a balancer that routes by the id's node part (docs/scaling.md)")
        }
        return InferenceError(
            .notFound, .taskNotFound, "no task with id '\(id)' (unknown, deleted, or expired \(timeToLive) after it finished)")
    }
}

extension TaskStore.Outcome {
    /// The bytes a finished task holds: its tensors' data, or its document.
    var byteCount: Int {
        switch self {
        case .single(let result): result.byteCount
        case .batch(let items): items.reduce(0) { $0 + ((try? $1.get())?.byteCount ?? 0) }
        case .document(let data): data.count
        }
    }
}

extension InferenceResult {
    var byteCount: Int { outputs.reduce(0) { $0 + $1.data.count } }
}
