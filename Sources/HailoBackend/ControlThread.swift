import Foundation

/// A dedicated thread that runs blocking work one closure at a time, in order. The backend's
/// device operations (create/release the vdevice, configure, rebuild) all run here, so they are
/// serialised and never occupy Swift's cooperative pool.
final class ControlThread: @unchecked Sendable {
    // @unchecked: `queue` and `stopped` are guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [() -> Void] = []
    private var stopped = false

    init(name: String) {
        let thread = Thread { self.loop() }  // the thread keeps the object alive until `stop()`
        thread.name = name
        thread.start()
    }

    /// Queues `work` without waiting.
    func async(_ work: @escaping @Sendable () -> Void) {
        condition.lock()
        queue.append(work)
        condition.signal()
        condition.unlock()
    }

    /// Runs `work` on the thread and waits for its result without blocking the caller's thread.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Lets the thread exit once its queue is empty.
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopped { condition.wait() }
            if queue.isEmpty && stopped {
                condition.unlock()
                return
            }
            let work = queue.removeFirst()
            condition.unlock()
            work()
        }
    }
}
