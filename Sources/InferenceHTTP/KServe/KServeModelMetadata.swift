package import InferenceCore

/// `GET /v2/models/{m}`: a loaded model's name, version, platform and tensors (-1 for dynamic
/// dimensions).
package struct KServeModelMetadata: Encodable {
    var name: String
    var versions: [String]
    var platform: String
    var inputs: [Tensor]
    var outputs: [Tensor]

    struct Tensor: Encodable {
        var name: String
        var datatype: String
        var shape: [Int]

        init(_ spec: TensorSpec) {
            name = spec.name
            datatype = KServeDatatype.name(of: spec.dtype)
            shape = spec.shape
        }
    }

    init(_ info: ModelInfo, signature: ModelSignature) {
        name = info.record.modelID
        versions = [KServeController.version]
        platform = Self.platform(of: info.record.format)
        inputs = signature.inputs.map(Tensor.init)
        outputs = signature.outputs.map(Tensor.init)
    }

    /// Triton's platform names: `onnxruntime_onnx` for ONNX models; HEFs are `hailo_hef`.
    package static func platform(of format: ModelFormat) -> String {
        switch format {
        case .onnx: "onnxruntime_onnx"
        case .hef: "hailo_hef"
        }
    }

    package static func backend(of format: ModelFormat) -> String {
        switch format {
        case .onnx: "onnxruntime"
        case .hef: "hailort"
        }
    }
}

/// `GET /v2`.
struct KServeServerMetadata: Encodable {
    var name: String
    var version: String
    var extensions: [String]
}
