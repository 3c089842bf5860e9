import Foundation
import InferenceCore

/// Absolute file-system paths in a message, reduced to their last component: what an
/// unauthenticated caller may read of how the machine is laid out.
enum PathRedaction {
    /// A path starts with `/` at the start of the text or after a space, quote, bracket, `=` or
    /// `:`, and runs to the next space, quote, bracket, `:`, `;` or `,` (relative paths such as
    /// `docker/hailort/` are left alone).
    static func redacted(_ text: String) -> String {
        let starts: Set<Character> = [" ", "(", "'", "\"", "=", ":", "["]
        let ends: Set<Character> = [" ", "(", ")", "'", "\"", ":", ";", ",", "]", "\n"]
        var out = ""
        var path: String?
        var previous: Character?
        for character in text {
            if var current = path {
                if ends.contains(character) {
                    out += (current as NSString).lastPathComponent
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
        if let path { out += (path as NSString).lastPathComponent }
        return out
    }

    static func redacted(_ status: BackendStatus) -> BackendStatus {
        var status = status
        status.library = status.library.map { ($0 as NSString).lastPathComponent }
        status.reason = status.reason.map(redacted)
        return status
    }
}
