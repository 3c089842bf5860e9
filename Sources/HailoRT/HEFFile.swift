/// What a HEF file says about itself: the chip it was compiled for and the compiler's version.
/// HailoRT's C API does not report the chip (a refusal for it names neither side), so it is read
/// from the file.
///
/// It sits beside the binding because it reads HailoRT's own file format, as
/// `hailo_create_hef_*` does; it is pure Swift and needs no library loaded.
///
/// The file is a header, a `ProtoHEFHef` protobuf message right after it, then the compiled
/// program. The header's integers are big-endian: the magic (`01 'H' 'E' 'F'`), the header's
/// version, the message's size, then fields of that version. The message's field 1 is a
/// `ProtoHEFHeader`, whose fields 1 and 3 are `hw_arch` and `sdk_version`. Only the header and the
/// message are read, and their sizes are checked against the bytes there are.
public struct HEFFile: Sendable, Equatable {
    public var headerVersion: UInt32
    public var architecture: HEFArchitecture
    /// The Dataflow Compiler's version, when the file has one.
    public var sdkVersion: String?

    public init(headerVersion: UInt32, architecture: HEFArchitecture, sdkVersion: String?) {
        self.headerVersion = headerVersion
        self.architecture = architecture
        self.sdkVersion = sdkVersion
    }

    public static let magic: UInt32 = 0x0148_4546
    /// The header's size in bytes by its version (0 to 3).
    static let headerSizes: [UInt32: Int] = [0: 32, 1: 28, 2: 44, 3: 56]
    /// Larger messages are refused rather than walked.
    static let maximumProtoSize = 64 << 20
    /// A longer version string is not kept (it would only be shown).
    static let maximumSDKVersionLength = 256

    /// Reads the header and the message at the start of `bytes`; nil when they are not a HEF's
    /// (wrong magic, unknown version, a size beyond the bytes, malformed protobuf, no header
    /// message). What follows the message is not looked at.
    public init?(bytes: [UInt8]) {
        guard bytes.count >= 12, Self.uint32(bytes, at: 0) == Self.magic else { return nil }
        let version = Self.uint32(bytes, at: 4)
        let protoSize = Int(Self.uint32(bytes, at: 8))
        guard let headerSize = Self.headerSizes[version], protoSize <= Self.maximumProtoSize,
            bytes.count >= headerSize, protoSize <= bytes.count - headerSize
        else { return nil }
        guard let header = try? Self.header(in: ProtobufFields(bytes, range: headerSize..<(headerSize + protoSize))) else { return nil }
        headerVersion = version
        architecture = header.architecture
        sdkVersion = header.sdkVersion
    }

    private typealias Header = (architecture: HEFArchitecture, sdkVersion: String?)

    /// The `ProtoHEFHeader` of a `ProtoHEFHef`, nil when the message has none. Occurrences of
    /// field 1 merge, as protobuf merges repeated message fields: later values win.
    private static func header(in message: ProtobufFields) throws(ProtobufFields.Malformed) -> Header? {
        var message = message
        var found: Header?
        while let field = try message.next() {
            guard field.number == 1, case .bytes(let range) = field.value else { continue }
            var header = ProtobufFields(message.bytes, range: range)
            var merged = found ?? (HEFArchitecture.hailo8, nil)
            while let inner = try header.next() {
                switch (inner.number, inner.value) {
                case (1, .varint(let raw)): merged.architecture = HEFArchitecture(rawValue: Int32(truncatingIfNeeded: raw))
                case (3, .bytes(let text)): merged.sdkVersion = sdkVersion(message.bytes[text])
                default: continue
                }
            }
            found = merged
        }
        return found
    }

    private static func sdkVersion(_ utf8: ArraySlice<UInt8>) -> String? {
        guard !utf8.isEmpty, utf8.count <= maximumSDKVersionLength else { return nil }
        return String(validating: utf8, as: UTF8.self)
    }

    private static func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
