/// Reads and writes the fixed-size `char[N]` arrays of the HailoRT structs (imported as tuples).
enum CStrings {
    /// The string in `tuple`, stopping at `length` bytes or the first NUL.
    static func string<T>(_ tuple: T, length: Int? = nil) -> String {
        withUnsafeBytes(of: tuple) { bytes in
            let limited = bytes.prefix(length ?? bytes.count)
            return String(decoding: limited.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Writes `value` NUL-terminated into `tuple` (truncated to fit).
    static func write<T>(_ value: String, into tuple: inout T) {
        withUnsafeMutableBytes(of: &tuple) { bytes in
            bytes.initializeMemory(as: UInt8.self, repeating: 0)
            for (i, byte) in value.utf8.prefix(bytes.count - 1).enumerated() { bytes[i] = byte }
        }
    }
}
