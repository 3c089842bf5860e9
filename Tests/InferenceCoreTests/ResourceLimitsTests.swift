import TestSupport
import Testing

@testable import InferenceCore

@Suite("Resource limits read from cgroup v1 and v2", .timeLimit(.minutes(1)))
struct ResourceLimitsTests {
    let tree: FakeFileTree
    static let sixteen = ProcessorCounts(host: 16, affinity: 16)

    init() throws {
        tree = try FakeFileTree()
    }

    func read(_ processors: ProcessorCounts = sixteen) -> ResourceLimits {
        ResourceLimits.read(root: tree.root, processors: processors)
    }

    @Test("v1 with cpu and cpuacct mounted apart: quota, memory limit in a nested cgroup, usage")
    func v1Separate() throws {
        try CgroupFixtures.hybrid(tree, memoryPath: "/process_api/abc")
        try tree.write([
            "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "150000\n",
            "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n",
            "/sys/fs/cgroup/cpuacct/cpuacct.usage": "2500000000\n",
            "/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n",
            "/sys/fs/cgroup/memory/process_api/abc/memory.limit_in_bytes": "536870912\n",
            "/sys/fs/cgroup/memory/process_api/abc/memory.usage_in_bytes": "12345678\n",
        ])
        let limits = read()
        #expect(limits.layout.version == .v1)
        #expect(limits.layout.cpu?.directory == tree.root + "/sys/fs/cgroup/cpu")
        #expect(limits.layout.memory?.directory == tree.root + "/sys/fs/cgroup/memory/process_api/abc")
        #expect(limits.cpuQuota == 1.5)
        #expect(limits.cpus == 2)
        #expect(limits.memoryLimit == 536_870_912)
        let usage = ResourceUsage.read(limits.layout)
        #expect(usage.memoryBytes == 12_345_678)
        #expect(usage.cpuSeconds == 2.5)
    }

    @Test("v1 'no limit' values: quota -1 and a limit of 2^63 rounded to a page")
    func v1Unlimited() throws {
        try CgroupFixtures.hybrid(tree, memoryPath: "/")
        try tree.write([
            "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n",
            "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n",
            "/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n",
        ])
        let limits = read(ProcessorCounts(host: 16, affinity: 3))
        #expect(limits.cpuQuota == nil && limits.memoryLimit == nil)
        #expect(limits.cpus == 3)
        #expect(limits.layout.version == .v1)
    }

    @Test("v1 in a container without a cgroup namespace: the mount's root makes the path relative")
    func v1ContainerRoot() throws {
        try tree.write([
            "/proc/self/cgroup": "5:memory:/docker/0123abcd\n4:cpu,cpuacct:/docker/0123abcd\n",
            "/proc/self/mountinfo": [
                CgroupFixtures.mount(40, root: "/docker/0123abcd", at: "/sys/fs/cgroup/cpu,cpuacct", v1: "cpu,cpuacct"),
                // Bind-mounted from the host's root: /docker/0123abcd is not under it.
                CgroupFixtures.mount(41, root: "/", at: "/sys/fs/cgroup/memory", v1: "memory"),
            ].joined(separator: "\n"),
            "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us": "200000",
            "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": "100000",
            "/sys/fs/cgroup/cpu,cpuacct/cpuacct.usage": "1000000000",
            "/sys/fs/cgroup/memory/memory.limit_in_bytes": "268435456",
        ])
        let limits = read()
        #expect(limits.layout.cpu?.directory == tree.root + "/sys/fs/cgroup/cpu,cpuacct")
        #expect(limits.layout.cpuAccounting == limits.layout.cpu)
        #expect(limits.layout.memory?.directory == tree.root + "/sys/fs/cgroup/memory")
        #expect(limits.cpuQuota == 2 && limits.cpus == 2)
        #expect(limits.memoryLimit == 256 << 20)
        #expect(ResourceUsage.read(limits.layout).cpuSeconds == 1)
    }

    @Test("v2 with a quota and a memory limit, in a nested cgroup")
    func v2Limited() throws {
        try CgroupFixtures.unified(tree, path: "/system.slice/hailo8.service")
        try tree.write([
            "/sys/fs/cgroup/system.slice/hailo8.service/cpu.max": "50000 100000\n",
            "/sys/fs/cgroup/system.slice/hailo8.service/memory.max": "1073741824\n",
            "/sys/fs/cgroup/system.slice/hailo8.service/memory.current": "52428800\n",
            "/sys/fs/cgroup/system.slice/hailo8.service/cpu.stat": "usage_usec 4250000\nuser_usec 4000000\nsystem_usec 250000\n",
        ])
        let limits = read()
        #expect(limits.layout.version == .v2)
        #expect(limits.cpuQuota == 0.5 && limits.cpus == 1)
        #expect(limits.memoryLimit == 1 << 30)
        let usage = ResourceUsage.read(limits.layout)
        #expect(usage.memoryBytes == 50 << 20 && usage.cpuSeconds == 4.25)
    }

    @Test("v2 without limits: cpu.max 'max', memory.max 'max'; a path missing under the mount falls back to it")
    func v2Unlimited() throws {
        try CgroupFixtures.unified(tree, path: "/kubepods/pod1/ctr")
        try tree.write([
            "/sys/fs/cgroup/cpu.max": "max 100000\n",
            "/sys/fs/cgroup/memory.max": "max\n",
            "/sys/fs/cgroup/memory.current": "1000\n",
        ])
        let limits = read(ProcessorCounts(host: 8, affinity: 8))
        #expect(limits.layout.memory?.directory == tree.root + "/sys/fs/cgroup")
        #expect(limits.cpuQuota == nil && limits.memoryLimit == nil)
        #expect(limits.cpus == 8 && limits.layout.version == .v2)
        #expect(ResourceUsage.read(limits.layout) == ResourceUsage(memoryBytes: 1000, cpuSeconds: nil))
    }

    @Test("a memory limit at or above the host's memory limits nothing")
    func limitAboveHost() throws {
        try CgroupFixtures.unified(tree)
        try tree.write(["/sys/fs/cgroup/memory.max": "\(64 << 30)", "/proc/meminfo": "MemTotal:       24684084 kB\nMemFree: 1 kB\n"])
        let limits = read()
        #expect(limits.hostMemory == Int64(24_684_084) * 1024)
        #expect(limits.memoryLimit == nil)
    }

    @Test("no cgroup files at all: every limit unknown, CPUs from the affinity")
    func nothing() throws {
        let limits = read(ProcessorCounts(host: 4, affinity: nil))
        #expect(limits.layout == CgroupLayout() && limits.layout.version == nil)
        #expect(limits.cpuQuota == nil && limits.memoryLimit == nil && limits.hostMemory == nil)
        #expect(limits.cpus == 4)
        #expect(ResourceUsage.read(limits.layout) == ResourceUsage())
    }

    @Test("a cgroup found but its files missing: unknown, not an error")
    func filesMissing() throws {
        try CgroupFixtures.hybrid(tree, memoryPath: "/gone")
        let limits = read()
        #expect(limits.layout.version == .v1)
        #expect(limits.cpuQuota == nil && limits.memoryLimit == nil && limits.cpus == 16)
        #expect(ResourceUsage.read(limits.layout) == ResourceUsage())
    }

    @Test("garbage in every file is unknown", arguments: ["banana", "", "-5", "0 0", "12 apples", "\u{0}\u{1}", "99999999999999999999999"])
    func garbage(_ text: String) throws {
        try CgroupFixtures.unified(tree)
        for file in ["cpu.max", "memory.max", "memory.current", "cpu.stat"] {
            try tree.write("/sys/fs/cgroup/" + file, text)
        }
        let limits = read()
        #expect(limits.cpuQuota == nil && limits.memoryLimit == nil && limits.cpus == 16)
        let usage = ResourceUsage.read(limits.layout)
        #expect(usage.cpuSeconds == nil && usage.memoryBytes == nil)
    }

    @Test("garbage /proc/self/cgroup and mountinfo lines are skipped, good ones beside them kept")
    func garbageTables() throws {
        let good = CgroupFixtures.mount(30, at: "/sys/fs/cgroup")
        #expect(
            CgroupMembership.parse("nonsense\n::\n1:cpu\nx:cpu:/a\n0::relative\n0::/ok\n")
                == [CgroupMembership(hierarchy: 0, controllers: [], path: "/ok")])
        #expect(
            CgroupMount.parse("1 2 3\n - cgroup2\n31 23 0:28 / /sys/fs/cgroup rw - cgroup\n\(good)\n")
                == [CgroupMount(version: .v2, root: "/", mountPoint: "/sys/fs/cgroup", controllers: [])])
        try tree.write(["/proc/self/cgroup": "nonsense\n", "/proc/self/mountinfo": "\u{0}garbage"])
        #expect(CgroupLayout.read(root: tree.root) == CgroupLayout())
    }

    @Test("mountinfo's octal escapes are decoded")
    func escapes() {
        #expect(CgroupMount.unescape(#"/mnt/with\040space"#) == "/mnt/with space")
        #expect(CgroupMount.unescape(#"/a\134b"#) == #"/a\b"#)
        #expect(CgroupMount.unescape(#"/trailing\04"#) == #"/trailing\04"#)
    }
}
