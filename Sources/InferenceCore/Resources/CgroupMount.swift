/// One line of `/proc/self/cgroup`: `hierarchy-id:controllers:path` (`0::/path` for cgroup v2).
struct CgroupMembership: Equatable {
    var hierarchy: Int
    var controllers: [String]
    var path: String

    static func parse(_ text: String) -> [CgroupMembership] {
        text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let hierarchy = Int(parts[0]), parts[2].hasPrefix("/") else { return nil }
            let controllers = parts[1].split(separator: ",").map(String.init)
            return CgroupMembership(hierarchy: hierarchy, controllers: controllers, path: String(parts[2]))
        }
    }
}

/// A cgroup filesystem mount from `/proc/self/mountinfo`:
/// `id parent major:minor root mount-point options [optional…] - fstype source super-options`.
struct CgroupMount: Equatable {
    var version: CgroupLayout.Version
    /// The directory of the hierarchy that is mounted (`/` unless a cgroup namespace or bind mount).
    var root: String
    var mountPoint: String
    /// v1: the controllers of the hierarchy, from its super options (`rw,cpu,cpuacct`).
    var controllers: [String]

    static func parse(_ text: String) -> [CgroupMount] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ").map(String.init)
            guard let dash = fields.firstIndex(of: "-"), dash >= 6, fields.count >= dash + 3 else { return nil }
            let root = unescape(fields[3]), mountPoint = unescape(fields[4])
            switch fields[dash + 1] {
            case "cgroup2":
                return CgroupMount(version: .v2, root: root, mountPoint: mountPoint, controllers: [])
            case "cgroup":
                let options = fields.count > dash + 3 ? fields[dash + 3].split(separator: ",").map(String.init) : []
                return CgroupMount(version: .v1, root: root, mountPoint: mountPoint, controllers: options)
            default:
                return nil
            }
        }
    }

    /// mountinfo escapes space, tab, newline and backslash as `\ooo` octal.
    static func unescape(_ field: String) -> String {
        guard field.contains("\\") else { return field }
        var bytes: [UInt8] = []
        let source = Array(field.utf8)
        var index = 0
        while index < source.count {
            if source[index] == UInt8(ascii: "\\"), index + 3 < source.count,
                let value = UInt8(String(decoding: source[(index + 1)...(index + 3)], as: UTF8.self), radix: 8)
            {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
