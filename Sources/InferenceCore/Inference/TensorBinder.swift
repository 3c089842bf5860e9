/// Checks a request's tensors against a model's signature and completes their names, types and
/// shapes, so that nothing malformed ever reaches a runtime.
public enum TensorBinder {
    /// Returns one tensor per model input, in the model's order.
    public static func bind(_ inputs: [InputTensor], to signature: ModelSignature) throws(InferenceError) -> [Tensor] {
        var byName: [String: InputTensor] = [:]
        for input in inputs {
            let name: String
            if let given = input.name {
                guard signature.inputs.contains(where: { $0.name == given }) else {
                    throw InferenceError(
                        .unprocessable, .unknownTensor,
                        "the model has no input named '\(given)'; its inputs are \(names(signature.inputs))")
                }
                name = given
            } else {
                guard signature.inputs.count == 1 else {
                    throw InferenceError(
                        .invalidRequest, .invalidRequest,
                        "the model has \(signature.inputs.count) inputs \(names(signature.inputs)): give each one by name in 'inputs'")
                }
                name = signature.inputs[0].name
            }
            guard byName.updateValue(input, forKey: name) == nil else {
                throw InferenceError.invalidRequest("input '\(name)' is given twice")
            }
        }
        return try signature.inputs.map { (spec) throws(InferenceError) -> Tensor in
            guard let input = byName[spec.name] else {
                throw InferenceError(
                    .unprocessable, .missingInput,
                    "input '\(spec.name)' is missing; the model's inputs are \(names(signature.inputs))")
            }
            return try bind(input, to: spec, defaultShape: signature.defaultInputShapes[spec.name])
        }
    }

    /// Checks requested output names.
    public static func checkOutputs(_ requested: [String], of signature: ModelSignature) throws(InferenceError) {
        for name in requested where !signature.outputs.contains(where: { $0.name == name }) {
            throw InferenceError(
                .unprocessable, .unknownTensor,
                "the model has no output named '\(name)'; its outputs are \(names(signature.outputs))")
        }
    }

    static func bind(_ input: InputTensor, to spec: TensorSpec, defaultShape: [Int]?) throws(InferenceError) -> Tensor {
        if let dtype = input.dtype, dtype != spec.dtype {
            throw InferenceError(
                .unprocessable, .dtypeMismatch,
                "input '\(spec.name)' is \(spec.dtype.rawValue), not \(dtype.rawValue)")
        }
        let shape: [Int]
        if let given = input.shape {
            shape = try check(given, against: spec)
        } else {
            shape = try infer(spec: spec, byteCount: input.data.count, defaultShape: defaultShape)
        }
        guard let expected = TensorSpec.checkedByteCount(shape, dtype: spec.dtype) else {
            throw tooLarge(shape, spec)
        }
        guard expected == input.data.count else {
            throw InferenceError(
                .unprocessable, .shapeMismatch,
                "input '\(spec.name)' of shape \(shape) and type \(spec.dtype.rawValue) needs \(expected) bytes, got \(input.data.count)")
        }
        return Tensor(name: spec.name, dtype: spec.dtype, shape: shape, data: input.data)
    }

    static func check(_ shape: [Int], against spec: TensorSpec) throws(InferenceError) -> [Int] {
        let fits =
            shape.count == spec.shape.count
            && zip(shape, spec.shape).allSatisfy { given, model in given >= 0 && (model < 0 || given == model) }
        guard fits else {
            throw InferenceError(
                .unprocessable, .shapeMismatch,
                "shape \(shape) does not fit input '\(spec.name)' of shape \(spec.shape) (-1 is any size)")
        }
        return shape
    }

    /// Fills dynamic dimensions: every one but the first from `defaultShape`, then a single
    /// remaining unknown (typically the batch) from the byte count.
    static func infer(spec: TensorSpec, byteCount: Int, defaultShape: [Int]?) throws(InferenceError) -> [Int] {
        var shape = spec.shape
        if let defaultShape, defaultShape.count == shape.count {
            for i in shape.indices.dropFirst() where shape[i] < 0 { shape[i] = defaultShape[i] }
        }
        let unknown = shape.indices.filter { shape[$0] < 0 }
        guard unknown.count <= 1 else {
            throw InferenceError(
                .unprocessable, .shapeMismatch,
                "input '\(spec.name)' has dynamic dimensions \(spec.shape): give its 'shape'")
        }
        if let index = unknown.first {
            var known = shape
            known[index] = 1
            guard let known = TensorSpec.checkedByteCount(known, dtype: spec.dtype) else { throw tooLarge(shape, spec) }
            guard known > 0, byteCount % known == 0, byteCount > 0 else {
                throw InferenceError(
                    .unprocessable, .shapeMismatch,
                    "\(byteCount) bytes do not make whole \(spec.dtype.rawValue) tensors of shape \(spec.shape) for input '\(spec.name)'")
            }
            shape[index] = byteCount / known
        }
        return shape
    }

    /// A shape whose byte size does not fit in 64 bits: no body can hold it.
    static func tooLarge(_ shape: [Int], _ spec: TensorSpec) -> InferenceError {
        InferenceError(
            .invalidRequest, .outOfRange,
            "shape \(shape) of input '\(spec.name)' is too large: its \(spec.dtype.rawValue) byte size overflows a 64-bit integer")
    }

    static func names(_ specs: [TensorSpec]) -> String {
        "[" + specs.map { "'\($0.name)'" }.joined(separator: ", ") + "]"
    }
}
