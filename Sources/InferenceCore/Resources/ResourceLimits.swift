/// The CPU and memory the process may use: its cgroup's CPU quota and memory limit (v1 or v2),
/// its CPU affinity and the host's size. Read once at start; `ResourceUsage` reads what changes.
///
/// Each value the service cannot read (no cgroup mounted, a file missing or holding something
/// unexpected) is nil, "unknown", which the sizing treats as "no limit".
public struct ResourceLimits: Sendable, Equatable {
    public var layout: CgroupLayout
    /// The CPU quota in cores (`150000 100000` is 1.5); nil when there is none or it is unknown.
    public var cpuQuota: Double?
    public var processors: ProcessorCounts
    /// The memory limit in bytes; nil when there is none or it is unknown.
    public var memoryLimit: Int64?
    /// The host's memory (`MemTotal`), when known.
    public var hostMemory: Int64?

    public init(
        layout: CgroupLayout = .init(), cpuQuota: Double? = nil, processors: ProcessorCounts,
        memoryLimit: Int64? = nil, hostMemory: Int64? = nil
    ) {
        self.layout = layout
        self.cpuQuota = cpuQuota
        self.processors = processors
        self.memoryLimit = memoryLimit
        self.hostMemory = hostMemory
    }

    /// The CPUs the process can keep busy: `max(1, min(affinity, ceil(quota)))`. A 1.5-core
    /// quota is 2: a second thread still gets half a core's worth of time.
    public var cpus: Int {
        var count = processors.affinity ?? processors.host
        if let cpuQuota { count = min(count, Int(cpuQuota.rounded(.up))) }
        return max(1, count)
    }

    /// The limits of the process read under `root` ("/" for the real system).
    public static func read(root: String = "/", processors: ProcessorCounts = .current) -> ResourceLimits {
        let layout = CgroupLayout.read(root: root)
        let hostMemory = KernelFile.field(CgroupLayout.join(root, "/proc/meminfo"), "MemTotal").flatMap { kilobytes in
            kilobytes > 0 && kilobytes < Int64.max / 1024 ? kilobytes * 1024 : nil
        }
        return ResourceLimits(
            layout: layout, cpuQuota: cpuQuota(layout.cpu), processors: processors,
            memoryLimit: memoryLimit(layout.memory, hostMemory: hostMemory), hostMemory: hostMemory)
    }

    /// The limits of this process, read once.
    public static let current = read()

    /// v2 `cpu.max`: `max 100000` (none) or `quota period`; v1 `cpu.cfs_quota_us` (-1 = none)
    /// over `cpu.cfs_period_us`.
    static func cpuQuota(_ controller: CgroupLayout.Controller?) -> Double? {
        guard let controller else { return nil }
        let quota: Int64?, period: Int64?
        switch controller.version {
        case .v2:
            let words = KernelFile.line(controller.directory + "/cpu.max")?.split(separator: " ") ?? []
            guard words.count >= 1 else { return nil }
            quota = Int64(words[0])
            period = words.count >= 2 ? Int64(words[1]) : 100_000
        case .v1:
            quota = KernelFile.integer(controller.directory + "/cpu.cfs_quota_us")
            period = KernelFile.integer(controller.directory + "/cpu.cfs_period_us")
        }
        guard let quota, let period, quota > 0, period > 0 else { return nil }
        return Double(quota) / Double(period)
    }

    /// v2 `memory.max` (`max` = none); v1 `memory.limit_in_bytes`, where "no limit" is a huge
    /// number (2^63 rounded down to a page). A limit at or above the host's memory limits nothing.
    static func memoryLimit(_ controller: CgroupLayout.Controller?, hostMemory: Int64?) -> Int64? {
        guard let controller else { return nil }
        let file = controller.version == .v2 ? "/memory.max" : "/memory.limit_in_bytes"
        guard let text = KernelFile.line(controller.directory + file), let bytes = Int64(text), bytes > 0 else { return nil }
        if bytes >= 1 << 60 { return nil }
        if let hostMemory, bytes >= hostMemory { return nil }
        return bytes
    }
}
