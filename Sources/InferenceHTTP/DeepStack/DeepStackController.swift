import Foundation
import HTTPTypes
import Hummingbird
import InferenceCore
import InferenceVision
import NIOCore

/// The DeepStack / CodeProject.AI object-detection API that Frigate, Home Assistant, Blue Iris
/// and Agent DVR speak: `POST /v1/vision/detection`, `/v1/vision/custom/{model}`,
/// `/v1/vision/custom/list`. Errors use DeepStack's format (`DeepStackError`), the detection
/// routes' in the body (`DeepStackDetectionErrors`).
///
/// Both detection routes answer at most `--deepstack-max-predictions` predictions (20, what
/// Frigate's detector reads), the best first; a request may ask for another cap with a
/// `max_predictions` field (0: all of them).
struct DeepStackController {
    let vision: VisionService
    let configuration: HTTPConfiguration

    static let defaultMinConfidence = 0.4

    /// Adds the routes to `group`, the DeepStack group, in a group of their own whose errors are
    /// answered in the body.
    func addRoutes(to group: some RouterMethods<AppRequestContext>) {
        group.group()
            .add(middleware: DeepStackDetectionErrors())
            .post("/v1/vision/detection", use: detection)
            .post("/v1/vision/custom/list", use: list)
            .post("/v1/vision/custom/{model}", use: custom)
    }

    @Sendable func detection(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await detect(request, modelID: try await vision.defaultDetector(configured: configuration.deepStackModel))
    }

    @Sendable func custom(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await detect(request, modelID: try context.parameters.require("model"))
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONBody.make(ModelList(models: await vision.detectors().map(\.info.record.modelID)))
    }

    struct ModelList: Encodable {
        var success = true
        var models: [String]
    }

    func detect(_ request: Request, modelID: String) async throws -> Response {
        let body = try await request.body.collect(upTo: configuration.maxBodySize)
        guard case .multipart(let boundary) = MediaKind(request) else {
            throw DeepStackError(.unsupportedMediaType, "send multipart/form-data with the picture in an 'image' field")
        }
        let form = try MultipartForm(body: Array(buffer: body), boundary: boundary)
        guard let image = form.part("image"), !image.body.isEmpty else {
            throw DeepStackError(.badRequest, "the form has no 'image' field")
        }
        let minConfidence =
            try form.text("min_confidence").map { text in
                guard let value = Double(text.trimmingCharacters(in: .whitespaces)), (0...1).contains(value) else {
                    throw DeepStackError(.badRequest, "min_confidence must be a number between 0 and 1, not '\(text)'")
                }
                return value
            } ?? Self.defaultMinConfidence
        let limit =
            try form.text("max_predictions").map { text in
                guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 0 else {
                    throw DeepStackError(.badRequest, "max_predictions must be a whole number, 0 for all predictions, not '\(text)'")
                }
                return value
            } ?? configuration.deepStackMaxPredictions
        let result = try await vision.detect(
            modelID: modelID, image: .encoded(Array(image.body)),
            overrides: DetectionOverrides(scoreThreshold: minConfidence))
        guard result.detections != nil else {
            throw DeepStackError(.unprocessableContent, "model '\(modelID)' is not an object detector")
        }
        return try JSONBody.make(DeepStackResponse(result, minConfidence: minConfidence, limit: limit))
    }
}

/// The detection routes' errors as CodeProject.AI answers them: with HTTP 200, `success: false`
/// and the status in `code` (`DeepStackError.answeredInBody()`). It is the last middleware before
/// those routes, after the DeepStack group's body limit and key check, whose refusals keep their
/// status as before; it rethrows, and the group's `ErrorMiddleware` answers and logs the error.
struct DeepStackDetectionErrors<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            throw DeepStackError(error, request: request).answeredInBody()
        }
    }
}
