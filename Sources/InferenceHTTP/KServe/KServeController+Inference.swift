import Foundation
import HTTPTypes
import Hummingbird
import InferenceCore
import InferenceVision
import NIOCore

extension KServeController {
    /// `POST /v2/models/{m}[/versions/{v}]/infer`: JSON tensors or Triton's binary tensor data.
    @Sendable func infer(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: maxBodySize)
        let info = try await model(context)
        if let encoding = request.headers[.contentEncoding], encoding.lowercased() != "identity" {
            throw APIError(
                .unsupportedMediaType, "unsupported_media_type",
                "Content-Encoding '\(encoding)' is not supported: send the request uncompressed")
        }
        let split = try BinaryTensorBody(body: Array(buffer: body), headerLength: request.headers[KServeInferResponse.headerLengthField])
        guard !split.header.isEmpty else {
            throw APIError.badRequest("the request has no JSON header; send {\"inputs\": [...]}", code: "invalid_json")
        }
        let decoded = try KServeInferRequest.decode(header: split.header)
        // One BYTES input to a detection model: encoded images, answered with detection tensors.
        var imageMode = decoded.inputs.count == 1 && decoded.inputs[0].datatype.uppercased() == "BYTES"
        if imageMode { imageMode = await vision.isDetector(info.record.modelID) }
        var images: [[UInt8]]?
        let inference = try decoded.coreRequest(modelID: info.record.modelID, body: split) { input, elements in
            guard imageMode else { return try bytesInput(input, elements: elements, model: info) }
            images = elements
            return InputTensor(name: input.name, data: [])
        }
        let result: InferenceResult
        if let images {
            result = try await KServeImages.detect(
                images, request: decoded, modelID: info.record.modelID, vision: vision, timeout: inference.timeout)
        } else {
            result = try await service.infer(inference)
        }
        return try KServeInferResponse.make(result, id: decoded.id, binary: decoded.wantsBinary(output:))
    }

    /// BYTES inputs of a model that is not a detector (or next to other inputs): refused with the
    /// datatype the model wants. (Images as BYTES to a detection model are `KServeImages`.)
    func bytesInput(_ input: KServeInferRequest.Input, elements: [[UInt8]], model: ModelInfo) throws -> InputTensor {
        let wanted =
            model.signature?.inputs.first { $0.name == input.name }
            .map { "model '\(model.record.modelID)' takes \(KServeDatatype.name(of: $0.dtype)) \($0.shape) as '\(input.name)'" }
            ?? "model '\(model.record.modelID)' has no BYTES inputs"
        throw APIError.badRequest(
            "input '\(input.name)' is BYTES but \(wanted): send it as that datatype (images as BYTES are for detection models, as the only input)",
            code: "dtype_mismatch")
    }
}
