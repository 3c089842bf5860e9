/// Where the process's own cgroup is, for the controllers the service reads: found from
/// `/proc/self/cgroup` (which cgroup) and `/proc/self/mountinfo` (where its hierarchy is mounted).
///
/// A controller mounted as cgroup v1 wins over the unified (v2) hierarchy: on a hybrid host the
/// v2 mount carries no controllers. Inside a container the path `/proc/self/cgroup` names is
/// often not under the mount (v1 without cgroup namespaces shows `/docker/<id>` while the
/// container's own cgroup is mounted as the hierarchy's root): the mount's root field makes the
/// path relative, and the mount point itself is used when the joined path does not exist.
public struct CgroupLayout: Sendable, Equatable {
    public enum Version: String, Sendable, Codable {
        case v1, v2
    }

    /// One controller's directory of the process's cgroup.
    public struct Controller: Sendable, Equatable {
        public var version: Version
        /// The directory, under the root the layout was read from.
        public var directory: String
    }

    /// Quota files: `cpu.max` (v2), `cpu.cfs_quota_us` and `cpu.cfs_period_us` (v1).
    public var cpu: Controller?
    /// CPU time used: `cpu.stat` (v2), `cpuacct.usage` (v1).
    public var cpuAccounting: Controller?
    /// `memory.max` and `memory.current` (v2), `memory.limit_in_bytes` and `memory.usage_in_bytes` (v1).
    public var memory: Controller?

    public init(cpu: Controller? = nil, cpuAccounting: Controller? = nil, memory: Controller? = nil) {
        self.cpu = cpu
        self.cpuAccounting = cpuAccounting
        self.memory = memory
    }

    /// v1 when any controller the service reads is a v1 one (hybrid hosts), else v2 when found.
    public var version: Version? {
        let versions = [cpu, cpuAccounting, memory].compactMap { $0?.version }
        return versions.contains(.v1) ? .v1 : versions.first
    }

    /// Reads the layout under `root` ("/" for the real system). Nothing found is an empty layout.
    public static func read(root: String = "/") -> CgroupLayout {
        let memberships = KernelFile.text(join(root, "/proc/self/cgroup")).map(CgroupMembership.parse) ?? []
        let mounts = KernelFile.text(join(root, "/proc/self/mountinfo")).map(CgroupMount.parse) ?? []
        func controller(_ name: String) -> Controller? {
            if let member = memberships.first(where: { $0.hierarchy != 0 && $0.controllers.contains(name) }),
                let mount = mounts.first(where: { $0.version == .v1 && $0.controllers.contains(name) })
            {
                return Controller(version: .v1, directory: directory(root: root, path: member.path, mount: mount))
            }
            if let member = memberships.first(where: { $0.hierarchy == 0 && $0.controllers.isEmpty }),
                let mount = mounts.first(where: { $0.version == .v2 })
            {
                return Controller(version: .v2, directory: directory(root: root, path: member.path, mount: mount))
            }
            return nil
        }
        return CgroupLayout(cpu: controller("cpu"), cpuAccounting: controller("cpuacct"), memory: controller("memory"))
    }

    /// The cgroup `path`'s directory in `mount`, or the mount point when that does not exist.
    static func directory(root: String, path: String, mount: CgroupMount) -> String {
        let base = join(root, mount.mountPoint)
        let relative: String?
        if mount.root == "/" {
            relative = path
        } else if path == mount.root {
            relative = ""
        } else if path.hasPrefix(mount.root + "/") {
            relative = String(path.dropFirst(mount.root.count))
        } else {
            relative = nil
        }
        guard let relative, !relative.isEmpty, relative != "/" else { return base }
        let joined = join(base, relative)
        return KernelFile.isDirectory(joined) ? joined : base
    }

    /// `root` + an absolute `path`, with one slash between them.
    static func join(_ root: String, _ path: String) -> String {
        var base = root
        while base.hasSuffix("/") { base.removeLast() }
        return path.hasPrefix("/") ? base + path : base + "/" + path
    }
}
