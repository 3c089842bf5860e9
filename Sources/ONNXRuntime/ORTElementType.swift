/// `ONNXTensorElementDataType`, keeping values this binding has no name for.
public struct ORTElementType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let undefined = Self(rawValue: 0)
    public static let float = Self(rawValue: 1)
    public static let uint8 = Self(rawValue: 2)
    public static let int8 = Self(rawValue: 3)
    public static let uint16 = Self(rawValue: 4)
    public static let int16 = Self(rawValue: 5)
    public static let int32 = Self(rawValue: 6)
    public static let int64 = Self(rawValue: 7)
    public static let string = Self(rawValue: 8)
    public static let bool = Self(rawValue: 9)
    public static let float16 = Self(rawValue: 10)
    public static let double = Self(rawValue: 11)
    public static let uint32 = Self(rawValue: 12)
    public static let uint64 = Self(rawValue: 13)
    public static let bfloat16 = Self(rawValue: 16)

    /// Bytes per element for fixed-size numeric types; nil for strings and unknown types.
    public var byteSize: Int? {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16, .float16, .bfloat16: 2
        case .float, .int32, .uint32: 4
        case .int64, .uint64, .double: 8
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .undefined: "undefined"
        case .float: "float"
        case .uint8: "uint8"
        case .int8: "int8"
        case .uint16: "uint16"
        case .int16: "int16"
        case .int32: "int32"
        case .int64: "int64"
        case .string: "string"
        case .bool: "bool"
        case .float16: "float16"
        case .double: "double"
        case .uint32: "uint32"
        case .uint64: "uint64"
        case .bfloat16: "bfloat16"
        default: "element type \(rawValue)"
        }
    }
}
