/// Element types of tensors crossing the API, named as numpy names them.
public enum ElementType: String, Sendable, Codable, CaseIterable {
    case float32, float64, float16, bfloat16
    case uint8, int8, uint16, int16, uint32, int32, uint64, int64
    case bool

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16, .float16, .bfloat16: 2
        case .float32, .uint32, .int32: 4
        case .float64, .uint64, .int64: 8
        }
    }

    /// Parses the names users write: numpy's (`float32`), short ones (`float`, `double`, `half`)
    /// and KServe's (`FP32`, `UINT8`, `BOOL`, …).
    public init?(name: String) {
        let lowered = name.lowercased()
        if let exact = ElementType(rawValue: lowered) {
            self = exact
            return
        }
        switch lowered {
        case "float", "fp32": self = .float32
        case "double", "fp64": self = .float64
        case "half", "fp16": self = .float16
        case "bf16": self = .bfloat16
        default: return nil
        }
    }
}
