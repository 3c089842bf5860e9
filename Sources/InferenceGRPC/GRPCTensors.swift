import Foundation
import GRPCCore
import InferenceCore
import InferenceHTTP
import SwiftProtobuf

/// A gRPC infer request's tensors as the core's: each input's little-endian bytes from
/// `raw_input_contents` (what tritonclient.grpc and perf_analyzer send) or from its typed
/// `contents`, checked against its datatype and shape.
enum GRPCTensors {
    static func request(_ request: Inference_ModelInferRequest, modelID: String) throws -> InferenceRequest {
        guard !request.inputs.isEmpty else { throw RPCError.invalidArgument("the request has no inputs") }
        let raw = request.rawInputContents
        guard raw.isEmpty || raw.count == request.inputs.count else {
            throw RPCError.invalidArgument(
                "raw_input_contents has \(raw.count) entries for \(request.inputs.count) inputs: give one per input, in order")
        }
        let inputs = try request.inputs.enumerated().map { index, input in
            try tensor(input, raw: raw.isEmpty ? nil : raw[index])
        }
        return InferenceRequest(modelID: modelID, inputs: inputs, outputs: request.outputs.map(\.name), timeout: try timeout(request))
    }

    /// The request's deadline: its `timeout` parameter (µs, as Triton's), else the client's
    /// gRPC deadline.
    static func timeout(_ request: Inference_ModelInferRequest) throws -> Duration? {
        guard let parameter = request.parameters["timeout"] else { return GRPCTimeoutInterceptor.timeout }
        guard case .int64Param(let micros)? = parameter.parameterChoice, micros > 0 else {
            throw RPCError.invalidArgument("parameter 'timeout' must be a positive int64 (microseconds)")
        }
        return .microseconds(micros)
    }

    static func tensor(_ input: Inference_ModelInferRequest.InferInputTensor, raw: Data?) throws -> InputTensor {
        guard let datatype = KServeDatatype(input.datatype) else {
            throw RPCError.invalidArgument("input '\(input.name)' has unknown datatype '\(input.datatype)'")
        }
        guard case .numeric(let type) = datatype else {
            throw RPCError.invalidArgument(
                "input '\(input.name)' is BYTES: BYTES inputs are images for a detection model, as its only input")
        }
        guard input.shape.allSatisfy({ $0 >= 0 && $0 <= Int64(Int32.max) }),
            let bytes = TensorSpec.checkedByteCount(input.shape.map { Int($0) }, dtype: type)
        else {
            throw RPCError.invalidArgument("input '\(input.name)' has shape \(input.shape): dimensions must be concrete (>= 0)")
        }
        let data: [UInt8]
        if let raw {
            data = [UInt8](raw)
        } else if input.hasContents {
            data = try typed(input.contents, as: type, input: input.name)
        } else {
            throw RPCError.invalidArgument("input '\(input.name)' has no data: give raw_input_contents or contents")
        }
        guard data.count == bytes else {
            throw RPCError.invalidArgument(
                "input '\(input.name)' has \(data.count) bytes but shape \(input.shape) of \(input.datatype) needs \(bytes)")
        }
        return InputTensor(name: input.name, dtype: type, shape: input.shape.map { Int($0) }, data: data)
    }

    /// Typed contents as little-endian bytes: each datatype reads its own list, as Triton's
    /// (bool, int for 8/16/32-bit signed, uint for 8/16/32-bit unsigned, int64, uint64, fp32, fp64).
    static func typed(_ c: Inference_InferTensorContents, as type: ElementType, input: String) throws -> [UInt8] {
        func le<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
            values.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
        }
        func narrow<Wide: BinaryInteger, T: FixedWidthInteger>(_ values: [Wide], _: T.Type) throws -> [UInt8] {
            try le(
                values.map { (value: Wide) throws -> T in
                    guard let narrow = T(exactly: value) else {
                        throw RPCError.invalidArgument("input '\(input)': \(value) is out of range of \(KServeDatatype.name(of: type))")
                    }
                    return narrow
                })
        }
        switch type {
        case .bool: return c.boolContents.map { $0 ? 1 : 0 }
        case .int8: return try narrow(c.intContents, Int8.self)
        case .int16: return try narrow(c.intContents, Int16.self)
        case .int32: return le(c.intContents)
        case .int64: return le(c.int64Contents)
        case .uint8: return try narrow(c.uintContents, UInt8.self)
        case .uint16: return try narrow(c.uintContents, UInt16.self)
        case .uint32: return le(c.uintContents)
        case .uint64: return le(c.uint64Contents)
        case .float32: return le(c.fp32Contents.map(\.bitPattern))
        case .float64: return le(c.fp64Contents.map(\.bitPattern))
        case .float16, .bfloat16:
            throw RPCError.invalidArgument(
                "input '\(input)': \(KServeDatatype.name(of: type)) has no typed contents; send raw_input_contents")
        }
    }
}
