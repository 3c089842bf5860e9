/// The fields of one protobuf message, in wire order: as much of the wire format as reading a
/// HEF's header needs. Varints and length-delimited values are read, 64- and 32-bit values
/// skipped; groups (wire types 3 and 4), other wire types, field number 0, varints longer than
/// 10 bytes and lengths running past the message are refused.
struct ProtobufFields {
    enum Value: Equatable {
        case varint(UInt64)
        /// The value's bytes, as a range of the buffer.
        case bytes(Range<Int>)
        /// A fixed64 or fixed32 value, skipped.
        case fixed
    }

    struct Malformed: Error {}

    let bytes: [UInt8]
    private var position: Int
    private let end: Int

    /// The message in `bytes[range]`; the range must lie within `bytes`.
    init(_ bytes: [UInt8], range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "the message lies outside its buffer")
        self.bytes = bytes
        position = range.lowerBound
        end = range.upperBound
    }

    /// The next field, or nil at the end of the message.
    mutating func next() throws(Malformed) -> (number: UInt64, value: Value)? {
        guard position < end else { return nil }
        let tag = try varint()
        let number = tag >> 3
        guard number >= 1, number <= 0x1FFF_FFFF else { throw Malformed() }
        switch tag & 7 {
        case 0: return (number, .varint(try varint()))
        case 1: try skip(8)
        case 2:
            let length = try varint()
            guard length <= UInt64(end - position) else { throw Malformed() }
            let start = position
            position += Int(length)
            return (number, .bytes(start..<position))
        case 5: try skip(4)
        default: throw Malformed()
        }
        return (number, .fixed)
    }

    private mutating func varint() throws(Malformed) -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: UInt64(0), to: 70, by: 7) {
            guard position < end else { throw Malformed() }
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
        }
        throw Malformed()
    }

    private mutating func skip(_ count: Int) throws(Malformed) {
        guard end - position >= count else { throw Malformed() }
        position += count
    }
}
