import Foundation
import HTTPTypes
import Hummingbird
import InferenceCore
import InferenceVision
import NIOCore

/// `/models`: load (from the models root or uploaded), list, unload.
struct ModelsController {
    let service: InferenceService
    let maxBodySize: Int

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.post("/models/load", use: load)
        router.get("/models", use: list)
        router.get("/models/{model_id}", use: get)
        router.delete("/models/{model_id}", use: unload)
        router.get("/model-files", use: files)
    }

    /// The model files of the models directory (`NAME.onnx|hef`, `NAME/model.*`, `NAME/1/model.*`),
    /// with the ids of the loaded models that came from each: what `POST /models/load` can take.
    @Sendable func files(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct File: Encodable {
            var name: String
            var path: String
            var format: String
            var loaded: [String]
        }
        let found = await ModelRepository(resolver: await service.registry.resolver).scan()
        let models = await service.registry.list()
        let files = found.map { entry in
            File(
                name: entry.name, path: entry.path, format: ModelFormat(fileName: entry.path)?.rawValue ?? "",
                loaded: models.filter { !$0.record.uploaded && $0.record.source == entry.path }.map(\.record.modelID))
        }
        return try JSONBody.make(["files": files])
    }

    @Sendable func load(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: maxBodySize)
        let loadRequest: LoadRequest
        switch MediaKind(request, body: body) {
        case .json:
            loadRequest = try await JSONBody.decode(LoadBody.self, from: body).loadRequest(resolver: service.registry.resolver)
        case .multipart(let boundary):
            loadRequest = try Self.uploadRequest(MultipartForm(body: Array(buffer: body), boundary: boundary))
        case .octetStream:
            let query = request.uri.queryParameters
            guard let id = query["model_id"].map(String.init), !id.isEmpty else {
                throw APIError.badRequest("an application/octet-stream upload needs the 'model_id' query parameter")
            }
            let format = query["format"].map(String.init) ?? "onnx"
            loadRequest = LoadRequest(
                source: .upload(bytes: Array(buffer: body), fileName: "\(id).\(format)"), modelID: id,
                device: try Self.device(query["device"].map(String.init)))
        case .other, .image:
            throw MediaKind.unsupported(
                request.headers[.contentType] ?? "", expected: "application/json, multipart/form-data or application/octet-stream")
        }
        try VisionOptions.validate(loadRequest.options)
        let (info, created) = try await service.registry.load(loadRequest)
        return try JSONBody.make(ModelResponse(info), status: created ? .created : .ok)
    }

    static func uploadRequest(_ form: MultipartForm) throws -> LoadRequest {
        guard let file = form.part("file") ?? form.part("model") else {
            throw APIError.badRequest("the multipart form needs a 'file' part holding the model")
        }
        let labels = try form.text("labels").map { text in
            do {
                return try JSONDecoder().decode([String].self, from: Data(text.utf8))
            } catch {
                throw APIError.badRequest("the 'labels' part must be a JSON list of strings")
            }
        }
        let options = try form.text("options").map { text in
            do {
                return try JSONDecoder().decode(ModelOptions.self, from: Data(text.utf8))
            } catch let error as InferenceError {
                throw error  // an option out of range, named with its range
            } catch {
                throw APIError.badRequest("the 'options' part must be a JSON object: \(error)")
            }
        }
        return LoadRequest(
            source: .upload(bytes: Array(file.body), fileName: file.fileName ?? "\(form.text("model_id") ?? "model").onnx"),
            modelID: form.text("model_id"), device: try device(form.text("device")), labels: labels, options: options ?? .init())
    }

    static func device(_ text: String?) throws -> DeviceChoice {
        guard let text else { return .auto }
        guard let choice = DeviceChoice(rawValue: text) else {
            throw APIError.badRequest("device '\(text)' is not one of auto, cpu, hailo")
        }
        return choice
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONBody.make(ModelListResponse(models: await service.registry.list().map(ModelResponse.init)))
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("model_id")
        return try JSONBody.make(ModelResponse(try await service.registry.info(id)))
    }

    @Sendable func unload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("model_id")
        try await service.registry.unload(id)
        return try JSONBody.make(["model_id": id, "state": "unloaded"])
    }
}
