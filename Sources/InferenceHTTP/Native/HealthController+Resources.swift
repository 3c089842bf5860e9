import InferenceCore

extension HealthController {
    /// `/status`'s `resources`: the process's cgroup limits, the threads sized from them, and
    /// what it uses now. Every key is always present; a value the service cannot read is null.
    struct ResourceStatus: Encodable {
        var cpuLimit: Double?
        var cpus: Int
        var hostCPUs: Int
        var cgroup: String?
        var memoryLimitBytes: Int64?
        var memoryUsageBytes: Int64?
        var cpuUsageSeconds: Double?
        var threads: [String: Int]

        enum CodingKeys: String, CodingKey {
            case cpuLimit = "cpu_limit", cpus, hostCPUs = "host_cpus", cgroup, memoryLimitBytes = "memory_limit_bytes"
            case memoryUsageBytes = "memory_usage_bytes", cpuUsageSeconds = "cpu_usage_seconds", threads
        }

        init(_ monitor: ResourceMonitor) {
            let limits = monitor.limits, usage = monitor.usage()
            cpuLimit = limits.cpuQuota.map { ($0 * 1000).rounded() / 1000 }
            cpus = limits.cpus
            hostCPUs = limits.processors.host
            cgroup = limits.layout.version?.rawValue
            memoryLimitBytes = limits.memoryLimit
            memoryUsageBytes = usage.memoryBytes
            cpuUsageSeconds = usage.cpuSeconds.map { ($0 * 1000).rounded() / 1000 }
            threads = ["inference": monitor.threads.inference, "intra_op": monitor.threads.intraOp, "vision": monitor.threads.vision]
            threads["intra_op_shared"] = monitor.threads.intraOpShared
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(cpuLimit, forKey: .cpuLimit)
            try container.encode(cpus, forKey: .cpus)
            try container.encode(hostCPUs, forKey: .hostCPUs)
            try container.encode(cgroup, forKey: .cgroup)
            try container.encode(memoryLimitBytes, forKey: .memoryLimitBytes)
            try container.encode(memoryUsageBytes, forKey: .memoryUsageBytes)
            try container.encode(cpuUsageSeconds, forKey: .cpuUsageSeconds)
            try container.encode(threads, forKey: .threads)
        }
    }
}
