/// The `data` of a tensor in JSON: a flat or nested array of booleans, numbers or strings, read
/// in row-major order into a flat list of scalars. Integers keep their full 64-bit value.
struct JSONTensorData: Decodable, Sendable {
    enum Scalar: Equatable, Sendable {
        case bool(Bool)
        case int(Int64)
        case uint(UInt64)
        case double(Double)
        case string(String)
    }

    var values: [Scalar]

    init(values: [Scalar]) {
        self.values = values
    }

    init(from decoder: any Decoder) throws {
        values = []
        try Self.flatten(decoder, into: &values, depth: 0)
    }

    /// Nesting deeper than this is refused (no tensor has that many dimensions).
    static let maxDepth = 32

    private static func flatten(_ decoder: any Decoder, into values: inout [Scalar], depth: Int) throws {
        if var array = try? decoder.unkeyedContainer() {
            guard depth < maxDepth else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'data' is nested too deeply"))
            }
            if let count = array.count { values.reserveCapacity(values.count + count) }
            while !array.isAtEnd {
                try flatten(try array.superDecoder(), into: &values, depth: depth + 1)
            }
            return
        }
        let single = try decoder.singleValueContainer()
        if let value = try? single.decode(Bool.self) {
            values.append(.bool(value))
        } else if let value = try? single.decode(Int64.self) {
            values.append(.int(value))
        } else if let value = try? single.decode(UInt64.self) {
            values.append(.uint(value))
        } else if let value = try? single.decode(Double.self) {
            values.append(.double(value))
        } else if let value = try? single.decode(String.self) {
            values.append(.string(value))
        } else {
            throw DecodingError.typeMismatch(Scalar.self, .init(
                codingPath: decoder.codingPath, debugDescription: "tensor data holds booleans, numbers or strings only"))
        }
    }
}
