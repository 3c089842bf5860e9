import Synchronization
import Testing

@testable import InferenceCore

@Suite("Per-model scheduler", .timeLimit(.minutes(1)))
struct ModelSchedulerTests {
    let far = ContinuousClock.now + .seconds(30)

    @Test("a full queue is refused at once; freed slots go to the waiting requests")
    func bounded() async throws {
        let scheduler = ModelScheduler(policy: SchedulerPolicy(maxQueue: 2, maxInFlight: 1))
        try await scheduler.acquire(client: "a", deadline: far)
        let waiting = [
            Task { try await scheduler.acquire(client: "a", deadline: far) },
            Task { try await scheduler.acquire(client: "b", deadline: far) },
        ]
        while scheduler.load.queued < 2 { await Task.yield() }
        await #expect { try await scheduler.acquire(client: "c", deadline: far) } throws: { error in
            let error = error as! InferenceError
            return error.code == .queueFull && error.kind == .resourceExhausted
        }
        #expect(scheduler.load == (1, 2))
        scheduler.release()
        scheduler.release()
        for task in waiting { try await task.value }
        #expect(scheduler.load == (1, 0))
        scheduler.release()
        #expect(scheduler.load == (0, 0))
        // The waiters' deadline timers ended with their wait, not at their deadline.
        #expect(scheduler.timers.live == 0)
    }

    @Test("clients take turns: one client's backlog does not starve another")
    func fairness() async throws {
        let scheduler = ModelScheduler(policy: SchedulerPolicy(maxQueue: 16, maxInFlight: 1))
        try await scheduler.acquire(client: "busy", deadline: far)
        let order = Order()
        var tasks: [Task<Void, any Error>] = []
        let far = far
        for i in 0..<4 {
            tasks.append(
                Task {
                    try await scheduler.acquire(client: "busy", deadline: far)
                    order.append("busy\(i)")
                    scheduler.release()
                })
            while scheduler.load.queued < i + 1 { await Task.yield() }
        }
        tasks.append(
            Task {
                try await scheduler.acquire(client: "quiet", deadline: far)
                order.append("quiet")
                scheduler.release()
            })
        while scheduler.load.queued < 5 { await Task.yield() }
        scheduler.release()
        for task in tasks { try await task.value }
        #expect(order.names == ["busy0", "quiet", "busy1", "busy2", "busy3"])
    }

    @Test("a request whose deadline passes while it waits leaves the queue with 504")
    func deadline() async throws {
        let scheduler = ModelScheduler(policy: SchedulerPolicy(maxQueue: 4, maxInFlight: 1))
        try await scheduler.acquire(client: "a", deadline: far)
        let start = ContinuousClock.now
        await #expect { try await scheduler.acquire(client: "a", deadline: .now + .milliseconds(50)) } throws: { error in
            (error as! InferenceError).code == .deadlineExceeded
        }
        #expect(ContinuousClock.now - start < .seconds(10))  // bounded (generous: CI machines are busy)
        #expect(scheduler.load == (1, 0))
        scheduler.release()
    }

    @Test("a request whose deadline has already passed gets no slot, even a free one")
    func pastDeadline() async throws {
        let scheduler = ModelScheduler(policy: SchedulerPolicy(maxQueue: 4, maxInFlight: 1))
        await #expect { try await scheduler.acquire(client: "a", deadline: .now - .milliseconds(1)) } throws: { error in
            (error as! InferenceError).code == .deadlineExceeded
        }
        #expect(scheduler.load == (0, 0))
    }

    @Test("a request cancelled before it reaches the scheduler gets no slot and does not queue")
    func cancelledBefore() async throws {
        let scheduler = ModelScheduler(policy: SchedulerPolicy(maxQueue: 4, maxInFlight: 1))
        try await scheduler.acquire(client: "a", deadline: far)
        let waiter = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await scheduler.acquire(client: "b", deadline: far)
        }
        await #expect { try await waiter.value } throws: { ($0 as! InferenceError).code == .cancelled }
        #expect(scheduler.load == (1, 0))
        scheduler.release()
        #expect(scheduler.load == (0, 0))
    }

    @Test("a cancelled request leaves the queue")
    func cancellation() async throws {
        let scheduler = ModelScheduler(policy: SchedulerPolicy(maxQueue: 4, maxInFlight: 1))
        try await scheduler.acquire(client: "a", deadline: far)
        let waiter = Task { try await scheduler.acquire(client: "a", deadline: far) }
        while scheduler.load.queued < 1 { await Task.yield() }
        waiter.cancel()
        await #expect { try await waiter.value } throws: { ($0 as! InferenceError).code == .cancelled }
        #expect(scheduler.load == (1, 0))
    }
}

/// The order in which requests got their slot.
final class Order: Sendable {
    private let state = Mutex<[String]>([])
    func append(_ name: String) { state.withLock { $0.append(name) } }
    var names: [String] { state.withLock { $0 } }
}
