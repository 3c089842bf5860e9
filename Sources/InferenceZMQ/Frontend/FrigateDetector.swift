import InferenceCore
import InferenceVision
import Logging

/// Answers the requests of Frigate's `zmq` detector with the core's calls: the registry for the
/// model handshake and transfer, the vision service (letterbox, scheduler, decoders) for frames.
/// Every failure is a reply (zero rows and an `error` for frames), never silence.
struct FrigateDetector: Sendable {
    let vision: VisionService
    let models: FrigateModels
    let configuration: ZMQConfiguration
    let logger: Logger

    /// The outcome of one request, for metrics and logs.
    struct Answer: Sendable {
        var kind: String
        var frames: [[UInt8]]
        var modelID: String?
        var error: InferenceError?
    }

    func answer(_ frames: [[UInt8]], peer: String) async -> Answer {
        let request: FrigateRequest
        do {
            request = try FrigateRequest.parse(frames)
        } catch {
            let failure = InferenceError.invalidRequest(error.message)
            return Answer(kind: "invalid", frames: FrigateReply.failure(failure.message, code: failure.code.rawValue), error: failure)
        }
        switch request {
        case .modelRequest(let name):
            let status = await models.resolve(name)
            if status.loaded, let id = status.modelID { models.remember(peer: peer, modelID: id) }
            if status.available && !status.loaded {
                logger.error(
                    "Frigate's model is not loaded", metadata: ["model_name": "\(name)", "error": "\(status.error?.message ?? "-")"])
            }
            return Answer(
                kind: request.kind,
                frames: FrigateReply.modelStatus(
                    name: name, available: status.available, loaded: status.loaded,
                    modelID: status.modelID, error: status.error?.message),
                modelID: status.modelID, error: status.available ? status.error : nil)
        case .modelData(let name, let bytes):
            let (saved, status) = await models.save(name, bytes: bytes, limit: configuration.maxModelSize)
            if status.loaded, let id = status.modelID { models.remember(peer: peer, modelID: id) }
            if let error = status.error {
                logger.error(
                    "model from Frigate not loaded", metadata: ["model_name": "\(name)", "saved": "\(saved)", "error": "\(error.message)"])
            } else {
                logger.info(
                    "model from Frigate saved and loaded", metadata: ["model_name": "\(name)", "model_id": "\(status.modelID ?? "-")"])
            }
            return Answer(
                kind: request.kind,
                frames: FrigateReply.modelSaved(
                    name: name, saved: saved, loaded: status.loaded,
                    modelID: status.modelID, error: status.error?.message),
                modelID: status.modelID, error: status.error)
        case .inference(let tensor, _):
            do throws(InferenceError) {
                let modelID = try await model(for: peer)
                let result = try await vision.detect(
                    modelID: modelID, image: .tensor(tensor),
                    overrides: DetectionOverrides(maxDetections: FrigateReply.rowCount),
                    timeout: configuration.requestTimeout)
                guard let detections = result.detections else {
                    throw InferenceError(.unprocessable, .invalidRequest, "model '\(modelID)' is not an object detector")
                }
                return Answer(
                    kind: request.kind, frames: FrigateReply.detections(detections, width: tensor.width, height: tensor.height),
                    modelID: modelID)
            } catch {
                return Answer(
                    kind: request.kind, frames: FrigateReply.failure(error.message, code: error.code.rawValue),
                    modelID: RequestScope.current?.modelID, error: error)
            }
        }
    }

    /// The model the peer's handshake named; without one (a client that skipped it), the first
    /// ready detection model.
    func model(for peer: String) async throws(InferenceError) -> String {
        if let id = models.model(of: peer) { return id }
        for info in await vision.inference.registry.list() where info.state == .ready {
            if await vision.isDetector(info.record.modelID) { return info.record.modelID }
        }
        throw InferenceError(.unavailable, .modelNotFound, "no object detection model is loaded; send the model_request handshake first")
    }
}
