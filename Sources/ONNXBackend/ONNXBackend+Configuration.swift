public import InferenceCore

extension ONNXBackend {
    public struct Configuration: Sendable {
        /// Path of `libonnxruntime` given by flag or environment; nil searches the usual places.
        public var libraryPath: String?
        /// Intra-op threads of each session, set by hand (`--intra-op-threads`); nil or 0:
        /// chosen by `ThreadPolicy`.
        public var intraOpThreads: Int?
        /// Threads of each session's inter-op pool.
        public var interOpThreads: Int
        /// Dedicated threads that call `Run`, set by hand (`--inference-threads`); nil: chosen by
        /// `ThreadPolicy` (one per usable CPU).
        public var inferenceThreads: Int?
        /// Whether idle intra-op threads spin before they sleep (ONNX Runtime's
        /// `session.intra_op.allow_spinning`); nil: the runtime's default (they spin).
        public var spinning: Bool?
        /// The process's CPU and memory limits: the CPUs `/devices` shows, and the cores the
        /// thread policy divides.
        public var resources: ResourceLimits

        public init(
            libraryPath: String? = nil, intraOpThreads: Int? = nil, interOpThreads: Int = 1, inferenceThreads: Int? = nil,
            spinning: Bool? = nil, resources: ResourceLimits = .current
        ) {
            self.libraryPath = libraryPath
            self.intraOpThreads = intraOpThreads
            self.interOpThreads = interOpThreads
            self.inferenceThreads = inferenceThreads
            self.spinning = spinning
            self.resources = resources
        }

        /// How runs share the usable CPUs (see `ThreadPolicy`).
        public var policy: ThreadPolicy {
            ThreadPolicy.make(cores: resources.cpus, intraOpThreads: intraOpThreads, inferenceThreads: inferenceThreads)
        }
    }
}
