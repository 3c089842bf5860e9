/// How the CPU backend shares its cores among model runs.
///
/// A run alone is fastest with every core in one intra-op pool; runs that queue are served
/// fastest side by side, one core each (measured in docs/performance.md: on 2 cores two
/// one-thread runs give ~20 % more runs/s than one two-thread run, and a two-thread run alone
/// answers ~1.7× sooner). So by default each model gets two ONNX Runtime sessions: a *wide* one
/// (one intra-op thread per core) used when a run would otherwise be alone, and a *narrow* one
/// (one thread) used when runs share the cores. A gate (`CoreGate`) hands out the cores, so
/// that run threads × intra-op threads never exceed the cores: a wide run holds them all.
///
/// Thread counts set by hand override this: `--intra-op-threads N` alone gives one N-thread
/// session and as many run threads as fit (cores / N); `--inference-threads M` alone gives M run
/// threads sharing the cores (narrow sessions of cores / M threads, and a wide one while a run
/// is alone; beyond the cores, the extra threads wait for a core); both together are taken as
/// they are, even beyond the cores.
public struct ThreadPolicy: Sendable, Equatable, CustomStringConvertible {
    /// Threads that call `Run`: how many runs proceed at once, over all models.
    public var runThreads: Int
    /// Intra-op threads of the session a run uses when it has the cores to itself.
    public var wideThreads: Int
    /// Intra-op threads of the second session, used while runs share the cores; nil: one
    /// session per model, `wideThreads` wide.
    public var narrowThreads: Int?
    /// Threads all runs may keep busy at once: the cores, unless both counts were set by hand
    /// beyond them.
    public var capacity: Int

    public init(runThreads: Int, wideThreads: Int, narrowThreads: Int?, capacity: Int) {
        self.runThreads = runThreads
        self.wideThreads = wideThreads
        self.narrowThreads = narrowThreads
        self.capacity = capacity
    }

    /// The policy for `cores` usable CPUs and the counts given by hand (nil, or 0 for intra-op
    /// threads: automatic).
    public static func make(cores: Int, intraOpThreads: Int?, inferenceThreads: Int?) -> ThreadPolicy {
        let cores = max(1, cores)
        let intraOp = intraOpThreads.flatMap { $0 > 0 ? $0 : nil }
        let runs = inferenceThreads.map { max(1, $0) }
        switch (intraOp, runs) {
        case (nil, nil):
            return adaptive(cores: cores, runThreads: cores)
        case (nil, let runs?):
            return adaptive(cores: cores, runThreads: runs)
        case (let threads?, nil):
            return ThreadPolicy(
                runThreads: max(1, cores / threads), wideThreads: threads, narrowThreads: nil,
                capacity: max(cores, threads))
        case (let threads?, let runs?):
            return ThreadPolicy(runThreads: runs, wideThreads: threads, narrowThreads: nil, capacity: max(cores, runs * threads))
        }
    }

    /// A wide session of every core, and narrow ones that divide the cores among `runThreads`.
    /// More run threads than cores wait at the gate: no more than the cores run at once.
    static func adaptive(cores: Int, runThreads: Int) -> ThreadPolicy {
        guard cores > 1, runThreads > 1 else {
            return ThreadPolicy(runThreads: runThreads, wideThreads: cores, narrowThreads: nil, capacity: cores)
        }
        return ThreadPolicy(runThreads: runThreads, wideThreads: cores, narrowThreads: max(1, cores / runThreads), capacity: cores)
    }

    /// The policy for one model whose load options set its intra-op threads: one session of
    /// that many (0: the wide count), no narrow one.
    public func forModel(intraOpThreads: Int?) -> ThreadPolicy {
        guard let threads = intraOpThreads else { return self }
        var policy = self
        policy.wideThreads = threads > 0 ? threads : wideThreads
        policy.narrowThreads = nil
        return policy
    }

    /// The cores a run with `threads` intra-op threads holds at the gate.
    public func cores(for threads: Int) -> Int { min(max(1, threads), capacity) }

    public var description: String {
        if let narrowThreads {
            return "\(runThreads) run threads; a run alone uses \(wideThreads) intra-op threads, runs side by side \(narrowThreads) each"
        }
        return "\(runThreads) run threads of \(wideThreads) intra-op thread\(wideThreads == 1 ? "" : "s") each"
    }
}
