import Logging
import Testing

@testable import InferenceCore

@Suite("Pools and limits sized from the cgroup", .timeLimit(.minutes(1)))
struct ResourceSizingTests {
    static func limits(host: Int = 16, affinity: Int? = nil, quota: Double? = nil, memory: Int64? = nil) -> ResourceLimits {
        ResourceLimits(cpuQuota: quota, processors: ProcessorCounts(host: host, affinity: affinity ?? host), memoryLimit: memory)
    }

    @Test(
        "threads follow the quota and affinity, not the host",
        arguments: [
            (16, nil, 2.0, 2), (16, nil, 1.5, 2), (16, nil, 0.25, 1), (16, nil, nil, 16),
            (16, 4, nil, 4), (16, 4, 8.0, 4), (16, 12, 3.0, 3), (4, nil, 32.0, 4),
        ] as [(Int, Int?, Double?, Int)])
    func threads(host: Int, affinity: Int?, quota: Double?, expected: Int) {
        let sizing = ResourceSizing(Self.limits(host: host, affinity: affinity, quota: quota))
        #expect(sizing.threads == expected)
        #expect(sizing.limits.cpus == expected)
    }

    @Test(
        "the default body limit is 64 MiB or an eighth of the memory limit, at least 1 MiB",
        arguments: [(nil, 64 << 20), (Int64(1) << 30, 64 << 20), (Int64(256) << 20, 32 << 20), (Int64(4) << 20, 1 << 20)] as [(Int64?, Int)]
    )
    func bodySize(memory: Int64?, expected: Int) {
        #expect(ResourceSizing(Self.limits(memory: memory)).maxBodySize == expected)
    }

    @Test("queues: 16 per usable CPU between 8 and 64; tasks: one per MiB of memory between 64 and 1024")
    func queuesAndTasks() {
        #expect(ResourceSizing(Self.limits(quota: 0.5)).maxQueue == 16)
        #expect(ResourceSizing(Self.limits(quota: 2)).maxQueue == 32)
        #expect(ResourceSizing(Self.limits()).maxQueue == 64)
        #expect(ResourceSizing(Self.limits(memory: 768 << 20)).taskCapacity == 768)
        #expect(ResourceSizing(Self.limits(memory: 16 << 20)).taskCapacity == 64)
        #expect(ResourceSizing(Self.limits(memory: 8 << 30)).taskCapacity == 1024)
        #expect(ResourceSizing(Self.limits()).taskCapacity == 1024)
    }
}
