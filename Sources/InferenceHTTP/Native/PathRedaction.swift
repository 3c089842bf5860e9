import Foundation
import InferenceCore

/// Absolute file-system paths in a message, reduced to their last component: what an
/// unauthenticated caller may read of how the machine is laid out.
enum PathRedaction {
    /// A path starts with `/` at the start of the text or after a space, quote, bracket, `=` or
    /// `:`, and runs to the next space, quote, bracket, `:`, `;` or `,` (relative paths such as
    /// `docker/hailort/` are left alone).
    /// Standard locations that say nothing about this machine and that advice names on purpose
    /// (`/dev/hailo0`, `/dev/shm`, HailoRT's socket, `/sys/module/…`, system library folders).
    static let standardPrefixes = ["/dev/", "/sys/", "/proc/", "/tmp/hailort_uds.sock", "/usr/lib/", "/usr/local/lib/", "/etc/"]

    static func redacted(_ text: String) -> String {
        let starts: Set<Character> = [" ", "(", "'", "\"", "=", ":", "["]
        let ends: Set<Character> = [" ", "(", ")", "'", "\"", ":", ";", ",", "]", "\n"]
        var out = ""
        var path: String?
        var previous: Character?
        for character in text {
            if var current = path {
                if ends.contains(character) {
                    out += shown(current)
                    path = nil
                    out.append(character)
                } else {
                    current.append(character)
                    path = current
                }
            } else if character == "/", previous.map(starts.contains) ?? true {
                path = "/"
            } else {
                out.append(character)
            }
            previous = character
        }
        if let path { out += shown(path) }
        return out
    }

    private static func shown(_ path: String) -> String {
        let standard = standardPrefixes.contains { path.hasPrefix($0) || path == String($0.dropLast()) }
        return standard ? path : (path as NSString).lastPathComponent
    }

    static func redacted(_ status: BackendStatus) -> BackendStatus {
        var status = status
        status.library = status.library.map { ($0 as NSString).lastPathComponent }
        status.reason = status.reason.map(redacted)
        return status
    }
}
