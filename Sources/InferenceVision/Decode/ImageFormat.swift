/// Encoded image formats, recognised by their magic bytes.
public enum ImageFormat: String, Sendable {
    case jpeg, png

    /// The format whose signature `bytes` start with, if any.
    public init?(sniffing bytes: some Collection<UInt8>) {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else {
            return nil
        }
    }

    /// A short description of what other formats look like, for error messages.
    static func describe(_ bytes: some Collection<UInt8>) -> String {
        if bytes.starts(with: Array("GIF8".utf8)) { return "GIF" }
        if bytes.starts(with: Array("RIFF".utf8)) { return "RIFF (WebP?)" }
        if bytes.starts(with: [0x42, 0x4D]) { return "BMP" }
        if bytes.starts(with: [0x49, 0x49, 0x2A, 0x00]) || bytes.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return "TIFF" }
        return "unknown"
    }
}
