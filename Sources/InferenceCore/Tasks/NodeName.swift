import Foundation

/// The name of the host a service runs on, as it appears in task ids and in the `X-Hailo8-Node`
/// header of every answer, so that a balancer in front of several hosts can send a task's polls
/// back to the host that holds it (docs/scaling.md).
///
/// A name is 1 to 128 of `A-Z a-z 0-9 . -`: what host names and Kubernetes node names are made
/// of, URL-safe, and without `_`, which separates the name from the rest of a task id
/// (`<node>_<uuid>`).
public struct NodeName: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    /// Refuses a name that is not 1 to 128 of `A-Z a-z 0-9 . -`.
    public init(_ name: String) throws(InferenceError) {
        guard (1...128).contains(name.utf8.count), name.utf8.allSatisfy(Self.allowed) else {
            throw InferenceError.invalidRequest(
                "node name '\(name)' is invalid: use 1 to 128 of the characters A-Z a-z 0-9 . - (task ids put it before a '_')")
        }
        rawValue = name
    }

    /// This machine's host name, with characters a node name may not hold replaced by `-`
    /// (`localhost` when the host has no name).
    public static var host: NodeName {
        // gethostname(2), not ProcessInfo.hostName, which may ask DNS for a canonical name.
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return sanitized("") }
        return sanitized(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// `name` made valid: other characters become `-`, cut to 128; `localhost` when empty.
    public static func sanitized(_ name: String) -> NodeName {
        let cleaned = String(decoding: name.utf8.prefix(128).map { allowed($0) ? $0 : UInt8(ascii: "-") }, as: UTF8.self)
        return (try? NodeName(cleaned)) ?? (try! NodeName("localhost"))
    }

    public var description: String { rawValue }

    /// A new task id owned by this node: `<node>_<uuid>`.
    func newTaskID() -> String {
        "\(rawValue)_\(UUID().uuidString.lowercased())"
    }

    /// The node part of a task id, nil for an id without one (ids made before task ids named
    /// their node were bare UUIDs).
    public static func owner(ofTask id: String) -> String? {
        guard let separator = id.firstIndex(of: "_"), separator != id.startIndex else { return nil }
        return String(id[..<separator])
    }

    static func allowed(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x2e || c == 0x2d
    }
}
