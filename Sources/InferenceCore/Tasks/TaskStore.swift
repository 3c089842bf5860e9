import Foundation

/// Asynchronous inference tasks (`"async": true`): bounded in number, kept for a time after they
/// finish, then forgotten.
public actor TaskStore {
    public enum Status: String, Sendable, Codable {
        case queued, running, succeeded, failed
    }

    /// What a finished task produced.
    public enum Outcome: Sendable {
        case single(InferenceResult)
        case batch([Result<InferenceResult, InferenceError>])
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

    public nonisolated let capacity: Int
    public nonisolated let timeToLive: Duration
    private var tasks: [String: Snapshot] = [:]

    public init(capacity: Int, timeToLive: Duration) {
        self.capacity = max(1, capacity)
        self.timeToLive = timeToLive
    }

    /// Queues `work` and returns the task's id at once. Throws 429 `task_store_full` when the
    /// store holds `capacity` tasks that have not expired.
    public func submit(
        modelID: String, kind: String, attributes: [String: String] = [:],
        work: @escaping @Sendable () async throws -> Outcome
    ) throws(InferenceError) -> String {
        purgeExpired()
        guard tasks.count < capacity else {
            throw InferenceError(.resourceExhausted, .taskStoreFull,
                "the task store holds \(capacity) tasks; fetch or wait for finished ones to expire, then retry")
        }
        let id = UUID().uuidString.lowercased()
        tasks[id] = Snapshot(id: id, modelID: modelID, kind: kind, attributes: attributes, status: .queued, createdAt: Date())
        Task {
            self.update(id) {
                $0.status = .running
                $0.startedAt = Date()
            }
            do {
                let outcome = try await work()
                self.update(id) {
                    $0.status = .succeeded
                    $0.outcome = outcome
                    $0.finishedAt = Date()
                }
            } catch {
                let failure = error as? InferenceError ?? InferenceError(.internal, .internalError, "\(error)")
                self.update(id) {
                    $0.status = .failed
                    $0.error = failure
                    $0.finishedAt = Date()
                }
            }
        }
        return id
    }

    public func get(_ id: String) throws(InferenceError) -> Snapshot {
        purgeExpired()
        guard let task = tasks[id] else {
            throw InferenceError(.notFound, .taskNotFound, "no task with id '\(id)' (unknown, or expired \(timeToLive) after it finished)")
        }
        return task
    }

    public var count: Int { tasks.count }

    private func update(_ id: String, _ change: (inout Snapshot) -> Void) {
        guard var task = tasks[id] else { return }
        change(&task)
        tasks[id] = task
    }

    private func purgeExpired() {
        let now = Date()
        let ttl = timeToLive.milliseconds / 1000
        tasks = tasks.filter { _, task in
            guard let finished = task.finishedAt else { return true }
            return now.timeIntervalSince(finished) < ttl
        }
    }
}
