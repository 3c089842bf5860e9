import Foundation
import InferenceCore

/// `GET /v2/models[/{m}]/stats`: Triton's statistics shape, filled from the core's counters.
/// Every request is one inference and one execution (no batching of our own); durations are
/// cumulative nanoseconds since the model was loaded.
struct KServeModelStats: Encodable {
    var modelStats: [Model]

    enum CodingKeys: String, CodingKey { case modelStats = "model_stats" }

    struct Model: Encodable {
        var name: String
        var version: String
        var lastInference: Int64
        var inferenceCount: Int
        var executionCount: Int
        var inferenceStats: [String: Duration]
        var batchStats: [Batch]

        enum CodingKeys: String, CodingKey {
            case name, version, lastInference = "last_inference", inferenceCount = "inference_count"
            case executionCount = "execution_count", inferenceStats = "inference_stats", batchStats = "batch_stats"
        }

        init(_ info: ModelInfo) {
            let s = info.stats
            name = info.record.modelID
            version = KServeController.version
            lastInference = s.lastFinishedAt.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } ?? 0
            inferenceCount = s.succeeded
            executionCount = s.succeeded
            inferenceStats = [
                "success": Duration(count: s.succeeded, ns: s.succeededNanoseconds),
                "fail": Duration(count: s.failed, ns: s.failedNanoseconds),
                "queue": Duration(count: s.succeeded, ns: s.queueNanoseconds),
                "compute_infer": Duration(count: s.succeeded, ns: s.inferenceNanoseconds),
            ]
            batchStats = s.succeeded == 0 ? [] : [Batch(batchSize: 1, computeInfer: Duration(count: s.succeeded, ns: s.inferenceNanoseconds))]
        }
    }

    struct Duration: Encodable {
        var count: Int
        var ns: Int64
    }

    struct Batch: Encodable {
        var batchSize: Int
        var computeInfer: Duration
        enum CodingKeys: String, CodingKey { case batchSize = "batch_size", computeInfer = "compute_infer" }
    }
}
