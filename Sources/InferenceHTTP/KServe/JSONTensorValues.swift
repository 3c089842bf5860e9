import InferenceCore

/// Writes JSON text straight into bytes: the infer response's header and its tensors' `data`.
///
/// A tensor's raw little-endian bytes become a flat JSON array of its elements: booleans,
/// integers (64-bit exact), or floats in their shortest round-tripping form. Non-finite floats
/// are written as the bare tokens `NaN`, `Infinity`, `-Infinity`, as Triton writes them (and as
/// its clients and Python's `json` read them).
struct JSONTensorValues {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw(#"\""#)
            case UInt8(ascii: "\\"): raw(#"\\"#)
            case 0x0A: raw(#"\n"#)
            case 0x0D: raw(#"\r"#)
            case 0x09: raw(#"\t"#)
            case 0..<0x20:
                raw(#"\u00"#)
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func number<T: CustomStringConvertible>(_ value: T) {
        var text = value.description
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func real<T: BinaryFloatingPoint & CustomStringConvertible>(_ value: T) {
        if value.isFinite {
            number(value)
        } else if value.isNaN {
            raw("NaN")
        } else {
            value > 0 ? raw("Infinity") : raw("-Infinity")
        }
    }

    /// The elements of `data` as a flat JSON array.
    mutating func tensor(_ dtype: ElementType, _ data: [UInt8]) {
        bytes.reserveCapacity(bytes.count + data.count / dtype.byteSize * 12 + 2)
        bytes.append(UInt8(ascii: "["))
        data.withUnsafeBytes { raw in
            let count = raw.count / dtype.byteSize
            func load<T: FixedWidthInteger>(_: T.Type, _ i: Int) -> T {
                T(littleEndian: raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self))
            }
            for i in 0..<count {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                switch dtype {
                case .bool: raw[i] != 0 ? self.raw("true") : self.raw("false")
                case .uint8: number(load(UInt8.self, i))
                case .int8: number(load(Int8.self, i))
                case .uint16: number(load(UInt16.self, i))
                case .int16: number(load(Int16.self, i))
                case .uint32: number(load(UInt32.self, i))
                case .int32: number(load(Int32.self, i))
                case .uint64: number(load(UInt64.self, i))
                case .int64: number(load(Int64.self, i))
                case .float32: real(Float(bitPattern: load(UInt32.self, i)))
                case .float16: real(Float(Float16(bitPattern: load(UInt16.self, i))))
                case .bfloat16: real(Float(bitPattern: UInt32(load(UInt16.self, i)) << 16))
                case .float64: real(Double(bitPattern: load(UInt64.self, i)))
                }
            }
        }
        bytes.append(UInt8(ascii: "]"))
    }
}
