import Foundation
import HTTPTypes
import Hummingbird
import InferenceCore
import InferenceVision
import Logging
import NIOCore

/// The DeepStack / CodeProject.AI object-detection API that Frigate, Home Assistant and Blue
/// Iris speak: `POST /v1/vision/detection`, `/v1/vision/custom/{model}`, `/v1/vision/custom/list`.
/// Errors use DeepStack's own format.
struct DeepStackController {
    let vision: VisionService
    let configuration: HTTPConfiguration

    static let defaultMinConfidence = 0.4

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v1/vision/detection", use: detection)
        router.post("/v1/vision/custom/list", use: list)
        router.post("/v1/vision/custom/{model}", use: custom)
    }

    @Sendable func detection(_ request: Request, context: AppRequestContext) async -> Response {
        await answer(request, context) {
            try await detect(request, modelID: try await defaultModel(), limit: configuration.deepStackMaxPredictions)
        }
    }

    @Sendable func custom(_ request: Request, context: AppRequestContext) async -> Response {
        await answer(request, context) {
            try await detect(request, modelID: try context.parameters.require("model"), limit: nil)
        }
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async -> Response {
        await answer(request, context) {
            try JSONResponse.make(ModelList(models: await detectors()))
        }
    }

    struct ModelList: Encodable {
        var success = true
        var models: [String]
    }

    func detect(_ request: Request, modelID: String, limit: Int?) async throws -> Response {
        let body = try await request.body.collect(upTo: configuration.maxBodySize)
        guard case .multipart(let boundary) = MediaKind(request) else {
            throw DeepStackError(.unsupportedMediaType, "send multipart/form-data with the picture in an 'image' field")
        }
        let form = try MultipartForm(body: Array(buffer: body), boundary: boundary)
        guard let image = form.part("image"), !image.body.isEmpty else {
            throw DeepStackError(.badRequest, "the form has no 'image' field")
        }
        let minConfidence = try form.text("min_confidence").map { text in
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), (0...1).contains(value) else {
                throw DeepStackError(.badRequest, "min_confidence must be a number between 0 and 1, not '\(text)'")
            }
            return value
        } ?? Self.defaultMinConfidence
        let result = try await vision.detect(modelID: modelID, image: .encoded(Array(image.body)),
                                             overrides: DetectionOverrides(scoreThreshold: minConfidence))
        guard result.detections != nil else {
            throw DeepStackError(.unprocessableContent, "model '\(modelID)' is not an object detector")
        }
        return try JSONResponse.make(DeepStackResponse(result, minConfidence: minConfidence, limit: limit))
    }

    /// The configured model, else the first detection model loaded.
    func defaultModel() async throws -> String {
        if let configured = configuration.deepStackModel { return configured }
        guard let first = await detectors().first else {
            throw DeepStackError(.serviceUnavailable, "no object detection model is loaded; load one with POST /models/load")
        }
        return first
    }

    func detectors() async -> [String] {
        var ids: [String] = []
        for info in await vision.inference.registry.list() where info.state == .ready {
            if await vision.isDetector(info.record.modelID) { ids.append(info.record.modelID) }
        }
        return ids
    }

    /// Runs `body`, answering any error in DeepStack's format (never Hummingbird's or the native one).
    func answer(_ request: Request, _ context: AppRequestContext, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch {
            let deepStack = error as? DeepStackError ?? DeepStackError(error, request: request)
            if deepStack.status.code >= 500 { context.logger.error("DeepStack request failed", metadata: ["error": "\(deepStack.message)"]) }
            return (try? deepStack.response(from: request, context: context)) ?? Response(status: deepStack.status)
        }
    }
}
