import HTTPTypes
import InferenceCore

extension KServeInferRequest {
    /// Turns a BYTES input's elements into a core input. The seam for images as BYTES.
    typealias BytesInputHandler = (_ input: Input, _ elements: [[UInt8]]) throws -> InputTensor

    /// The core request: each input's bytes from its binary slice or its JSON `data`, checked
    /// against its datatype and shape; the model then checks names, types and shapes itself.
    func coreRequest(modelID: String, body: BinaryTensorBody, bytesInput: BytesInputHandler) throws -> InferenceRequest {
        guard !inputs.isEmpty else { throw APIError.badRequest("'inputs' is empty") }
        let sizes = try inputs.map { (input) throws(APIError) in (name: input.name, size: try input.binaryDataSize) }
        let slices = try body.slices(sizes: sizes)
        let tensors = try zip(inputs, slices).map { input, slice in
            try Self.tensor(input, binary: slice, bytesInput: bytesInput)
        }
        let requested = try (outputs ?? []).map { (output) throws(APIError) -> String in
            if output.parameters?["classification"] != nil {
                throw APIError(.notImplemented, "unsupported", "output '\(output.name)': the classification extension is not supported")
            }
            return output.name
        }
        return InferenceRequest(modelID: modelID, inputs: tensors, outputs: requested, timeout: try timeout())
    }

    static func tensor(_ input: Input, binary: ArraySlice<UInt8>?, bytesInput: BytesInputHandler) throws -> InputTensor {
        guard let datatype = KServeDatatype(input.datatype) else {
            throw APIError.badRequest(
                "input '\(input.name)' has unknown datatype '\(input.datatype)'; use one of \(KServeDatatype.allNames)",
                code: "invalid_dtype")
        }
        guard input.shape.allSatisfy({ $0 >= 0 }) else {
            throw APIError.badRequest(
                "input '\(input.name)' has shape \(input.shape): dimensions must be concrete (>= 0)", code: "shape_mismatch")
        }
        if input.parameters?["shared_memory_region"] != nil {
            throw APIError(
                .notImplemented, "unsupported",
                "input '\(input.name)': the shared-memory extensions are not supported; send the data in the body")
        }
        guard let count = TensorSpec.checkedElementCount(input.shape) else {
            throw APIError.badRequest(
                "input '\(input.name)' has shape \(input.shape), whose element count overflows a 64-bit integer", code: "out_of_range")
        }
        switch (binary, input.data) {
        case (_?, _?):
            throw APIError.badRequest("input '\(input.name)' has both 'data' and binary_data_size; give one", code: "invalid_data")
        case (nil, nil):
            throw APIError.badRequest(
                "input '\(input.name)' has no data: give 'data' in the JSON, or parameters.binary_data_size with the bytes after the JSON header",
                code: "invalid_data")
        case (let bytes?, nil):
            switch datatype {
            case .numeric(let type):
                return InputTensor(name: input.name, dtype: type, shape: input.shape, data: Array(bytes))
            case .bytes:
                return try bytesInput(input, try Self.counted(BytesTensor.elements(binary: bytes, input: input.name), input, count))
            }
        case (nil, let data?):
            let elements = try data.elements(as: datatype, input: input.name)
            guard elements.count == count else {
                throw APIError.badRequest(
                    "input '\(input.name)' has \(elements.count) values in 'data' but shape \(input.shape) needs \(count)",
                    code: "shape_mismatch")
            }
            switch datatype {
            case .numeric(let type):
                return InputTensor(name: input.name, dtype: type, shape: input.shape, data: elements.bytes)
            case .bytes:
                return try bytesInput(input, elements.strings)
            }
        }
    }

    static func counted(_ elements: [[UInt8]], _ input: Input, _ count: Int) throws(APIError) -> [[UInt8]] {
        guard elements.count == count else {
            throw APIError.badRequest(
                "BYTES input '\(input.name)' has \(elements.count) elements but shape \(input.shape) needs \(count)", code: "shape_mismatch"
            )
        }
        return elements
    }

    /// Triton's `timeout` parameter, in microseconds. Sequences (stateful models) are refused;
    /// `priority` is accepted when it is a whole number of 0 or more and has no effect (one queue
    /// per model).
    func timeout() throws(APIError) -> Duration? {
        if let sequence = parameters?["sequence_id"], sequence != .int(0), sequence != .string("") {
            throw APIError(
                .notImplemented, "unsupported", "the sequence extension (sequence_id) is not supported: models here are stateless")
        }
        _ = try parameters?["priority"]?.int(field: "priority", in: 0...Int.max)
        return try parameters?["timeout"].map { (parameter) throws(APIError) in
            .microseconds(try parameter.int(field: "timeout", in: RequestLimits.timeoutMicroseconds))
        }
    }
}
