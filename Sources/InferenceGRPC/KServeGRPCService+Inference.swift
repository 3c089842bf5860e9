import Foundation
import GRPCCore
import InferenceCore
import InferenceHTTP
import InferenceVision
import Logging
import SwiftProtobuf

extension KServeGRPCService {
    func modelInfer(request: Inference_ModelInferRequest, context: ServerContext) async throws -> Inference_ModelInferResponse {
        try await infer(request, metadata: context)
    }

    /// Triton's streaming infer: the requests of the stream run concurrently (several in flight),
    /// each answer written as it is ready; a failed request is answered with its `error_message`
    /// and the stream goes on.
    func modelStreamInfer(
        request: RPCAsyncSequence<Inference_ModelInferRequest, any Error>,
        response: RPCWriter<Inference_ModelStreamInferResponse>,
        context: ServerContext
    ) async throws {
        let (answers, sink) = AsyncStream<Inference_ModelStreamInferResponse>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await answer in answers { try await response.write(answer) }
            }
            await withDiscardingTaskGroup { running in
                do {
                    for try await message in request {
                        running.addTask {
                            do {
                                let answer = try await infer(message, metadata: context)
                                sink.yield(.with { $0.inferResponse = answer })
                            } catch let error as RPCError {
                                sink.yield(.with { $0.errorMessage = error.message })
                            } catch {
                                sink.yield(.with { $0.errorMessage = "\(error)" })
                            }
                        }
                    }
                } catch {
                    logger.debug("gRPC stream ended", metadata: ["error": "\(error)"])
                }
            }
            sink.finish()
            try await group.waitForAll()
        }
    }

    /// One infer request: the core request from raw or typed contents, its answer with raw
    /// contents (as Triton answers).
    func infer(_ request: Inference_ModelInferRequest, metadata context: ServerContext) async throws -> Inference_ModelInferResponse {
        let info = try await model(request.modelName, version: request.modelVersion)
        let result: InferenceResult
        if await GRPCImages.applies(to: request, modelID: info.record.modelID, vision: vision), let vision {
            result = try await GRPCImages.detect(request, modelID: info.record.modelID, vision: vision)
        } else {
            let core = try GRPCTensors.request(request, modelID: info.record.modelID)
            result = try await mapped { try await service.infer(core) }
        }
        return .with {
            $0.modelName = result.modelID
            $0.modelVersion = KServeController.version
            $0.id = request.id
            $0.outputs = result.outputs.map { tensor in
                .with {
                    $0.name = tensor.name
                    $0.datatype = KServeDatatype.name(of: tensor.dtype)
                    $0.shape = tensor.shape.map(Int64.init)
                }
            }
            $0.rawOutputContents = result.outputs.map { Data($0.data) }
        }
    }
}
