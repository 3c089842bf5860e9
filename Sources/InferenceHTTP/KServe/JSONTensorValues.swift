import InferenceCore

/// A tensor's raw little-endian bytes written as a flat JSON array of its elements: booleans,
/// integers (64-bit exact), or floats in their shortest round-tripping form. Non-finite floats
/// are written as the strings `NaN`, `Infinity`, `-Infinity` (JSON has no number for them).
struct JSONTensorValues: Encodable {
    var dtype: ElementType
    var data: [UInt8]

    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try data.withUnsafeBytes { raw in
            let count = raw.count / dtype.byteSize
            func load<T: FixedWidthInteger>(_: T.Type, _ i: Int) -> T {
                T(littleEndian: raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self))
            }
            func real(_ value: Float) throws {
                if value.isFinite { try container.encode(value) } else { try container.encode(Self.nonFinite(Double(value))) }
            }
            for i in 0..<count {
                switch dtype {
                case .bool: try container.encode(raw[i] != 0)
                case .uint8: try container.encode(load(UInt8.self, i))
                case .int8: try container.encode(load(Int8.self, i))
                case .uint16: try container.encode(load(UInt16.self, i))
                case .int16: try container.encode(load(Int16.self, i))
                case .uint32: try container.encode(load(UInt32.self, i))
                case .int32: try container.encode(load(Int32.self, i))
                case .uint64: try container.encode(load(UInt64.self, i))
                case .int64: try container.encode(load(Int64.self, i))
                case .float32: try real(Float(bitPattern: load(UInt32.self, i)))
                case .float16: try real(Float(Float16(bitPattern: load(UInt16.self, i))))
                case .bfloat16: try real(Float(bitPattern: UInt32(load(UInt16.self, i)) << 16))
                case .float64:
                    let value = Double(bitPattern: load(UInt64.self, i))
                    if value.isFinite { try container.encode(value) } else { try container.encode(Self.nonFinite(value)) }
                }
            }
        }
    }

    static func nonFinite(_ value: Double) -> String {
        value.isNaN ? "NaN" : (value > 0 ? "Infinity" : "-Infinity")
    }
}
