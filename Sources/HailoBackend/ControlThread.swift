import Foundation

/// A dedicated thread that runs jobs one at a time, in order: the executor of
/// `HailoDeviceManager` (SE-0392), so that every device operation (create and release the
/// vdevice, configure, rebuild, read sensors) is serialised by the compiler's actor isolation and
/// never blocks Swift's cooperative pool.
///
/// The thread ends with the object: when the manager that owns it is gone (no job can be
/// enqueued any more), it finishes what is queued and exits.
final class ControlThread: SerialExecutor, @unchecked Sendable {
    // @unchecked: all mutable state is in `worker`, guarded by its condition.
    private let worker: Worker

    init(name: String) {
        let worker = Worker()
        self.worker = worker
        let thread = Thread { worker.loop() }  // holds the worker, not this object
        thread.name = name
        thread.start()
    }

    deinit { worker.stop() }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        worker.append { job.runSynchronously(on: executor) }
    }

    /// Whether the caller runs on this thread.
    var isCurrent: Bool { worker.isCurrent }

    private final class Worker: @unchecked Sendable {
        // @unchecked: `queue`, `stopped` and `thread` are guarded by `condition`.
        private let condition = NSCondition()
        private var queue: [@Sendable () -> Void] = []
        private var stopped = false
        private var thread: Thread?
        var isCurrent: Bool { condition.withLock { thread === Thread.current } }

        func append(_ work: @escaping @Sendable () -> Void) {
            condition.withLock {
                queue.append(work)
                condition.signal()
            }
        }

        func stop() {
            condition.withLock {
                stopped = true
                condition.signal()
            }
        }

        func loop() {
            condition.withLock { thread = Thread.current }
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
}
