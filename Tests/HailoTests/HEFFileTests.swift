import Foundation
import HailoRT
import TestSupport
import Testing

/// HEF bytes made by hand: HailoRT's header, a `ProtoHEFHef`, a program.
enum HEFBytes {
    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        return bytes + [UInt8(value)]
    }

    static func field(_ number: UInt64, _ value: UInt64) -> [UInt8] { varint(number << 3) + varint(value) }
    static func field(_ number: UInt64, _ bytes: [UInt8]) -> [UInt8] { varint(number << 3 | 2) + varint(UInt64(bytes.count)) + bytes }
    static func field(_ number: UInt64, _ text: String) -> [UInt8] { field(number, Array(text.utf8)) }

    static func bigEndian(_ value: UInt64, _ count: Int) -> [UInt8] {
        (0..<count).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    /// A `ProtoHEFHef` whose header names `hwArch` and the SDK.
    static func proto(hwArch: UInt64, sdk: String = "3.31.0") -> [UInt8] {
        field(1, field(1, hwArch) + field(3, sdk))
    }

    /// A file of header `version` around `proto` and `program`, the program's size in the header.
    static func container(version: UInt32, proto: [UInt8], program: [UInt8] = Array("program".utf8)) -> [UInt8] {
        let size = UInt64(program.count)
        let rest: [UInt8] =
            switch version {
            case 0: [UInt8](repeating: 0, count: 20)
            case 1: bigEndian(0, 4) + bigEndian(size, 8) + bigEndian(0, 4)
            case 2: bigEndian(0, 8) + bigEndian(size, 8) + bigEndian(0, 16)
            default: bigEndian(0, 8) + bigEndian(size, 8) + bigEndian(0, 4) + bigEndian(0, 24)
            }
        return bigEndian(0x0148_4546, 4) + bigEndian(UInt64(version), 4) + bigEndian(UInt64(proto.count), 4) + rest + proto
            + (version == 0 ? [] : program)
    }
}

@Suite("HEF file header", .timeLimit(.minutes(1)))
struct HEFFileTests {
    @Test("every header version is read", arguments: [(UInt32(0), 32), (1, 28), (2, 44), (3, 56)])
    func versions(version: UInt32, headerSize: Int) throws {
        let bytes = HEFBytes.container(version: version, proto: HEFBytes.proto(hwArch: 3))
        #expect(Array(bytes[headerSize..<(headerSize + 2)]) == [0x0A, 0x0A])  // the message right after the header
        let file = try #require(HEFFile(bytes: bytes))
        #expect(file == HEFFile(headerVersion: version, architecture: .hailo8L, sdkVersion: "3.31.0"))
    }

    @Test("hw_arch is found after other fields, and unknown fields of every wire type are skipped")
    func fieldOrder() throws {
        let header =
            HEFBytes.field(2, 1_700_000_000) + HEFBytes.field(3, "3.30.0") + HEFBytes.field(9, [1, 2, 3])
            + [0x51] + [UInt8](repeating: 7, count: 8) + [0x5D, 1, 2, 3, 4] + HEFBytes.field(1, 103) + HEFBytes.field(4, 7)
        let proto = HEFBytes.field(2, HEFBytes.field(1, "network group")) + HEFBytes.field(1, header) + HEFBytes.field(3, [0xFF])
        let file = try #require(HEFFile(bytes: HEFBytes.container(version: 2, proto: proto)))
        #expect(file.architecture == .hailo15H && file.sdkVersion == "3.30.0")
        #expect(file.architecture.description == "Hailo-15H (HAILO15H)")
    }

    @Test("a header in two parts merges: later values win")
    func merged() throws {
        let proto = HEFBytes.field(1, HEFBytes.field(1, 3) + HEFBytes.field(3, "3.29.0")) + HEFBytes.field(1, HEFBytes.field(1, 1))
        let file = try #require(HEFFile(bytes: HEFBytes.container(version: 2, proto: proto)))
        #expect(file.architecture == .hailo8P && file.sdkVersion == "3.29.0")
    }

    @Test("an empty header is a Hailo-8 one (proto3 leaves defaults out); no header is not read")
    func defaults() throws {
        let file = try #require(HEFFile(bytes: HEFBytes.container(version: 2, proto: HEFBytes.field(1, [UInt8]()))))
        #expect(file.architecture == .hailo8 && file.sdkVersion == nil)
        #expect(HEFFile(bytes: HEFBytes.container(version: 2, proto: HEFBytes.field(2, "group"))) == nil)
    }

    @Test("every truncation of the header or the message is refused")
    func truncated() {
        let bytes = HEFBytes.container(version: 3, proto: HEFBytes.proto(hwArch: 0), program: [])
        for count in 0..<bytes.count {
            #expect(HEFFile(bytes: Array(bytes.prefix(count))) == nil, "\(count) bytes")
        }
        #expect(HEFFile(bytes: bytes) != nil)
    }

    @Test(
        "sizes, magic, version and protobuf are checked",
        arguments: [
            ("the message larger than the file", 8, [0xFF, 0xFF, 0xFF, 0xF0]),
            ("another magic", 3, [0x47]),
            ("an unknown version", 7, [4]),
            ("a group instead of the header", 44, [0x0B]),
            ("a header running past the message", 45, [0x0B]),
            ("field number 0", 44, [0x02]),
        ] as [(String, Int, [UInt8])])
    func refused(what: String, offset: Int, replacement: [UInt8]) {
        var bytes = HEFBytes.container(version: 2, proto: HEFBytes.proto(hwArch: 3))
        #expect(HEFFile(bytes: bytes) != nil)
        bytes.replaceSubrange(offset..<(offset + replacement.count), with: replacement)
        #expect(HEFFile(bytes: bytes) == nil, "\(what)")
    }

    @Test("an overlong varint and an unfinished one are refused")
    func varints() {
        let overlong = HEFBytes.field(1, [0x08] + [UInt8](repeating: 0x80, count: 10) + [0x01])
        #expect(HEFFile(bytes: HEFBytes.container(version: 2, proto: overlong)) == nil)
        #expect(HEFFile(bytes: HEFBytes.container(version: 2, proto: HEFBytes.field(1, [0x08, 0x80]))) == nil)
        let negative = HEFBytes.field(1, HEFBytes.field(1, UInt64.max))  // int32 -1, as protobuf writes it
        #expect(HEFFile(bytes: HEFBytes.container(version: 2, proto: negative))?.architecture.name == "HW_ARCH_-1")
    }

    @Test("what runs where, by HailoRT's rule for the Hailo-8 family")
    func fit() {
        #expect(HEFArchitecture.hailo8.fit(onDevice: "HAILO8") == .full)
        #expect(HEFArchitecture.hailo8R.fit(onDevice: "HAILO8") == .full)
        #expect(HEFArchitecture.hailo8L.fit(onDevice: "HAILO8") == .lowerPerformance)
        #expect(HEFArchitecture.hailo8L.fit(onDevice: "HAILO8L") == .full)
        #expect(HEFArchitecture.hailo8.fit(onDevice: "HAILO8L") == HEFArchitecture.Fit.none)
        #expect(HEFArchitecture.hailo15H.fit(onDevice: "HAILO8") == HEFArchitecture.Fit.none)
        #expect(HEFArchitecture.hailo8.fit(onDevice: "HAILO15H") == nil)
        #expect(HEFArchitecture(rawValue: 42).description == "an unknown chip (HW_ARCH_42)")
        #expect(HEFArchitecture.describeDevice("HAILO8L") == "Hailo-8L (HAILO8L)" && HEFArchitecture.describeDevice("MARS") == "MARS")
    }

    @Test("the simulated HEFs are real containers")
    func simulatedHEFs() throws {
        let read = { (name: String) in HEFFile(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: try TestEnvironment.model(name)))))
        }
        #expect(
            try read("sim_detector_8l.hef") == HEFFile(headerVersion: 2, architecture: .hailo8L, sdkVersion: "hailo8-service simulator"))
        #expect(try read("sim_detector_small.hef")?.architecture == .hailo8)
        #expect(try read("sim_hailo15.hef")?.architecture == .hailo15H)
        #expect(try read("sim_bad_magic.hef") == nil)
    }
}
