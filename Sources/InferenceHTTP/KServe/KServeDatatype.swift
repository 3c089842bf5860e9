package import InferenceCore

/// A tensor datatype as the Open Inference Protocol names it: the numeric ones map one to one
/// to the core's `ElementType`; `BYTES` (length-prefixed byte strings) has no core equivalent.
package enum KServeDatatype: Equatable, Sendable, CustomStringConvertible {
    case numeric(ElementType)
    case bytes

    /// Parses a protocol name exactly as written (`FP32`, `UINT8`, `BYTES`, …); nil otherwise.
    package init?(_ name: String) {
        if name == "BYTES" {
            self = .bytes
            return
        }
        guard let type = ElementType.allCases.first(where: { Self.name(of: $0) == name }) else { return nil }
        self = .numeric(type)
    }

    /// The protocol name of a core element type.
    package static func name(of type: ElementType) -> String {
        switch type {
        case .bool: "BOOL"
        case .uint8: "UINT8"
        case .uint16: "UINT16"
        case .uint32: "UINT32"
        case .uint64: "UINT64"
        case .int8: "INT8"
        case .int16: "INT16"
        case .int32: "INT32"
        case .int64: "INT64"
        case .float16: "FP16"
        case .float32: "FP32"
        case .float64: "FP64"
        case .bfloat16: "BF16"
        }
    }

    /// Triton's model-configuration name (`TYPE_FP32`, …).
    package static func configName(of type: ElementType) -> String {
        switch type {
        case .bool: "TYPE_BOOL"
        default: "TYPE_" + name(of: type)
        }
    }

    static var allNames: String {
        (ElementType.allCases.map(name(of:)) + ["BYTES"]).joined(separator: ", ")
    }

    package var description: String {
        switch self {
        case .numeric(let type): Self.name(of: type)
        case .bytes: "BYTES"
        }
    }
}
