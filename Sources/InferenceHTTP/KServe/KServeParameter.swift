import InferenceCore

/// A value of a `parameters` object: the protocol allows booleans, numbers and strings.
enum KServeParameter: Codable, Equatable, Sendable {
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else {
            throw DecodingError.typeMismatch(
                KServeParameter.self,
                .init(
                    codingPath: decoder.codingPath, debugDescription: "a parameter must be a boolean, a number or a string"))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        }
    }

    var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// An integer, also from a double without fraction.
    var intValue: Int64? {
        switch self {
        case .int(let value): value
        case .double(let value) where value.rounded() == value && abs(value) < 9.2e18: Int64(value)
        default: nil
        }
    }

    /// A number, integer or not.
    var doubleValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// A whole number within `range` (an integer, or a double without fraction), else 400
    /// `out_of_range` naming the parameter and the range.
    func int(field: String, in range: ClosedRange<Int>) throws(APIError) -> Int {
        do throws(InferenceError) {
            switch self {
            case .int(let value): return try ClientNumber.int(value, field: field, in: range)
            case .double(let value): return try ClientNumber.int(value, field: field, in: range)
            case .string(let text): return try ClientNumber.int(text, field: field, in: range)
            case .bool(let value): throw ClientNumber.outOfRange(field, shown: "\(value)", range: range)
            }
        } catch {
            throw APIError(error)
        }
    }

    /// A finite number within `range`, else 400 `out_of_range`.
    func double(field: String, in range: ClosedRange<Double>) throws(APIError) -> Double {
        do throws(InferenceError) {
            switch self {
            case .int(let value): return try ClientNumber.double(Double(value), field: field, in: range)
            case .double(let value): return try ClientNumber.double(value, field: field, in: range)
            case .string(let text): return try ClientNumber.double(text, field: field, in: range)
            case .bool(let value): throw ClientNumber.outOfRange(field, shown: "\(value)", range: range)
            }
        } catch {
            throw APIError(error)
        }
    }

    var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }
}

typealias KServeParameters = [String: KServeParameter]
