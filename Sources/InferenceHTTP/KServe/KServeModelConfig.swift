import Foundation
package import InferenceCore

/// `GET /v2/models/{m}/config`: the parts of Triton's model configuration that describe a loaded
/// model. `max_batch_size` is 0 because the service does no batching of its own: `dims` are the
/// model's full shapes, the batch dimension (usually -1) included.
package struct KServeModelConfig: Encodable {
    package var name: String
    package var platform: String
    package var backend: String
    package var maxBatchSize = 0
    package var input: [Tensor]
    package var output: [Tensor]
    var versionPolicy = ["specific": ["versions": [1]]]
    var instanceGroup: [InstanceGroup]
    package var parameters: [String: StringValue]

    package struct Tensor: Encodable {
        package var name: String
        package var dataType: String
        package var dims: [Int]

        init(_ spec: TensorSpec) {
            name = spec.name
            dataType = KServeDatatype.configName(of: spec.dtype)
            dims = spec.shape
        }

        enum CodingKeys: String, CodingKey { case name, dataType = "data_type", dims }
    }

    struct InstanceGroup: Encodable {
        package var name: String
        var kind: String
        var count: Int
    }

    package struct StringValue: Encodable {
        package var stringValue: String
        enum CodingKeys: String, CodingKey { case stringValue = "string_value" }
    }

    enum CodingKeys: String, CodingKey {
        case name, platform, backend, maxBatchSize = "max_batch_size", input, output
        case versionPolicy = "version_policy", instanceGroup = "instance_group", parameters
    }

    package init(_ info: ModelInfo, signature: ModelSignature) {
        name = info.record.modelID
        platform = KServeModelMetadata.platform(of: info.record.format)
        backend = KServeModelMetadata.backend(of: info.record.format)
        input = signature.inputs.map(Tensor.init)
        output = signature.outputs.map(Tensor.init)
        let kind = info.record.device == .cpu ? "KIND_CPU" : "KIND_MODEL"
        instanceGroup = [InstanceGroup(name: info.record.modelID, kind: kind, count: 1)]
        var parameters: [String: StringValue] = [
            "source": StringValue(stringValue: info.record.source),
            "device": StringValue(stringValue: info.record.device.rawValue),
        ]
        if let labels = info.labels, let json = try? JSONEncoder().encode(labels) {
            parameters["labels"] = StringValue(stringValue: String(decoding: json, as: UTF8.self))
        }
        for (input, shape) in signature.defaultInputShapes {
            parameters["default_shape.\(input)"] = StringValue(stringValue: shape.map(String.init).joined(separator: ","))
        }
        self.parameters = parameters
    }
}
