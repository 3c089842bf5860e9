import InferenceCore
import Logging

extension Serve {
    /// The start-up log line's metadata: the limits found and the sizes chosen from them.
    static func describe(_ monitor: ResourceMonitor, maxBodySize: Int) -> Logger.Metadata {
        let limits = monitor.limits
        return [
            "cgroup": "\(limits.layout.version?.rawValue ?? "none")",
            "cpu_limit": "\(limits.cpuQuota.map { "\($0)" } ?? "none")",
            "cpus": "\(limits.cpus)",
            "host_cpus": "\(limits.processors.host)",
            "memory_limit_bytes": "\(limits.memoryLimit.map { "\($0)" } ?? "none")",
            "inference_threads": "\(monitor.threads.inference)",
            "intra_op_threads": "\(monitor.threads.intraOp)",
            "intra_op_threads_shared": "\(monitor.threads.intraOpShared.map { "\($0)" } ?? "none")",
            "vision_threads": "\(monitor.threads.vision)",
            "max_body_size": "\(maxBodySize)",
        ]
    }
}
