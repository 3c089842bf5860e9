import Foundation
import GRPCCore
import InferenceCore
import InferenceHTTP
import InferenceVision
import Logging
import SwiftProtobuf

/// `inference.GRPCInferenceService`, the KServe v2 gRPC API as Triton serves it: a thin adapter
/// over the same registry and inference service as the REST API under `/v2` (the same model
/// metadata, configuration and statistics types), with gRPC's statuses for the core's errors.
/// Every model has the single version `1`.
struct KServeGRPCService: Inference_GRPCInferenceService.SimpleServiceProtocol {
    let service: InferenceService
    /// Images as BYTES to detection models; nil: BYTES inputs are refused.
    let vision: VisionService?
    let logger: Logger

    // MARK: Health and metadata

    func serverLive(request: Inference_ServerLiveRequest, context: ServerContext) async throws -> Inference_ServerLiveResponse {
        .with { $0.live = true }
    }

    func serverReady(request: Inference_ServerReadyRequest, context: ServerContext) async throws -> Inference_ServerReadyResponse {
        .with { $0.ready = service.isServing }
    }

    func serverMetadata(request: Inference_ServerMetadataRequest, context: ServerContext) async throws -> Inference_ServerMetadataResponse {
        .with {
            $0.name = KServeController.serverName
            $0.version = KServeController.serverVersion
            $0.extensions = KServeController.extensions
        }
    }

    func modelReady(request: Inference_ModelReadyRequest, context: ServerContext) async throws -> Inference_ModelReadyResponse {
        let info = try? await model(request.name, version: request.version)
        return .with { $0.ready = info?.state == .ready && info?.signature != nil }
    }

    func modelMetadata(request: Inference_ModelMetadataRequest, context: ServerContext) async throws -> Inference_ModelMetadataResponse {
        let info = try await model(request.name, version: request.version)
        let signature = try ready(info)
        func tensor(_ spec: TensorSpec) -> Inference_ModelMetadataResponse.TensorMetadata {
            .with {
                $0.name = spec.name
                $0.datatype = KServeDatatype.name(of: spec.dtype)
                $0.shape = spec.shape.map(Int64.init)
            }
        }
        return .with {
            $0.name = info.record.modelID
            $0.versions = [KServeController.version]
            $0.platform = KServeModelMetadata.platform(of: info.record.format)
            $0.inputs = signature.inputs.map(tensor)
            $0.outputs = signature.outputs.map(tensor)
        }
    }

    func modelConfig(request: Inference_ModelConfigRequest, context: ServerContext) async throws -> Inference_ModelConfigResponse {
        let info = try await model(request.name, version: request.version)
        let config = KServeModelConfig(info, signature: try ready(info))
        func type(_ name: String) -> Inference_DataType {
            ElementType.allCases.first { KServeDatatype.configName(of: $0) == name }
                .flatMap { Inference_DataType(rawValue: Self.dataTypeNumbers[$0] ?? 0) } ?? .typeInvalid
        }
        return .with {
            $0.config = .with { c in
                c.name = config.name
                c.platform = config.platform
                c.backend = config.backend
                c.maxBatchSize = Int32(config.maxBatchSize)
                c.input = config.input.map { t in
                    .with {
                        $0.name = t.name; $0.dataType = type(t.dataType); $0.dims = t.dims.map(Int64.init)
                    }
                }
                c.output = config.output.map { t in
                    .with {
                        $0.name = t.name; $0.dataType = type(t.dataType); $0.dims = t.dims.map(Int64.init)
                    }
                }
                c.parameters = config.parameters.mapValues { v in .with { $0.stringValue = v.stringValue } }
            }
        }
    }

    /// Triton's `DataType` numbers.
    static let dataTypeNumbers: [ElementType: Int] = [
        .bool: 1, .uint8: 2, .uint16: 3, .uint32: 4, .uint64: 5, .int8: 6, .int16: 7, .int32: 8, .int64: 9,
        .float16: 10, .float32: 11, .float64: 12, .bfloat16: 14,
    ]

    func modelStatistics(request: Inference_ModelStatisticsRequest, context: ServerContext) async throws
        -> Inference_ModelStatisticsResponse
    {
        let models =
            request.name.isEmpty
            ? await service.registry.list()
            : [try await model(request.name, version: request.version)]
        func duration(_ d: KServeModelStats.Duration) -> Inference_StatisticDuration {
            .with {
                $0.count = UInt64(d.count); $0.ns = UInt64(max(0, d.ns))
            }
        }
        return .with {
            $0.modelStats = models.map(KServeModelStats.Model.init).map { m in
                .with {
                    $0.name = m.name
                    $0.version = m.version
                    $0.lastInference = UInt64(max(0, m.lastInference))
                    $0.inferenceCount = UInt64(m.inferenceCount)
                    $0.executionCount = UInt64(m.executionCount)
                    let s = m.inferenceStats
                    $0.inferenceStats = .with {
                        $0.success = duration(s.success)
                        $0.fail = duration(s.fail)
                        $0.queue = duration(s.queue)
                        $0.computeInput = duration(s.computeInput)
                        $0.computeInfer = duration(s.computeInfer)
                        $0.computeOutput = duration(s.computeOutput)
                        $0.cacheHit = duration(s.cacheHit)
                        $0.cacheMiss = duration(s.cacheMiss)
                    }
                    $0.batchStats = m.batchStats.map { b in
                        .with {
                            $0.batchSize = UInt64(b.batchSize)
                            $0.computeInput = duration(b.computeInput)
                            $0.computeInfer = duration(b.computeInfer)
                            $0.computeOutput = duration(b.computeOutput)
                        }
                    }
                }
            }
        }
    }

    // MARK: Repository

    func repositoryIndex(request: Inference_RepositoryIndexRequest, context: ServerContext) async throws
        -> Inference_RepositoryIndexResponse
    {
        let loaded = await service.registry.list()
        var models = loaded.map { info in
            Inference_RepositoryIndexResponse.ModelIndex.with {
                $0.name = info.record.modelID
                $0.version = KServeController.version
                $0.state = KServeController.state(info.state)
                $0.reason = info.error ?? ""
            }
        }
        let ids = Set(loaded.map(\.record.modelID))
        for file in await ModelRepository(resolver: service.registry.resolver).scan() where !ids.contains(file.name) {
            models.append(
                .with {
                    $0.name = file.name
                    $0.state = "UNAVAILABLE"
                    $0.reason = "unloaded (\(file.path))"
                })
        }
        models.sort { $0.name < $1.name }
        return .with { $0.models = request.ready ? models.filter { $0.state == "READY" } : models }
    }

    func repositoryModelLoad(request: Inference_RepositoryModelLoadRequest, context: ServerContext) async throws
        -> Inference_RepositoryModelLoadResponse
    {
        var config: KServeController.LoadConfig?
        if let parameter = request.parameters["config"] {
            guard case .stringParam(let text)? = parameter.parameterChoice else {
                throw RPCError.invalidArgument("parameter 'config' must be a JSON object in a string")
            }
            do {
                config = try JSONDecoder().decode(KServeController.LoadConfig.self, from: Data(text.utf8))
            } catch let error as InferenceError {
                throw RPCError(error)
            } catch {
                throw RPCError.invalidArgument("parameter 'config' is not valid: \(error)")
            }
        }
        try await mapped {
            let source: LoadRequest.Source
            if let path = config?.modelPath {
                source = .path(path)
            } else {
                source = .path(try await ModelRepository(resolver: service.registry.resolver).path(for: request.modelName))
            }
            _ = try await service.registry.load(
                LoadRequest(
                    source: source, modelID: request.modelName, device: config?.device ?? .auto, labels: config?.labels,
                    options: config?.options ?? .init()))
        }
        return .init()
    }

    func repositoryModelUnload(request: Inference_RepositoryModelUnloadRequest, context: ServerContext) async throws
        -> Inference_RepositoryModelUnloadResponse
    {
        try await mapped { try await service.registry.unload(request.modelName) }
        return .init()
    }

    // MARK: Helpers

    /// The model an RPC names, after checking its version (empty: the latest, `1`).
    func model(_ name: String, version: String) async throws -> ModelInfo {
        guard version.isEmpty || version == KServeController.version else {
            throw RPCError(
                code: .notFound, message: "model '\(name)' has no version '\(version)': its only version is \(KServeController.version)")
        }
        guard let info = try? await service.registry.info(name) else {
            throw RPCError(
                code: .notFound,
                message: "model '\(name)' is not loaded: load it with RepositoryModelLoad (RepositoryIndex lists the models)")
        }
        return info
    }

    /// The signature of a ready model; UNAVAILABLE while it is loading or when it failed.
    func ready(_ info: ModelInfo) throws -> ModelSignature {
        guard info.state == .ready, let signature = info.signature else {
            throw RPCError(
                code: .unavailable,
                message: "model '\(info.record.modelID)' is not ready: it is \(info.state.rawValue)\(info.error.map { " (\($0))" } ?? "")")
        }
        return signature
    }
}
