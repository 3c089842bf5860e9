#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The host's processors and those the process may run on (its CPU affinity: `taskset`,
/// `docker run --cpuset-cpus`). Tests give made-up counts; the service reads the real ones.
public struct ProcessorCounts: Sendable, Equatable {
    /// Processors online on the host.
    public var host: Int
    /// Processors in the process's affinity mask; nil when it cannot be read.
    public var affinity: Int?

    public init(host: Int, affinity: Int? = nil) {
        self.host = max(1, host)
        self.affinity = affinity.map { max(1, $0) }
    }

    /// This process's counts.
    public static var current: ProcessorCounts {
        ProcessorCounts(host: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), affinity: affinityCount())
    }

    #if os(Linux)
        private typealias GetAffinity = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32

        /// `sched_getaffinity` with `CPU_COUNT`. Glibc declares the function only under
        /// `_GNU_SOURCE`, which Swift's Glibc module does not set, so it is looked up by name.
        private static func affinityCount() -> Int? {
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_getaffinity") else { return nil }
            let getAffinity = unsafeBitCast(symbol, to: GetAffinity.self)
            var set = cpu_set_t()
            let status = withUnsafeMutableBytes(of: &set) { getAffinity(0, $0.count, $0.baseAddress!) }
            guard status == 0 else { return nil }
            let count = withUnsafeBytes(of: &set) { bytes in bytes.reduce(0) { $0 + $1.nonzeroBitCount } }
            return count > 0 ? count : nil
        }
    #else
        private static func affinityCount() -> Int? { nil }
    #endif
}
