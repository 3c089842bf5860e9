import InferenceCore

extension ONNXBackend {
    public struct Configuration: Sendable {
        /// Path of `libonnxruntime` given by flag or environment; nil searches the usual places.
        public var libraryPath: String?
        /// Default threads of each session's intra-op pool (0 = automatic, see `automaticIntraOpThreads`).
        public var intraOpThreads: Int
        /// Default threads of each session's inter-op pool.
        public var interOpThreads: Int
        /// Dedicated threads that call `Run`: how many runs proceed at once, over all models.
        public var inferenceThreads: Int
        /// The process's CPU and memory limits: the CPUs `/devices` shows, and what an
        /// automatic intra-op pool is sized to.
        public var resources: ResourceLimits

        public init(libraryPath: String? = nil, intraOpThreads: Int = 0, interOpThreads: Int = 1, inferenceThreads: Int? = nil,
                    resources: ResourceLimits = .current) {
            self.libraryPath = libraryPath
            self.intraOpThreads = intraOpThreads
            self.interOpThreads = interOpThreads
            self.inferenceThreads = inferenceThreads ?? ResourceSizing(resources).threads
            self.resources = resources
        }

        /// What an intra-op count of 0 becomes: the usable CPUs when fewer than the host's
        /// cores (ONNX Runtime's default counts the host), else 0, the runtime's default.
        public var automaticIntraOpThreads: Int { ResourceSizing(resources).automaticIntraOpThreads }

        /// The intra-op threads a session gets when its load options ask for `requested` (nil:
        /// the service's default).
        public func intraOpThreads(requested: Int?) -> Int {
            let count = requested ?? intraOpThreads
            return count == 0 ? automaticIntraOpThreads : count
        }
    }
}
