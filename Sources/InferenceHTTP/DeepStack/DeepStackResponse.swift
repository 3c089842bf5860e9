import Foundation
import HTTPTypes
import Hummingbird
import InferenceCore
import InferenceVision
import NIOCore

/// DeepStack / CodeProject.AI answers: `{"success": true, "predictions": [...], "count",
/// "inferenceMs", "processMs"}` with integer pixel coordinates, best first.
struct DeepStackResponse: Encodable {
    var success = true
    var predictions: [Prediction]
    var count: Int
    var inferenceMs: Int
    var processMs: Int

    struct Prediction: Encodable {
        var label: String
        var confidence: Double
        var xMin: Int, yMin: Int, xMax: Int, yMax: Int

        enum CodingKeys: String, CodingKey {
            case label, confidence, xMin = "x_min", yMin = "y_min", xMax = "x_max", yMax = "y_max"
        }
    }

    /// `limit` nil or 0: every prediction.
    init(_ result: DetectionResult, minConfidence: Double, limit: Int?) {
        var detections = (result.detections ?? []).filter { $0.score >= minConfidence }.sorted { $0.score > $1.score }
        if let limit, limit > 0, detections.count > limit { detections.removeLast(detections.count - limit) }
        predictions = detections.map { d in
            Prediction(
                label: d.label, confidence: (d.score * 10_000).rounded() / 10_000,
                xMin: Int(d.box.xMin.rounded()), yMin: Int(d.box.yMin.rounded()),
                xMax: Int(d.box.xMax.rounded()), yMax: Int(d.box.yMax.rounded()))
        }
        count = predictions.count
        inferenceMs = Int(result.timing.inference.milliseconds.rounded())
        processMs = Int(result.timing.total.milliseconds.rounded())
    }
}
