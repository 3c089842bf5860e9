import Foundation
import InferenceCore

/// The answer to one inference.
struct InferenceResponse: Encodable {
    var modelID: String
    var outputs: [TensorResponse]
    var timing: TimingResponse

    enum CodingKeys: String, CodingKey {
        case modelID = "model_id", outputs, timing
    }

    init(_ result: InferenceResult, format: OutputFormat) {
        modelID = result.modelID
        outputs = result.outputs.map { TensorResponse($0, format: format) }
        timing = TimingResponse(result.timing)
    }
}

struct TimingResponse: Encodable {
    var queueMs: Double
    var inferenceMs: Double
    var totalMs: Double

    enum CodingKeys: String, CodingKey {
        case queueMs = "queue_ms", inferenceMs = "inference_ms", totalMs = "total_ms"
    }

    init(_ timing: InferenceResult.Timing) {
        func ms(_ d: Duration) -> Double { (d.milliseconds * 1000).rounded() / 1000 }
        queueMs = ms(timing.queue)
        inferenceMs = ms(timing.inference)
        totalMs = ms(timing.total)
    }
}

/// One output tensor; `data` is base64 or nested arrays.
struct TensorResponse: Encodable {
    var tensor: Tensor
    var format: OutputFormat

    init(_ tensor: Tensor, format: OutputFormat) {
        self.tensor = tensor
        self.format = format
    }

    enum CodingKeys: String, CodingKey {
        case name, dtype, shape, data
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tensor.name, forKey: .name)
        try container.encode(tensor.dtype.rawValue, forKey: .dtype)
        try container.encode(tensor.shape, forKey: .shape)
        switch format {
        case .base64:
            try container.encode(Data(tensor.data).base64EncodedString(), forKey: .data)
        case .list:
            try container.encode(TensorValues(tensor: tensor), forKey: .data)
        }
    }
}

/// A tensor's elements as nested JSON arrays following its shape.
struct TensorValues: Encodable {
    var tensor: Tensor

    func encode(to encoder: any Encoder) throws {
        if tensor.shape.isEmpty {
            var single = encoder.singleValueContainer()
            try single.encode(element(0))
            return
        }
        var container = encoder.unkeyedContainer()
        try encode(dimension: 0, offset: 0, stride: TensorSpec.elementCount(tensor.shape), into: &container)
    }

    private func encode(dimension: Int, offset: Int, stride: Int, into container: inout some UnkeyedEncodingContainer) throws {
        let size = tensor.shape[dimension]
        let inner = size == 0 ? 0 : stride / size
        for i in 0..<size {
            if dimension == tensor.shape.count - 1 {
                try container.encode(element(offset + i))
            } else {
                var nested = container.nestedUnkeyedContainer()
                try encode(dimension: dimension + 1, offset: offset + i * inner, stride: inner, into: &nested)
            }
        }
    }

    /// One element as a JSON number or boolean; 64-bit integers keep every digit.
    enum Scalar: Encodable {
        case float(Double), signed(Int64), unsigned(UInt64), bool(Bool)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .float(let v): try container.encode(v)
            case .signed(let v): try container.encode(v)
            case .unsigned(let v): try container.encode(v)
            case .bool(let v): try container.encode(v)
            }
        }
    }

    func element(_ i: Int) -> Scalar {
        func load<T>(_ type: T.Type) -> T {
            tensor.data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self) }
        }
        switch tensor.dtype {
        case .float32: return .float(Double(load(Float.self)))
        case .float64: return .float(load(Double.self))
        case .float16: return .float(Double(Float(Float16(bitPattern: load(UInt16.self)))))
        case .bfloat16: return .float(Double(Float(bitPattern: UInt32(load(UInt16.self)) << 16)))
        case .uint8: return .unsigned(UInt64(load(UInt8.self)))
        case .int8: return .signed(Int64(load(Int8.self)))
        case .uint16: return .unsigned(UInt64(load(UInt16.self)))
        case .int16: return .signed(Int64(load(Int16.self)))
        case .uint32: return .unsigned(UInt64(load(UInt32.self)))
        case .int32: return .signed(Int64(load(Int32.self)))
        case .uint64: return .unsigned(load(UInt64.self))
        case .int64: return .signed(load(Int64.self))
        case .bool: return .bool(load(UInt8.self) != 0)
        }
    }
}
