import Foundation
import HTTPTypes
import HummingbirdTesting
import InferenceCore
import NIOCore
import TestSupport
import Testing

@Suite("Resource limits in /status and /metrics", .timeLimit(.minutes(1)))
struct ResourceRouteTests {
    /// A v2 container limited to 1.5 CPUs and 512 MiB on a 16-core host, with its usage.
    static func limitedMonitor() throws -> ResourceMonitor {
        let tree = try FakeFileTree()
        try tree.write([
            "/proc/self/cgroup": "0::/\n",
            "/proc/self/mountinfo": "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw\n",
            "/sys/fs/cgroup/cpu.max": "150000 100000\n",
            "/sys/fs/cgroup/memory.max": "536870912\n",
            "/sys/fs/cgroup/memory.current": "104857600\n",
            "/sys/fs/cgroup/cpu.stat": "usage_usec 12345678\n",
        ])
        let limits = ResourceLimits.read(root: tree.root, processors: ProcessorCounts(host: 16, affinity: 16))
        return ResourceMonitor(limits: limits, threads: .init(inference: 2, intraOp: 2, vision: 3))
    }

    @Test("/status has the limits, the usage and the threads chosen")
    func statusLimited() async throws {
        let app = try await TestService(resources: Self.limitedMonitor()).application
        try await app.test(.router) { client in
            let (status, body) = try await client.json(.get, "/status")
            #expect(status == .ok)
            let resources = try #require(body["resources"] as? [String: Any])
            #expect(resources["cpu_limit"] as? Double == 1.5)
            #expect(resources["cpus"] as? Int == 2 && resources["host_cpus"] as? Int == 16)
            #expect(resources["cgroup"] as? String == "v2")
            #expect(resources["memory_limit_bytes"] as? Int == 512 << 20)
            #expect(resources["memory_usage_bytes"] as? Int == 100 << 20)
            #expect(resources["cpu_usage_seconds"] as? Double == 12.346)
            #expect(resources["threads"] as? [String: Int] == ["inference": 2, "intra_op": 2, "vision": 3])
        }
    }

    @Test("/status shows unknown limits as null, every key present")
    func statusUnknown() async throws {
        let empty = try FakeFileTree()
        let monitor = ResourceMonitor(limits: ResourceLimits.read(root: empty.root, processors: ProcessorCounts(host: 4, affinity: 4)))
        let app = try await TestService(resources: monitor).application
        try await app.test(.router) { client in
            let resources = try #require(try await client.json(.get, "/status").1["resources"] as? [String: Any])
            for key in ["cpu_limit", "cgroup", "memory_limit_bytes", "memory_usage_bytes", "cpu_usage_seconds"] {
                #expect(resources[key] is NSNull, "\(key)")
            }
            #expect(resources["cpus"] as? Int == 4 && resources["host_cpus"] as? Int == 4)
            #expect(resources["threads"] as? [String: Int] == ["inference": 4, "intra_op": 4, "vision": 4])
        }
    }

    @Test("/metrics exports the limits and usage that are known, and the thread pools")
    func metrics() async throws {
        let app = try await TestService(metrics: true, resources: Self.limitedMonitor()).application
        try await app.test(.router) { client in
            let metrics = try await client.execute(uri: "/metrics", method: .get) { try PrometheusText(String(buffer: $0.body)) }
            #expect(metrics.value("hailo8_resource_cpu_limit_cores") == 1.5)
            #expect(metrics.value("hailo8_resource_cpus") == 2)
            #expect(metrics.value("hailo8_resource_host_cpus") == 16)
            #expect(metrics.value("hailo8_resource_memory_limit_bytes") == Double(512 << 20))
            #expect(metrics.value("hailo8_resource_memory_usage_bytes") == Double(100 << 20))
            #expect(metrics.value("hailo8_resource_cpu_usage_seconds") == 12.345678)
            #expect(metrics.value("hailo8_resource_threads", ["pool": "vision"]) == 3)
            #expect(metrics.types["hailo8_resource_cpus"] == "gauge")
        }
        let empty = try FakeFileTree()
        let unknown = ResourceMonitor(limits: ResourceLimits.read(root: empty.root, processors: ProcessorCounts(host: 4, affinity: 4)))
        try await TestService(metrics: true, resources: unknown).application.test(.router) { client in
            let metrics = try await client.execute(uri: "/metrics", method: .get) { try PrometheusText(String(buffer: $0.body)) }
            #expect(metrics.value("hailo8_resource_cpus") == 4)
            for name in ["cpu_limit_cores", "memory_limit_bytes", "memory_usage_bytes", "cpu_usage_seconds"] {
                #expect(metrics.all("hailo8_resource_" + name).isEmpty, "\(name)")
            }
        }
    }

    @Test("/devices' CPU shows the cores the process can use and the host's")
    func devices() async throws {
        let app = try await TestService().application
        try await app.test(.router) { client in
            let devices = try await client.json(.get, "/devices").1["devices"] as? [[String: Any]] ?? []
            let cpu = try #require(devices.first { $0["id"] as? String == "cpu" })
            let details = cpu["details"] as? [String: String] ?? [:]
            #expect(details["cores"] == "\(ResourceLimits.current.cpus)")
            #expect(details["host_cores"] == "\(ResourceLimits.current.processors.host)")
            #expect(cpu["name"] as? String == "CPU (\(ResourceLimits.current.cpus) cores)")
        }
    }
}
