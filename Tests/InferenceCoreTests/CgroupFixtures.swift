import TestSupport

/// `/proc/self/mountinfo` and `/proc/self/cgroup` as real hosts write them.
enum CgroupFixtures {
    /// A mountinfo line of a cgroup filesystem.
    static func mount(_ id: Int, root: String = "/", at point: String, v1 options: String? = nil) -> String {
        if let options {
            return "\(id) 31 0:\(id) \(root) \(point) rw,nosuid,nodev,noexec,relatime shared:\(id) - cgroup cgroup rw,\(options)"
        }
        return "\(id) 23 0:\(id) \(root) \(point) rw,nosuid,nodev,noexec,relatime shared:\(id) - cgroup2 cgroup2 rw,nsdelegate"
    }

    static let otherMounts = [
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
        "23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:2 - proc proc rw",
        "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
    ]

    /// A hybrid host as v1 hierarchies are often mounted: cpu and cpuacct apart, memory, and
    /// the unified hierarchy without controllers beside them.
    static func hybrid(_ tree: FakeFileTree, memoryPath: String) throws {
        try tree.write([
            "/proc/self/cgroup": """
            9:name=systemd:/
            4:memory:\(memoryPath)
            3:cpuset:/
            2:cpuacct:/
            1:cpu:/
            0::/

            """,
            "/proc/self/mountinfo":
                (otherMounts + [
                    mount(32, at: "/sys/fs/cgroup/cpu", v1: "cpu"),
                    mount(33, at: "/sys/fs/cgroup/cpuacct", v1: "cpuacct"),
                    mount(34, at: "/sys/fs/cgroup/cpuset", v1: "cpuset"),
                    mount(35, at: "/sys/fs/cgroup/memory", v1: "memory"),
                    mount(40, at: "/sys/fs/cgroup/systemd", v1: "xattr,name=systemd"),
                    mount(41, at: "/sys/fs/cgroup/unified"),
                ]).joined(separator: "\n") + "\n",
            "/sys/fs/cgroup/unified/cpu.stat": "usage_usec 1\n",
        ])
    }

    /// A v2-only host or container: one cgroup2 mount at /sys/fs/cgroup.
    static func unified(_ tree: FakeFileTree, path: String = "/", mountRoot: String = "/") throws {
        try tree.write([
            "/proc/self/cgroup": "0::\(path)\n",
            "/proc/self/mountinfo": (otherMounts.prefix(2) + [mount(30, root: mountRoot, at: "/sys/fs/cgroup")]).joined(separator: "\n"),
        ])
    }
}
