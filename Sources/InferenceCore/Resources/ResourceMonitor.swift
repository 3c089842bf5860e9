/// The process's limits, the thread counts it chose from them, and its current usage, for
/// `/status`, `/devices` and `/metrics`.
public struct ResourceMonitor: Sendable {
    /// The threads the service runs with (explicit flags included).
    public struct Threads: Sendable, Equatable {
        /// Dedicated threads that run models.
        public var inference: Int
        /// Each ONNX model's intra-op pool, unless its load options say otherwise; 0 leaves it to
        /// ONNX Runtime (one per host core).
        public var intraOp: Int
        /// Threads that decode and prepare images.
        public var vision: Int

        public init(inference: Int, intraOp: Int, vision: Int) {
            self.inference = inference
            self.intraOp = intraOp
            self.vision = vision
        }
    }

    public let limits: ResourceLimits
    public let threads: Threads

    /// `threads` defaults to what `ResourceSizing` chooses from `limits`.
    public init(limits: ResourceLimits = .current, threads: Threads? = nil) {
        let sizing = ResourceSizing(limits)
        self.limits = limits
        self.threads = threads ?? Threads(inference: sizing.threads, intraOp: sizing.automaticIntraOpThreads, vision: sizing.threads)
    }

    /// The cgroup's memory and CPU time used now.
    public func usage() -> ResourceUsage {
        ResourceUsage.read(limits.layout)
    }
}
