public import Foundation

/// Identifies a model file by content (64-bit FNV-1a and size), so that reloading an id with the
/// same file is recognised whatever its path. Not a security hash: it guards against mistakes.
public enum Fingerprint {
    public static func of(bytes: some Collection<UInt8>) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return String(format: "%016llx-%d", hash, bytes.count)
    }

    public static func of(file url: URL) throws -> String {
        of(bytes: try Data(contentsOf: url, options: .mappedIfSafe))
    }
}
