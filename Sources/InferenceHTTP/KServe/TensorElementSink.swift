import Foundation
import InferenceCore

/// Receives the scalars of a JSON tensor `data` array in order and writes them straight into the
/// tensor's little-endian bytes (or, for `BYTES`, its elements): no intermediate values.
///
/// Floats are read as Triton reads them (to a double, then to the element type), exactly: a
/// number with at most 19 significant digits goes through a fast path when that path is provably
/// exact for it, anything else through `strtod`. Floating-point types also take the bare tokens
/// `NaN`, `Infinity` and `-Infinity` (as Triton's JSON parser does) and the strings `"NaN"`,
/// `"Infinity"`, `"-Infinity"` (`"nan"`, `"inf"`, `"-inf"`).
struct TensorElementSink {
    let datatype: KServeDatatype
    private(set) var bytes: [UInt8] = []
    private(set) var strings: [[UInt8]] = []
    private(set) var count = 0

    init(_ datatype: KServeDatatype, capacity: Int = 0) {
        self.datatype = datatype
        if case .numeric(let type) = datatype, capacity > 0 {
            bytes.reserveCapacity(capacity * type.byteSize)
        }
    }

    mutating func bool(_ value: Bool) throws(TensorValueError) {
        guard case .numeric(.bool) = datatype else { throw error(value ? "true" : "false") }
        bytes.append(value ? 1 : 0)
        count += 1
    }

    /// A bare `NaN`, `Infinity` or `-Infinity`.
    mutating func nonFinite(_ value: Double, token: String) throws(TensorValueError) {
        try real(value, token: token)
    }

    mutating func string(_ value: [UInt8]) throws(TensorValueError) {
        if case .bytes = datatype {
            strings.append(value)
            count += 1
            return
        }
        let nonFinite: Double? =
            switch value {
            case Array("NaN".utf8), Array("nan".utf8): .nan
            case Array("Infinity".utf8), Array("inf".utf8): .infinity
            case Array("-Infinity".utf8), Array("-inf".utf8): -.infinity
            default: nil
            }
        let shown = "\"\(String(decoding: value.prefix(40), as: UTF8.self))\""
        guard let nonFinite else { throw error(shown) }
        try real(nonFinite, token: shown)
    }

    /// A JSON number token (already checked against JSON's grammar).
    mutating func number(_ token: UnsafeBufferPointer<UInt8>) throws(TensorValueError) {
        guard case .numeric(let type) = datatype else { throw error(Self.text(token)) }
        let decimal = DecimalToken(token)
        switch type {
        case .float32:
            append(decimal.float(token).bitPattern)
        case .float64:
            append(decimal.double(token).bitPattern)
        case .float16:
            append(Float16(decimal.double(token)).bitPattern)
        case .bfloat16:
            append(Self.bfloat16Bits(Float(decimal.double(token))))
        case .bool:
            guard decimal.isInteger, !decimal.negative || decimal.mantissa == 0, decimal.mantissa <= 1, decimal.exponent == 0 else {
                throw error(Self.text(token))
            }
            bytes.append(UInt8(decimal.mantissa))
        case .uint8: append(try integer(decimal, token, as: UInt8.self))
        case .int8: append(try integer(decimal, token, as: Int8.self))
        case .uint16: append(try integer(decimal, token, as: UInt16.self))
        case .int16: append(try integer(decimal, token, as: Int16.self))
        case .uint32: append(try integer(decimal, token, as: UInt32.self))
        case .int32: append(try integer(decimal, token, as: Int32.self))
        case .uint64: append(try integer(decimal, token, as: UInt64.self))
        case .int64: append(try integer(decimal, token, as: Int64.self))
        }
        count += 1
    }

    private mutating func real(_ value: Double, token: String) throws(TensorValueError) {
        guard case .numeric(let type) = datatype else { throw error(token) }
        switch type {
        case .float32: append(Float(value).bitPattern)
        case .float64: append(value.bitPattern)
        case .float16: append(Float16(value).bitPattern)
        case .bfloat16: append(Self.bfloat16Bits(Float(value)))
        default: throw error(token)
        }
        count += 1
    }

    private func integer<T: FixedWidthInteger>(_ decimal: DecimalToken, _ token: UnsafeBufferPointer<UInt8>, as: T.Type)
        throws(TensorValueError) -> T
    {
        if decimal.isInteger, let magnitude = decimal.integerMagnitude(token) {
            if decimal.negative {
                let signed: Int64? = magnitude == 1 << 63 ? .min : (magnitude < 1 << 63 ? -Int64(magnitude) : nil)
                if let signed, let value = T(exactly: signed) { return value }
            } else if let value = T(exactly: magnitude) {
                return value
            }
            throw error(Self.text(token))
        }
        guard let value = T(exactly: decimal.double(token)) else { throw error(Self.text(token)) }
        return value
    }

    @inline(__always)
    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private func error(_ shown: String) -> TensorValueError {
        TensorValueError(index: count, shown: shown, datatype: datatype)
    }

    /// bfloat16 from a Float, rounding to nearest even (NaN stays a quiet NaN).
    static func bfloat16Bits(_ value: Float) -> UInt16 {
        if value.isNaN { return 0x7FC0 }
        let bits = value.bitPattern
        let rounding = UInt32(0x7FFF) + ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ rounding) >> 16)
    }

    static func text(_ token: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: token.prefix(40), as: UTF8.self)
    }
}

/// A JSON value that is not an element of the tensor's type.
struct TensorValueError: Error, Sendable {
    var index: Int
    var shown: String
    var datatype: KServeDatatype

    var message: String {
        "element \(index) (\(shown)) is not a valid \(datatype) value"
    }
}
