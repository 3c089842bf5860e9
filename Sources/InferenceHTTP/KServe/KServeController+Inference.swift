import Foundation
import HTTPTypes
import Hummingbird
import InferenceCore
import NIOCore

extension KServeController {
    /// `POST /v2/models/{m}[/versions/{v}]/infer`: JSON tensors or Triton's binary tensor data.
    @Sendable func infer(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: maxBodySize)
        let info = try await model(context)
        if let encoding = request.headers[.contentEncoding], encoding.lowercased() != "identity" {
            throw APIError(.unsupportedMediaType, "unsupported_media_type",
                "Content-Encoding '\(encoding)' is not supported: send the request uncompressed")
        }
        let split = try BinaryTensorBody(body: Array(buffer: body), headerLength: request.headers[KServeInferResponse.headerLengthField])
        guard !split.header.isEmpty else {
            throw APIError.badRequest("the request has no JSON header; send {\"inputs\": [...]}", code: "invalid_json")
        }
        let decoded = try JSONDecoder().decode(KServeInferRequest.self, from: Data(split.header))
        let inference = try decoded.coreRequest(modelID: info.record.modelID, body: split) { input, elements in
            try bytesInput(input, elements: elements, model: info)
        }
        let result = try await service.infer(inference)
        return try KServeInferResponse.make(result, id: decoded.id, binary: decoded.wantsBinary(output:))
    }

    /// BYTES inputs: the seam for images as BYTES tensors (one encoded JPEG/PNG per element,
    /// decoded and letterboxed server-side to the model's input), which arrive with the image
    /// pipeline. Until then a BYTES input is refused with the datatype the model wants.
    func bytesInput(_ input: KServeInferRequest.Input, elements: [[UInt8]], model: ModelInfo) throws -> InputTensor {
        let wanted = model.signature?.inputs.first { $0.name == input.name }
            .map { "model '\(model.record.modelID)' takes \(KServeDatatype.name(of: $0.dtype)) \($0.shape) as '\(input.name)'" }
            ?? "model '\(model.record.modelID)' has no BYTES inputs"
        throw APIError.badRequest(
            "input '\(input.name)' is BYTES but \(wanted): send it as that datatype. Images as BYTES (encoded JPEG/PNG elements) are not supported by this build yet",
            code: "dtype_mismatch")
    }
}
