import Foundation

/// A directory standing in for `/` in tests of code that reads procfs and cgroupfs: files are
/// written at their absolute paths under it.
public struct FakeFileTree: Sendable {
    public let root: String

    public init() throws {
        root = try TestEnvironment.temporaryDirectory().path
    }

    /// Writes `text` at `path` (absolute, inside the tree), making its directories.
    public func write(_ path: String, _ text: String) throws {
        let url = URL(fileURLWithPath: root + path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// Writes several files: path to contents.
    public func write(_ files: [String: String]) throws {
        for (path, text) in files { try write(path, text) }
    }

    /// Makes the directory `path` (absolute, inside the tree).
    public func directory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: root + path, withIntermediateDirectories: true)
    }
}
