import Foundation
import HTTPTypes
import Hummingbird
import InferenceCore
import NIOCore

/// The answer to an infer request: JSON outputs, or with binary outputs the JSON header followed
/// by their bytes, its length in `Inference-Header-Content-Length` and each output's size in its
/// `parameters.binary_data_size`.
struct KServeInferResponse: Encodable {
    var modelName: String
    var modelVersion: String
    var id: String?
    var outputs: [Output]

    struct Output: Encodable {
        var name: String
        var datatype: String
        var shape: [Int]
        var parameters: [String: Int]?
        var data: JSONTensorValues?
    }

    enum CodingKeys: String, CodingKey {
        case modelName = "model_name", modelVersion = "model_version", id, outputs
    }

    static let headerLengthField = HTTPField.Name("Inference-Header-Content-Length")!

    /// The response for `result`; `binary(name)` says which outputs go as binary data.
    static func make(_ result: InferenceResult, id: String?, binary: (String) -> Bool) throws -> Response {
        var tail: [UInt8] = []
        let outputs = result.outputs.map { tensor in
            var output = Output(name: tensor.name, datatype: KServeDatatype.name(of: tensor.dtype), shape: tensor.shape)
            if binary(tensor.name) {
                output.parameters = ["binary_data_size": tensor.data.count]
                tail.append(contentsOf: tensor.data)
            } else {
                output.data = JSONTensorValues(dtype: tensor.dtype, data: tensor.data)
            }
            return output
        }
        let body = KServeInferResponse(modelName: result.modelID, modelVersion: KServeController.version, id: id, outputs: outputs)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let header = try encoder.encode(body)
        var headers = HTTPFields()
        guard outputs.contains(where: { $0.parameters != nil }) else {
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: header)))
        }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(header.count + tail.count)
        buffer.writeBytes(header)
        buffer.writeBytes(tail)
        headers[.contentType] = "application/octet-stream"
        headers[headerLengthField] = String(header.count)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
    }
}
