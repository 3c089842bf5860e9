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
        guard let modelID = form.text("model_id"), !modelID.isEmpty else {
            throw APIError.badRequest("the multipart form needs a 'model_id' field")
        }
        let bytes = Array(part.body)
        let image = try ImageRequest.image(
            bytes, inputType: form.text("input_type") ?? "image",
            width: form.text("width"), height: form.text("height"))
        return try ImageRequest(modelID: modelID, image: image ?? .encoded(bytes), parameters: form.text)
    }

    func respond(_ image: ImageRequest, _ request: Request) async throws -> Response {
        let wantsJPEG = request.headers[.accept]?.contains("image/jpeg") == true
        if image.async {
            guard !image.annotate && !wantsJPEG else {
                throw APIError.badRequest(
                    "an annotated JPEG is answered at once; an async task answers detections as JSON (drop 'annotate' or 'async')")
            }
            // The task is running from the start: its image is decoded before it waits for the model.
            return try accepted(
                await service.submit(modelID: image.modelID, kind: "image") { progress in
                    progress.running()
                    return .document(try JSONBody.encode(try await detect(image)))
                })
        }
        guard image.annotate || wantsJPEG else { return try JSONBody.make(try await detect(image)) }
        let result = try await vision.detect(modelID: image.modelID, image: image.image, overrides: image.overrides, timeout: image.timeout)
        guard let detections = result.detections else {
            throw APIError(
                .unprocessableContent, InferenceError.Code.notADetectionModel.rawValue,
                "model '\(image.modelID)' is not a detector, so there are no boxes to draw")
        }
        let jpeg = try await vision.pipeline.annotate(image.image, detections: detections, limits: vision.limits)
        var headers = HTTPFields()
        headers[.contentType] = "image/jpeg"
        headers[HTTPField.Name("X-Detections")!] = String(detections.count)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: jpeg)))
    }
}

extension InferenceController {
    /// The JSON answer to an image request.
    func detect(_ image: ImageRequest) async throws(InferenceError) -> DetectionResponse {
        let result = try await vision.detect(modelID: image.modelID, image: image.image, overrides: image.overrides, timeout: image.timeout)
        return DetectionResponse(result, includeOutputs: image.includeOutputs, format: image.outputFormat)
    }

    /// Each item of a batch answered, tensors and images alike, side by side; one failing does
    /// not affect the others.
    func answers(_ jobs: [Result<BatchJob, APIError>]) async -> [Result<BatchResponse.Answer, APIError>] {
        await withTaskGroup(of: (Int, Result<BatchResponse.Answer, APIError>).self) { group in
            for (index, job) in jobs.enumerated() {
                group.addTask {
                    do throws(InferenceError) {
                        switch job {
                        case .failure(let error): return (index, .failure(error))
                        case .success(.tensor(let request)): return (index, .success(.tensor(try await service.infer(request))))
                        case .success(.image(let image)): return (index, .success(.detection(try await detect(image))))
                        }
                    } catch {
                        return (index, .failure(APIError(error)))
                    }
                }
            }
            var answers = [Result<BatchResponse.Answer, APIError>?](repeating: nil, count: jobs.count)
            for await (index, answer) in group { answers[index] = answer }
            return answers.map { $0! }
        }
    }
}

/// One item of `POST /inference/batch`: a tensor for the core, or an image for the vision
/// pipeline (by `input_type` or the bytes' magic, as on `/inference`).
enum BatchJob {
    case tensor(InferenceRequest)
    case image(ImageRequest)

    init(_ item: InferenceBody, modelID: String, timeout: Duration?) throws {
        let (image, inputBytes) = try item.imageRequest(modelID: modelID)
        if var image {
            guard !image.annotate else { throw APIError.badRequest("'annotate' answers one JPEG; a batch item answers detections as JSON") }
            image.modelID = modelID
            image.timeout = image.timeout ?? timeout
            self = .image(image)
        } else {
            var request = try item.request(modelID: modelID, inputBytes: inputBytes)
            request.modelID = modelID
            request.timeout = request.timeout ?? timeout
            self = .tensor(request)
        }
    }

    var tensor: InferenceRequest? { if case .tensor(let request) = self { request } else { nil } }
}

extension MediaKind {
    var isImage: Bool { if case .image = self { true } else { false } }
}
