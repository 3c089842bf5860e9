import Foundation
import Synchronization

/// Hands the CPU backend's cores to runs, on the run threads (it blocks; never call it from
/// Swift's cooperative pool).
///
/// Every run arrives (`arrive`) before it waits for a run thread, so that `demand` counts the
/// runs waiting and running. A run that finds itself alone — no other run waiting or running,
/// and the previous run was alone too — takes every core and the wide session; otherwise it
/// takes its narrow share and waits until that many cores are free. The "previous run alone
/// too" rule keeps two clients that alternate from being served one wide run at a time.
///
/// `@unchecked Sendable`: all state is guarded by `condition`.
final class CoreGate: @unchecked Sendable {
    /// One run's place in `demand`, given back exactly once.
    final class Ticket: Sendable {
        fileprivate let done = Atomic<Bool>(false)
    }

    /// What a run was given: the session width to use and the cores it holds.
    struct Grant: Equatable {
        var wide: Bool
        var cores: Int
    }

    let capacity: Int
    private let condition = NSCondition()
    private var free: Int
    private var demand = 0
    private var lastRunShared = false

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        self.free = self.capacity
    }

    func arrive() -> Ticket {
        condition.lock()
        demand += 1
        condition.unlock()
        return Ticket()
    }

    /// Blocks until the run may start. `wideCores` is what the wide session holds; `narrowCores`
    /// what the narrow one holds, nil when the model has only one session.
    func acquire(wideCores: Int, narrowCores: Int?) -> Grant {
        condition.lock()
        defer { condition.unlock() }
        var waited = false
        while true {
            let alone = demand == 1 && !lastRunShared && !waited
            let grant =
                narrowCores.flatMap { narrow in alone ? nil : Grant(wide: false, cores: narrow) }
                ?? Grant(wide: true, cores: min(wideCores, capacity))
            if free >= grant.cores {
                free -= grant.cores
                lastRunShared = waited || demand > 1
                return grant
            }
            waited = true
            condition.wait()
        }
    }

    /// Gives back the run's cores and its place in `demand`.
    func finish(_ ticket: Ticket, _ grant: Grant) {
        condition.lock()
        free += grant.cores
        if !ticket.done.exchange(true, ordering: .relaxed) { demand -= 1 }
        condition.unlock()
        condition.broadcast()
    }

    /// Gives back the place of a run that never started (cancelled while it waited for a run
    /// thread); nothing when it finished.
    func abandon(_ ticket: Ticket) {
        guard !ticket.done.exchange(true, ordering: .relaxed) else { return }
        condition.lock()
        demand -= 1
        condition.unlock()
        condition.broadcast()
    }

    /// Runs waiting or running, and free cores (for tests).
    var state: (demand: Int, free: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (demand, free)
    }
}
