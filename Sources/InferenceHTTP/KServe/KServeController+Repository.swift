import Foundation
import HTTPTypes
import Hummingbird
package import InferenceCore
import NIOCore

/// Triton's model repository extension over the models root (`ModelRepository` names the files)
/// and the registry (what is loaded).
extension KServeController {
    struct IndexEntry: Encodable {
        var name: String
        var version: String?
        var state: String
        var reason: String
    }

    struct IndexRequest: Decodable {
        var ready: Bool?
    }

    /// `POST /v2/repository/index`: the loaded models and the models root's files, with states.
    @Sendable func repositoryIndex(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: maxBodySize)
        let onlyReady = body.readableBytes == 0 ? false : (try JSONBody.decode(IndexRequest.self, from: body).ready ?? false)
        let loaded = await service.registry.list()
        var entries = loaded.map { info in
            IndexEntry(name: info.record.modelID, version: Self.version, state: Self.state(info.state), reason: info.error ?? "")
        }
        let ids = Set(loaded.map(\.record.modelID))
        for file in await repository().scan() where !ids.contains(file.name) {
            entries.append(IndexEntry(name: file.name, version: nil, state: "UNAVAILABLE", reason: "unloaded (\(file.path))"))
        }
        entries.sort { $0.name < $1.name }
        return try JSONBody.make(onlyReady ? entries.filter { $0.state == "READY" } : entries)
    }

    package static func state(_ state: ModelState) -> String {
        switch state {
        case .ready: "READY"
        case .loading: "LOADING"
        case .unloading: "UNLOADING"
        case .failed, .recovering: "UNAVAILABLE"
        }
    }

    func repository() async -> ModelRepository { ModelRepository(resolver: await service.registry.resolver) }

    struct LoadBody: Decodable {
        var parameters: KServeParameters?
    }

    /// `parameters.config`: the native load's options (model_id is the model's name).
    package struct LoadConfig: Decodable {
        package var modelPath: String?
        package var device: DeviceChoice?
        package var labels: [String]?
        package var options: ModelOptions?

        enum CodingKeys: String, CodingKey {
            case modelPath = "model_path", device, labels, options
        }
    }

    /// `POST /v2/repository/models/{m}/load`: loads `m` from the models root (or the file named
    /// by `config.model_path`, or a model file sent as a `file:` parameter) under the id `m`.
    @Sendable func load(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try context.parameters.require("model")
        let body = try await request.body.collect(upTo: maxBodySize)
        let parameters = body.readableBytes == 0 ? [:] : (try JSONBody.decode(LoadBody.self, from: body).parameters ?? [:])
        let config = try Self.config(parameters["config"])
        let source: LoadRequest.Source
        if let upload = try Self.uploadedFile(parameters, name: name) {
            source = upload
        } else if let path = config.modelPath {
            source = .path(path)
        } else {
            source = .path(try await repository().path(for: name))
        }
        let loadRequest = LoadRequest(
            source: source, modelID: name, device: config.device ?? .auto,
            labels: config.labels, options: config.options ?? .init())
        let (info, _) = try await service.registry.load(loadRequest)
        return try JSONBody.make(IndexEntry(name: name, version: Self.version, state: Self.state(info.state), reason: ""))
    }

    static func config(_ parameter: KServeParameter?) throws -> LoadConfig {
        guard let parameter else { return LoadConfig() }
        guard let text = parameter.stringValue else {
            throw APIError.badRequest("parameters.config must be a JSON object in a string")
        }
        do {
            return try JSONDecoder().decode(LoadConfig.self, from: Data(text.utf8))
        } catch let error as InferenceError {
            throw error  // an option out of range, named with its range
        } catch {
            throw APIError.badRequest("parameters.config is not valid: \(error)", code: "invalid_json")
        }
    }

    /// A model file sent as `"file:<path>": "<base64>"` (tritonclient's `files`); its extension
    /// says its format.
    static func uploadedFile(_ parameters: KServeParameters, name: String) throws -> LoadRequest.Source? {
        let files = parameters.filter { $0.key.hasPrefix("file:") }
        guard !files.isEmpty else { return nil }
        let models = files.filter { ModelFormat(fileName: $0.key) != nil }
        guard models.count == 1, let file = models.first else {
            throw APIError.badRequest("send exactly one model file (.onnx or .hef) as a 'file:' parameter; got \(models.count)")
        }
        guard let text = file.value.stringValue, let bytes = Data(base64Encoded: text) else {
            throw APIError.badRequest("parameter '\(file.key)' must be the file's bytes in base64", code: "invalid_base64")
        }
        let format = ModelFormat(fileName: file.key)!
        return .upload(bytes: [UInt8](bytes), fileName: "\(name).\(format.rawValue)")
    }

    /// `POST /v2/repository/models/{m}/unload`.
    @Sendable func unload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try context.parameters.require("model")
        _ = try await request.body.collect(upTo: maxBodySize)
        try await service.registry.unload(name)
        return try JSONBody.make(IndexEntry(name: name, version: Self.version, state: "UNAVAILABLE", reason: "unloaded"))
    }
}
