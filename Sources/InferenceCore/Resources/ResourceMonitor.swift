/// The process's limits, the thread counts it chose from them, and its current usage, for
/// `/status`, `/devices` and `/metrics`.
public struct ResourceMonitor: Sendable {
    /// The threads the service runs with (explicit flags included).
    public struct Threads: Sendable, Equatable {
        /// Dedicated threads that run models.
        public var inference: Int
        /// Intra-op threads of an ONNX run that has the cores to itself (of every run when
        /// `intraOpShared` is nil), unless the model's load options say otherwise.
        public var intraOp: Int
        /// Intra-op threads of each ONNX run while runs share the cores (nil: no such sessions;
        /// see the CPU backend's `ThreadPolicy`).
        public var intraOpShared: Int?
        /// Threads that decode and prepare images.
        public var vision: Int

        public init(inference: Int, intraOp: Int, intraOpShared: Int? = nil, vision: Int) {
            self.inference = inference
            self.intraOp = intraOp
            self.intraOpShared = intraOpShared
            self.vision = vision
        }
    }

    public let limits: ResourceLimits
    public let threads: Threads

    /// `threads` defaults to what `ResourceSizing` chooses from `limits`.
    public init(limits: ResourceLimits = .current, threads: Threads? = nil) {
        let sizing = ResourceSizing(limits)
        self.limits = limits
        self.threads = threads ?? Threads(inference: sizing.threads, intraOp: sizing.threads, vision: sizing.threads)
    }

    /// The cgroup's memory and CPU time used now.
    public func usage() -> ResourceUsage {
        ResourceUsage.read(limits.layout)
    }
}
