import Foundation
package import InferenceCore

/// `GET /v2/models[/{m}]/stats`: Triton's statistics shape, filled from the core's counters.
///
/// Durations are cumulative nanoseconds since the model was loaded. `inference_stats` counts
/// requests (every part of a succeeded request once: queue, compute input/infer/output), as
/// Triton does, so the three compute counts are always equal; `batch_stats` counts runs of the
/// model by batch size (a dynamic batch is one run). There is no response cache: `cache_hit` and
/// `cache_miss` are always zero.
package struct KServeModelStats: Encodable {
    var modelStats: [Model]

    enum CodingKeys: String, CodingKey { case modelStats = "model_stats" }

    package struct Model: Encodable {
        package var name: String
        package var version: String
        package var lastInference: Int64
        package var inferenceCount: Int
        package var executionCount: Int
        package var inferenceStats: InferenceStats
        var responseStats: [String: Duration] = [:]
        package var batchStats: [Batch]
        var memoryUsage: [String] = []

        enum CodingKeys: String, CodingKey {
            case name, version, lastInference = "last_inference", inferenceCount = "inference_count"
            case executionCount = "execution_count", inferenceStats = "inference_stats", responseStats = "response_stats"
            case batchStats = "batch_stats", memoryUsage = "memory_usage"
        }

        package init(_ info: ModelInfo) {
            let s = info.stats
            name = info.record.modelID
            version = KServeController.version
            lastInference = s.lastFinishedAt.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } ?? 0
            inferenceCount = s.inferences
            executionCount = s.executions.reduce(0) { $0 + $1.count }
            inferenceStats = InferenceStats(s)
            batchStats = s.executions.map(Batch.init)
        }
    }

    package struct InferenceStats: Encodable {
        package var success: Duration
        package var fail: Duration
        package var queue: Duration
        package var computeInput: Duration
        package var computeInfer: Duration
        package var computeOutput: Duration
        package var cacheHit = Duration(count: 0, ns: 0)
        package var cacheMiss = Duration(count: 0, ns: 0)

        enum CodingKeys: String, CodingKey {
            case success, fail, queue, computeInput = "compute_input", computeInfer = "compute_infer"
            case computeOutput = "compute_output", cacheHit = "cache_hit", cacheMiss = "cache_miss"
        }

        init(_ s: ModelStats.Snapshot) {
            success = Duration(count: s.succeeded, ns: s.succeededNanoseconds)
            fail = Duration(count: s.failed, ns: s.failedNanoseconds)
            queue = Duration(count: s.succeeded, ns: s.queueNanoseconds)
            computeInput = Duration(count: s.succeeded, ns: s.computeInputNanoseconds)
            computeInfer = Duration(count: s.succeeded, ns: s.inferenceNanoseconds)
            computeOutput = Duration(count: s.succeeded, ns: s.computeOutputNanoseconds)
        }
    }

    package struct Duration: Encodable {
        package var count: Int
        package var ns: Int64
    }

    package struct Batch: Encodable {
        package var batchSize: Int
        package var computeInput: Duration
        package var computeInfer: Duration
        package var computeOutput: Duration

        enum CodingKeys: String, CodingKey {
            case batchSize = "batch_size", computeInput = "compute_input", computeInfer = "compute_infer"
            case computeOutput = "compute_output"
        }

        init(_ e: ModelStats.Execution) {
            batchSize = e.batchSize
            computeInput = Duration(count: e.count, ns: e.inputNanoseconds)
            computeInfer = Duration(count: e.count, ns: e.inferenceNanoseconds)
            computeOutput = Duration(count: e.count, ns: e.outputNanoseconds)
        }
    }
}
