import Dispatch
import Synchronization

/// A one-shot timer for a request's deadline that leaves the system's timer list when it is
/// cancelled. (`asyncAfter` cannot do that: a cancelled work item stays queued until it is due,
/// so at 1 000 requests/s and a 30 s deadline some 30 000 dead timers would be pending.)
///
/// Every timer must end in `cancel()` or fire; `count`, when given, counts those not yet ended,
/// so that an owner can show (and a test can assert) that none is left behind.
///
/// `@unchecked Sendable`: the Dispatch source is only cancelled (thread-safe); `ended` decides
/// once, atomically, whether the timer fired or was cancelled.
public final class DeadlineTimer: @unchecked Sendable {
    /// Timers armed and not yet fired or cancelled.
    public final class Count: Sendable {
        private let value = Atomic<Int>(0)
        public init() {}
        public var live: Int { value.load(ordering: .relaxed) }
        func add(_ delta: Int) { value.add(delta, ordering: .relaxed) }
    }

    private let source: any DispatchSourceTimer
    private let ended = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)
    private let count: Count?

    /// A timer that calls `fire` at `deadline` (at once if it has passed), on a Dispatch thread,
    /// once started and unless it is cancelled first.
    public init(deadline: ContinuousClock.Instant, count: Count? = nil, _ fire: @escaping @Sendable () -> Void) {
        self.count = count
        source = DispatchSource.makeTimerSource(queue: .global())
        count?.add(1)
        source.schedule(deadline: .now() + (deadline - .now).dispatchInterval)
        source.setEventHandler { [self] in
            guard end() else { return }
            fire()
        }
    }

    /// Starts the countdown (separate from `init`, so that the owner can first put the timer
    /// where `fire` will look for it). A cancelled timer stays cancelled.
    @discardableResult
    public func start() -> Self {
        activate()
        return self
    }

    /// Stops the timer if it has not fired; its `fire` will not run afterwards (unless it is
    /// running already).
    public func cancel() {
        _ = end()
    }

    /// True for the first of firing and cancelling.
    private func end() -> Bool {
        guard !ended.exchange(true, ordering: .acquiringAndReleasing) else { return false }
        source.cancel()
        activate()  // Dispatch must not release a source that was never activated
        count?.add(-1)
        return true
    }

    private func activate() {
        if !started.exchange(true, ordering: .relaxed) { source.activate() }
    }
}
