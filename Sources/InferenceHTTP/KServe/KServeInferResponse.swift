import HTTPTypes
import Hummingbird
import InferenceCore
import NIOCore

/// The answer to an infer request: JSON outputs, or with binary outputs the JSON header followed
/// by their bytes, its length in `Inference-Header-Content-Length` and each output's size in its
/// `parameters.binary_data_size`. The JSON is written directly (`JSONTensorValues`), so that
/// large outputs cost one pass and non-finite floats can be the bare tokens Triton writes.
enum KServeInferResponse {
    static let headerLengthField = HTTPField.Name("Inference-Header-Content-Length")!

    /// The response for `result`; `binary(name)` says which outputs go as binary data.
    static func make(_ result: InferenceResult, id: String?, binary: (String) -> Bool) throws -> Response {
        let (header, tail) = body(result, id: id, binary: binary)
        var headers = HTTPFields()
        guard let tail else {
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

    /// The JSON header and, when any output goes as binary data, the bytes that follow it.
    static func body(_ result: InferenceResult, id: String?, binary: (String) -> Bool) -> (header: [UInt8], tail: [UInt8]?) {
        var tail: [UInt8]?
        var json = JSONTensorValues(capacity: 256)
        json.raw(#"{"model_name":"#)
        json.string(result.modelID)
        json.raw(#","model_version":"#)
        json.string(KServeController.version)
        if let id {
            json.raw(#","id":"#)
            json.string(id)
        }
        json.raw(#","outputs":["#)
        for (index, tensor) in result.outputs.enumerated() {
            json.raw(index == 0 ? #"{"name":"# : #",{"name":"#)
            json.string(tensor.name)
            json.raw(#","datatype":"#)
            json.string(KServeDatatype.name(of: tensor.dtype))
            json.raw(#","shape":["#)
            for (i, dimension) in tensor.shape.enumerated() {
                if i > 0 { json.raw(",") }
                json.number(dimension)
            }
            json.raw("]")
            if binary(tensor.name) {
                json.raw(#","parameters":{"binary_data_size":"#)
                json.number(tensor.data.count)
                json.raw("}}")
                tail = (tail ?? []) + tensor.data  // rarely more than one binary output
            } else {
                json.raw(#","data":"#)
                json.tensor(tensor.dtype, tensor.data)
                json.raw("}")
            }
        }
        json.raw("]}")
        return (json.bytes, tail)
    }
}
