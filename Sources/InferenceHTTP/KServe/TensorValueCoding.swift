import InferenceCore

/// Converts JSON tensor values to the core's raw little-endian bytes, by element type.
enum TensorValueCoding {
    /// The bytes of `values` as elements of `type`. Throws a message naming the first value that
    /// does not fit (a fraction for an integer type, out of range, a string for a number…).
    static func bytes(of values: [JSONTensorData.Scalar], as type: ElementType) throws(TensorValueError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(values.count * type.byteSize)
        for (index, value) in values.enumerated() {
            switch type {
            case .bool:
                switch value {
                case .bool(let b): out.append(b ? 1 : 0)
                case .int(let i) where i == 0 || i == 1: out.append(UInt8(i))
                default: throw TensorValueError(index: index, value: value, type: type)
                }
            case .uint8: try append(integer(value, index, type, as: UInt8.self), to: &out)
            case .int8: try append(integer(value, index, type, as: Int8.self), to: &out)
            case .uint16: try append(integer(value, index, type, as: UInt16.self), to: &out)
            case .int16: try append(integer(value, index, type, as: Int16.self), to: &out)
            case .uint32: try append(integer(value, index, type, as: UInt32.self), to: &out)
            case .int32: try append(integer(value, index, type, as: Int32.self), to: &out)
            case .uint64: try append(integer(value, index, type, as: UInt64.self), to: &out)
            case .int64: try append(integer(value, index, type, as: Int64.self), to: &out)
            case .float32: append(Float(try real(value, index, type)).bitPattern, to: &out)
            case .float64: append(try real(value, index, type).bitPattern, to: &out)
            case .float16: append(Float16(try real(value, index, type)).bitPattern, to: &out)
            case .bfloat16: append(bfloat16Bits(Float(try real(value, index, type))), to: &out)
            }
        }
        return out
    }

    static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    static func integer<T: FixedWidthInteger>(_ value: JSONTensorData.Scalar, _ index: Int, _ type: ElementType, as: T.Type) throws(TensorValueError) -> T {
        let converted: T? = switch value {
        case .int(let i): T(exactly: i)
        case .uint(let u): T(exactly: u)
        case .double(let d): T(exactly: d)
        default: nil
        }
        guard let converted else { throw TensorValueError(index: index, value: value, type: type) }
        return converted
    }

    static func real(_ value: JSONTensorData.Scalar, _ index: Int, _ type: ElementType) throws(TensorValueError) -> Double {
        switch value {
        case .int(let i): return Double(i)
        case .uint(let u): return Double(u)
        case .double(let d): return d
        case .string("NaN"), .string("nan"): return .nan
        case .string("Infinity"), .string("inf"): return .infinity
        case .string("-Infinity"), .string("-inf"): return -.infinity
        default: throw TensorValueError(index: index, value: value, type: type)
        }
    }

    /// bfloat16 from a Float, rounding to nearest even (NaN stays a quiet NaN).
    static func bfloat16Bits(_ value: Float) -> UInt16 {
        if value.isNaN { return 0x7FC0 }
        let bits = value.bitPattern
        let rounding = UInt32(0x7FFF) + ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ rounding) >> 16)
    }
}

/// A JSON value that is not an element of the tensor's type.
struct TensorValueError: Error, Sendable {
    var index: Int
    var value: JSONTensorData.Scalar
    var type: ElementType

    var message: String {
        let shown: String = switch value {
        case .bool(let b): "\(b)"
        case .int(let i): "\(i)"
        case .uint(let u): "\(u)"
        case .double(let d): "\(d)"
        case .string(let s): "\"\(s.prefix(40))\""
        }
        return "element \(index) (\(shown)) is not a valid \(KServeDatatype.name(of: type)) value"
    }
}
