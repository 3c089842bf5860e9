/// The elements of a `BYTES` tensor: in binary form each element is its 4-byte little-endian
/// length followed by its bytes. (In JSON each element is a string: `TensorElementSink`.)
package enum BytesTensor {
    package static func elements(binary: ArraySlice<UInt8>, input: String) throws(APIError) -> [[UInt8]] {
        var elements: [[UInt8]] = []
        var offset = binary.startIndex
        while offset < binary.endIndex {
            guard binary.endIndex - offset >= 4 else {
                throw APIError.badRequest(
                    "BYTES input '\(input)': element \(elements.count) has a truncated 4-byte length prefix", code: "invalid_binary_data")
            }
            let length = binary[offset..<(offset + 4)].reversed().reduce(0) { $0 << 8 | Int($1) }
            offset += 4
            guard binary.endIndex - offset >= length else {
                throw APIError.badRequest(
                    "BYTES input '\(input)': element \(elements.count) claims \(length) bytes but only \(binary.endIndex - offset) are left",
                    code: "invalid_binary_data")
            }
            elements.append(Array(binary[offset..<(offset + length)]))
            offset += length
        }
        return elements
    }
}
