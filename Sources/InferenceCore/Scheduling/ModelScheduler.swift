import Dispatch
import Synchronization

/// Admission control for one model: a bounded queue in front of a fixed number of run slots.
///
/// A request either gets a slot at once, waits in its client's queue (clients take turns, so one
/// busy client cannot starve the others), or is refused at once when the queue is full. A
/// waiting request leaves the queue when its deadline passes or its task is cancelled.
public final class ModelScheduler: Sendable {
    public let policy: SchedulerPolicy

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
        /// Fails the waiter at its deadline; cancelled when it leaves the queue another way.
        let timer: DeadlineTimer

        func resume(throwing error: InferenceError? = nil) {
            timer.cancel()
            if let error { continuation.resume(throwing: error) } else { continuation.resume() }
        }
    }

    private struct State {
        var inFlight = 0
        var waiting = 0
        var queues: [String: [Waiter]] = [:]
        /// Clients with waiting requests, in turn order.
        var turns: [String] = []
        var nextID: UInt64 = 0
        /// Requests between getting their id and joining a queue, and whether they were
        /// cancelled meanwhile (a cancellation then has no waiter to withdraw yet).
        var arriving: [UInt64: Bool] = [:]
    }

    private let state = Mutex(State())
    /// Deadline timers of waiting requests (each ends when its request leaves the queue).
    public let timers = DeadlineTimer.Count()

    public init(policy: SchedulerPolicy) {
        self.policy = SchedulerPolicy(maxQueue: max(0, policy.maxQueue), maxInFlight: max(1, policy.maxInFlight))
    }

    /// Requests holding a slot, and requests waiting for one.
    public var load: (inFlight: Int, queued: Int) {
        state.withLock { ($0.inFlight, $0.waiting) }
    }

    /// Waits for a run slot; `release()` must follow a successful return. A request whose
    /// deadline has already passed (its body took that long to arrive) gets none, nor does one
    /// whose task is cancelled (its client went away).
    public func acquire(client: String, deadline: ContinuousClock.Instant) async throws(InferenceError) {
        guard !Task.isCancelled else { throw Self.cancelled }
        guard deadline > .now else {
            throw InferenceError(.deadlineExceeded, .deadlineExceeded, "the request's deadline passed before it reached the model")
        }
        // A slot at once (nil), a full queue (throws), or the id to wait under.
        let waiting: UInt64? = try state.withLock { (state) throws(InferenceError) -> UInt64? in
            if state.inFlight < policy.maxInFlight && state.waiting == 0 {
                state.inFlight += 1
                return nil
            }
            guard state.waiting < policy.maxQueue else { throw Self.queueFull(policy) }
            state.nextID += 1
            state.arriving[state.nextID] = false
            return state.nextID
        }
        guard let id = waiting else { return }
        do {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    let timer = DeadlineTimer(deadline: deadline, count: timers) { [self] in
                        withdraw(
                            id,
                            error: InferenceError(
                                .deadlineExceeded, .deadlineExceeded,
                                "the request's deadline passed while it waited for the model (\(policy.maxInFlight) running, queue of \(policy.maxQueue))"
                            ))
                    }
                    enqueue(Waiter(id: id, continuation: continuation, timer: timer), client: client)
                    timer.start()  // once queued, where the deadline's `withdraw` finds it
                }
            } onCancel: {
                let early = state.withLock { state in
                    guard state.arriving[id] != nil else { return false }
                    state.arriving[id] = true
                    return true
                }
                if !early { withdraw(id, error: Self.cancelled) }
            }
        } catch let error as InferenceError {
            throw error
        } catch {
            throw InferenceError(.internal, .internalError, "\(error)", cause: error)
        }
    }

    /// Frees a slot and hands it to the next waiting client in turn.
    public func release() {
        let next: Waiter? = state.withLock { state in
            guard let waiter = Self.dequeue(&state) else {
                state.inFlight -= 1
                return nil
            }
            return waiter  // the slot passes to it: inFlight unchanged
        }
        next?.resume()
    }

    /// Queues `waiter`, or resumes it at once: with a slot that freed since the first check, or
    /// with `cancelled` when its task was cancelled before it got here.
    private func enqueue(_ waiter: Waiter, client: String) {
        enum Outcome { case queued, runNow, cancelled }
        let outcome: Outcome = state.withLock { state in
            if state.arriving.removeValue(forKey: waiter.id) == true { return .cancelled }
            if state.inFlight < policy.maxInFlight && state.waiting == 0 {
                state.inFlight += 1
                return .runNow
            }
            if state.queues[client, default: []].isEmpty { state.turns.append(client) }
            state.queues[client, default: []].append(waiter)
            state.waiting += 1
            return .queued
        }
        switch outcome {
        case .queued: break
        case .runNow: waiter.resume()
        case .cancelled: waiter.resume(throwing: Self.cancelled)
        }
    }

    static var cancelled: InferenceError { InferenceError(.unavailable, .cancelled, "the request was cancelled while it waited") }

    /// Removes a waiter still in a queue and fails it with `error`.
    private func withdraw(_ id: UInt64, error: InferenceError) {
        let removed: Waiter? = state.withLock { state in
            for (client, queue) in state.queues {
                guard let index = queue.firstIndex(where: { $0.id == id }) else { continue }
                let waiter = state.queues[client]!.remove(at: index)
                if state.queues[client]!.isEmpty {
                    state.queues[client] = nil
                    state.turns.removeAll { $0 == client }
                }
                state.waiting -= 1
                return waiter
            }
            return nil
        }
        removed?.resume(throwing: error)
    }

    /// The first waiter of the client whose turn it is; that client goes to the back.
    private static func dequeue(_ state: inout State) -> Waiter? {
        guard !state.turns.isEmpty else { return nil }
        let client = state.turns.removeFirst()
        let waiter = state.queues[client]!.removeFirst()
        if state.queues[client]!.isEmpty {
            state.queues[client] = nil
        } else {
            state.turns.append(client)
        }
        state.waiting -= 1
        return waiter
    }

    static func queueFull(_ policy: SchedulerPolicy) -> InferenceError {
        InferenceError(
            .resourceExhausted, .queueFull,
            "the model's queue is full (\(policy.maxInFlight) running, \(policy.maxQueue) waiting); retry shortly")
    }
}
