import Foundation
import HTTPTypes
import Hummingbird
import InferenceCore
import InferenceVision
import NIOCore

/// The DOODS2 API that Home Assistant core's `doods` integration speaks through `pydoods`:
/// `GET /detectors`, `POST /detect` and `POST /image`. Every loaded detection model is a
/// detector named by its model id; `default` names the DeepStack default model
/// (`--deepstack-model`, else the first detector) unless a model has that id. The API key may
/// come in DOODS's `doods-auth-key` header. Errors use DOODS's form (`DOODSError`).
struct DOODSController {
    let vision: VisionService
    let configuration: HTTPConfiguration

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/detectors", use: detectors)
        router.post("/detect", use: detect)
        router.post("/image", use: image)
    }

    @Sendable func detectors(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONBody.make(DOODSResponse.Detectors(detectors: await vision.detectors().map(DOODSResponse.Detector.init)))
    }

    @Sendable func detect(_ request: Request, context: AppRequestContext) async throws -> Response {
        var id: String?
        do {
            let body = try await decode(request)
            id = body.id
            try body.validate()
            let wantsImage = try body.wantsImage()
            let run = try await run(body)
            var answer = DOODSResponse.Detect(id: body.id, detections: run.kept.map(\.item), duration: run.milliseconds)
            if wantsImage {
                let jpeg = try await vision.pipeline.annotate(run.image, detections: run.kept.map(\.detection), limits: vision.limits)
                answer.image = Data(jpeg).base64EncodedString()
            }
            return try JSONBody.make(answer)
        } catch {
            throw DOODSError(error, request: request, id: id)
        }
    }

    /// The image with the kept detections drawn on it, as JPEG.
    @Sendable func image(_ request: Request, context: AppRequestContext) async throws -> Response {
        var id: String?
        do {
            let body = try await decode(request)
            id = body.id
            try body.validate()
            _ = try body.wantsImage()
            let run = try await run(body)
            let jpeg = try await vision.pipeline.annotate(run.image, detections: run.kept.map(\.detection), limits: vision.limits)
            var headers = HTTPFields()
            headers[.contentType] = "image/jpeg"
            headers[HTTPField.Name("X-Detections")!] = String(run.kept.count)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: jpeg)))
        } catch {
            throw DOODSError(error, request: request, id: id)
        }
    }

    func decode(_ request: Request) async throws -> DOODSRequest {
        let body = try await request.body.collect(upTo: configuration.maxBodySize)
        guard case .json = MediaKind(request, body: body) else {
            throw DOODSError(.badRequest, "send the detect request as a JSON object")
        }
        return try JSONBody.decode(DOODSRequest.self, from: body)
    }

    struct Run {
        var image: ImageInput
        var kept: [(item: DOODSResponse.Detection, detection: Detection)]
        var milliseconds: Int
    }

    /// Detects with the named detector and keeps what the request's minimums let through.
    func run(_ body: DOODSRequest) async throws -> Run {
        let modelID = try await detectorID(body.detectorName)
        let image = ImageInput.encoded(try body.imageBytes())
        let filter = DOODSFilter(body)
        let result = try await vision.detect(
            modelID: modelID, image: image,
            overrides: DetectionOverrides(scoreThreshold: filter.lowestScore))
        var kept: [(item: DOODSResponse.Detection, detection: Detection)] = []
        for detection in (result.detections ?? []).sorted(by: { $0.score > $1.score }) {
            let box = DOODSResponse.Box(detection.box, width: result.imageWidth, height: result.imageHeight)
            let confidence = (detection.score * 10_000).rounded() / 100
            let decision = filter.keep(label: detection.label, confidence: confidence, box: box)
            if decision.kept {
                kept.append(
                    (
                        DOODSResponse.Detection(label: detection.label, confidence: confidence, box: box, regionID: decision.regionID),
                        detection
                    ))
            }
        }
        return Run(image: image, kept: kept, milliseconds: Int(result.timing.total.milliseconds.rounded()))
    }

    /// The model a `detector_name` names: a detection model's id, or `default` (or nothing).
    func detectorID(_ name: String?) async throws -> String {
        let detectors = await vision.detectors().map(\.info.record.modelID)
        let name = name.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        if detectors.contains(name) { return name }
        if name == "default" { return try await vision.defaultDetector(configured: configuration.deepStackModel) }
        let known = detectors.isEmpty ? "none" : detectors.joined(separator: ", ")
        throw DOODSError(.badRequest, "unknown detector name: \(name) (the detectors are \(known); GET /detectors)")
    }
}
