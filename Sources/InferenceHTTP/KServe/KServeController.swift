import Foundation
import HTTPTypes
import Hummingbird
import InferenceCore
import InferenceVision

/// The KServe v2 / Open Inference Protocol REST API under `/v2`, with Triton's binary tensor
/// data, model repository, configuration and statistics extensions: a thin adapter over the same
/// registry and inference service as the native API. Every model has the single version `1`.
package struct KServeController {
    let service: InferenceService
    /// Images as BYTES tensors go through the same pipeline as the native and DeepStack routes.
    let vision: VisionService
    let maxBodySize: Int

    package static let version = "1"
    package static let serverName = ServiceIdentity.name
    package static let serverVersion = ServiceIdentity.version
    package static let extensions = ["binary_tensor_data", "model_repository", "model_configuration", "statistics"]

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/v2", use: serverMetadata)
        router.get("/v2/health/live", use: live)
        router.get("/v2/health/ready", use: ready)
        router.get("/v2/models/stats", use: allStats)
        for prefix in ["/v2/models/{model}", "/v2/models/{model}/versions/{version}"] {
            router.get(RouterPath(prefix), use: modelMetadata)
            router.get(RouterPath(prefix + "/ready"), use: modelReady)
            router.get(RouterPath(prefix + "/config"), use: modelConfig)
            router.get(RouterPath(prefix + "/stats"), use: modelStats)
            router.post(RouterPath(prefix + "/infer"), use: infer)
        }
        router.post("/v2/repository/index", use: repositoryIndex)
        router.post("/v2/repository/models/{model}/load", use: load)
        router.post("/v2/repository/models/{model}/unload", use: unload)
    }

    // MARK: Server

    @Sendable func serverMetadata(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONBody.make(KServeServerMetadata(name: Self.serverName, version: Self.serverVersion, extensions: Self.extensions))
    }

    @Sendable func live(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONBody.make(["live": true])
    }

    /// Ready when a backend can serve and every model to load at start (`--config`, `--preload`)
    /// is ready on an available device; `waiting_for` says what is missing.
    @Sendable func ready(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Body: Encodable {
            var ready: Bool
            var waitingFor: [String]
            enum CodingKeys: String, CodingKey { case ready, waitingFor = "waiting_for" }
        }
        let readiness = await service.readiness()
        return try JSONBody.make(
            Body(ready: readiness.ready, waitingFor: readiness.waitingFor),
            status: readiness.ready ? .ok : .serviceUnavailable)
    }

    // MARK: Models

    /// The model a route names, after checking its version.
    func model(_ context: AppRequestContext) async throws -> ModelInfo {
        let name = try context.parameters.require("model")
        if let version = context.parameters.get("version"), version != Self.version {
            throw APIError(
                .notFound, "version_not_found", "model '\(name)' has no version '\(version)': its only version is \(Self.version)")
        }
        // `info` fails only for an id that is not loaded.
        guard let info = try? await service.registry.info(name) else {
            throw InferenceError(
                .notFound, .modelNotFound,
                "model '\(name)' is not loaded: load it with POST /v2/repository/models/\(name)/load (POST /v2/repository/index lists the models)"
            )
        }
        return info
    }

    /// The signature of a ready model; 503 while it is loading or when it failed.
    func signature(_ info: ModelInfo) throws -> ModelSignature {
        guard info.state == .ready, let signature = info.signature else {
            throw InferenceError(
                .unavailable, .modelNotReady,
                "model '\(info.record.modelID)' is not ready: it is \(info.state.rawValue)\(info.error.map { " (\($0))" } ?? "")")
        }
        return signature
    }

    @Sendable func modelMetadata(_ request: Request, context: AppRequestContext) async throws -> Response {
        let info = try await model(context)
        return try JSONBody.make(KServeModelMetadata(info, signature: try signature(info)))
    }

    @Sendable func modelReady(_ request: Request, context: AppRequestContext) async throws -> Response {
        let info = try await model(context)
        _ = try signature(info)
        struct Ready: Encodable {
            var name: String
            var ready: Bool
        }
        return try JSONBody.make(Ready(name: info.record.modelID, ready: true))
    }

    @Sendable func modelConfig(_ request: Request, context: AppRequestContext) async throws -> Response {
        let info = try await model(context)
        return try JSONBody.make(KServeModelConfig(info, signature: try signature(info)))
    }

    @Sendable func modelStats(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONBody.make(KServeModelStats(modelStats: [.init(try await model(context))]))
    }

    @Sendable func allStats(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONBody.make(KServeModelStats(modelStats: await service.registry.list().map(KServeModelStats.Model.init)))
    }
}
