import Foundation
import HTTPTypes
import Hummingbird
import InferenceCore
import InferenceVision
import NIOCore

/// Image requests on `/inference`: the image and its parameters from a raw body (query string)
/// or a multipart form, answered with detections as JSON or as an annotated JPEG.
extension InferenceController {
    /// An `application/octet-stream` or `image/*` body that holds an image; nil for a tensor.
    func imageBody(_ request: Request, bytes: [UInt8]) throws -> ImageRequest? {
        let query = request.uri.queryParameters
        let parameter = { (key: String) in query[Substring(key)].map(String.init) }
        let inputType = parameter("input_type") ?? (MediaKind(request).isImage ? "image" : nil)
        guard let image = try ImageRequest.image(bytes, inputType: inputType, width: parameter("width"), height: parameter("height")) else {
            return nil
        }
        guard let modelID = parameter("model_id"), !modelID.isEmpty else {
            throw APIError.badRequest("an image body needs the 'model_id' query parameter")
        }
        return try ImageRequest(modelID: modelID, image: image, parameters: parameter)
    }

    /// A multipart form with an `image` part (or `file`) and text fields for the parameters.
    func imageForm(_ form: MultipartForm) throws -> ImageRequest {
        guard let part = form.part("image") ?? form.part("file") else {
            throw APIError.badRequest("the multipart form needs an 'image' part")
        }
        guard let modelID = form.text("model_id"), !modelID.isEmpty else { throw APIError.badRequest("the multipart form needs a 'model_id' field") }
        let bytes = Array(part.body)
        let image = try ImageRequest.image(bytes, inputType: form.text("input_type") ?? "image",
                                           width: form.text("width"), height: form.text("height"))
        return try ImageRequest(modelID: modelID, image: image ?? .encoded(bytes), parameters: form.text)
    }

    func respond(_ image: ImageRequest, _ request: Request) async throws -> Response {
        let result = try await vision.detect(modelID: image.modelID, image: image.image, overrides: image.overrides, timeout: image.timeout)
        let wantsJPEG = request.headers[.accept]?.contains("image/jpeg") == true
        guard image.annotate || wantsJPEG else {
            return try JSONResponse.make(DetectionResponse(result, includeOutputs: image.includeOutputs, format: image.outputFormat))
        }
        guard let detections = result.detections else {
            throw APIError(.unprocessableContent, InferenceError.Code.notADetectionModel.rawValue,
                           "model '\(image.modelID)' is not a detector, so there are no boxes to draw")
        }
        let jpeg = try await vision.pipeline.annotate(image.image, detections: detections, limits: vision.limits)
        var headers = HTTPFields()
        headers[.contentType] = "image/jpeg"
        headers[HTTPField.Name("X-Detections")!] = String(detections.count)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: jpeg)))
    }
}

extension MediaKind {
    var isImage: Bool { if case .image = self { true } else { false } }
}
