/// What the process's cgroup uses now: two or three small reads of cgroupfs, cheap enough for
/// every `/status` and `/metrics` request.
public struct ResourceUsage: Sendable, Equatable {
    /// v2 `memory.current`, v1 `memory.usage_in_bytes` (both count the page cache the cgroup holds).
    public var memoryBytes: Int64?
    /// CPU time the cgroup used since it was made: v2 `cpu.stat` `usage_usec`, v1 `cpuacct.usage`.
    public var cpuSeconds: Double?

    public init(memoryBytes: Int64? = nil, cpuSeconds: Double? = nil) {
        self.memoryBytes = memoryBytes
        self.cpuSeconds = cpuSeconds
    }

    public static func read(_ layout: CgroupLayout) -> ResourceUsage {
        var usage = ResourceUsage()
        if let memory = layout.memory {
            let file = memory.version == .v2 ? "/memory.current" : "/memory.usage_in_bytes"
            usage.memoryBytes = KernelFile.integer(memory.directory + file).flatMap { $0 >= 0 ? $0 : nil }
        }
        if let cpu = layout.cpuAccounting {
            switch cpu.version {
            case .v2:
                usage.cpuSeconds = KernelFile.field(cpu.directory + "/cpu.stat", "usage_usec").flatMap { $0 >= 0 ? Double($0) / 1e6 : nil }
            case .v1:
                usage.cpuSeconds = KernelFile.integer(cpu.directory + "/cpuacct.usage").flatMap { $0 >= 0 ? Double($0) / 1e9 : nil }
            }
        }
        return usage
    }
}
