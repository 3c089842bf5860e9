#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads the small text files of procfs and cgroupfs. These report a size of 0 or 4096 whatever
/// they hold, so they are read to the end rather than by their size. Reading them does not block
/// (the kernel makes the text when asked), so callers may do it inline, per request.
///
/// Every failure — missing file, no permission, not text — is nil: a limit the service cannot
/// read is an unknown limit, never an error.
enum KernelFile {
    /// Files larger than this are not what the caller expects (mountinfo of a busy host is ~100 KB).
    static let maxSize = 4 << 20

    static func text(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < maxSize {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// The file's first line, trimmed of white space.
    static func line(_ path: String) -> String? {
        guard let text = text(path) else { return nil }
        let first = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let trimmed = first.trimmingWhitespace()
        return trimmed.isEmpty ? nil : String(trimmed)
    }

    /// A file holding one integer.
    static func integer(_ path: String) -> Int64? {
        line(path).flatMap { Int64($0) }
    }

    /// The value of `key` in a file of `key value` lines (`cpu.stat`, `/proc/meminfo`'s `Key: value kB`).
    static func field(_ path: String, _ key: String) -> Int64? {
        guard let text = text(path) else { return nil }
        for line in text.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2 else { continue }
            let name = words[0].hasSuffix(":") ? words[0].dropLast() : words[0]
            if name == key { return Int64(words[1]) }
        }
        return nil
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[start...end]
    }
}
