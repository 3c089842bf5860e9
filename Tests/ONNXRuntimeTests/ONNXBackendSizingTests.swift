import InferenceCore
import Logging
import Testing

@testable import ONNXBackend

/// The CPU backend's pools sized from the cgroup's limits (`ResourceLimits`, read in InferenceCore).
@Suite("CPU backend sized from the cgroup", .timeLimit(.minutes(1)))
struct ONNXBackendSizingTests {
    static func limits(host: Int = 16, affinity: Int? = nil, quota: Double? = nil, memory: Int64? = nil) -> ResourceLimits {
        ResourceLimits(cpuQuota: quota, processors: ProcessorCounts(host: host, affinity: affinity ?? host), memoryLimit: memory)
    }

    @Test("the CPU backend divides the usable CPUs, not the host's; explicit counts win")
    func backendConfiguration() {
        let limited = ONNXBackend.Configuration(resources: Self.limits(quota: 2)).policy
        #expect(limited == ThreadPolicy(runThreads: 2, wideThreads: 2, narrowThreads: 1, capacity: 2))
        let explicit = ONNXBackend.Configuration(intraOpThreads: 3, inferenceThreads: 7, resources: Self.limits(quota: 2)).policy
        #expect(explicit == ThreadPolicy(runThreads: 7, wideThreads: 3, narrowThreads: nil, capacity: 21))
        let free = ONNXBackend.Configuration(resources: Self.limits()).policy
        #expect(free.runThreads == 16 && free.wideThreads == 16 && free.narrowThreads == 1)
    }

    @Test("the CPU device shows the usable cores, the host's and the limits")
    func cpuDevice() async throws {
        let backend = ONNXBackend(
            configuration: .init(libraryPath: "/nonexistent/libonnxruntime.so", resources: Self.limits(quota: 1.5, memory: 512 << 20)),
            logger: Logger(label: "test"))
        let device = try #require(backend.devices().first)
        #expect(device.name == "CPU (2 cores)")
        #expect(device.details["cores"] == "2" && device.details["host_cores"] == "16")
        #expect(device.details["cpu_limit"] == "1.5" && device.details["memory_limit_bytes"] == "\(512 << 20)")
        #expect(device.details["intra_op_threads"] == "2" && device.details["inference_threads"] == "2")
        #expect(device.details["intra_op_threads_shared"] == "1")
        await backend.shutdown()
        let free = ONNXBackend(
            configuration: .init(libraryPath: "/nonexistent/libonnxruntime.so", resources: Self.limits()), logger: Logger(label: "test"))
        let details = try #require(free.devices().first).details
        #expect(details["cpu_limit"] == nil && details["memory_limit_bytes"] == nil && details["intra_op_threads"] == "16")
        await free.shutdown()
    }
}
