import Foundation
import InferenceCore
import InferenceVision

/// The native answer to an image request.
struct DetectionResponse: Encodable {
    var modelID: String
    var image: ImageSize
    var detections: [DetectionItem]?
    var outputs: [TensorResponse]?
    var timing: Timing

    struct ImageSize: Encodable {
        var width: Int
        var height: Int
    }

    struct DetectionItem: Encodable {
        var label: String
        var classID: Int
        var score: Double
        var box: BoxItem

        enum CodingKeys: String, CodingKey { case label, classID = "class_id", score, box }
    }

    struct BoxItem: Encodable {
        var xMin: Double, yMin: Double, xMax: Double, yMax: Double

        enum CodingKeys: String, CodingKey { case xMin = "x_min", yMin = "y_min", xMax = "x_max", yMax = "y_max" }
    }

    struct Timing: Encodable {
        var decodeMs, preprocessMs, queueMs, inferenceMs, postprocessMs, totalMs: Double

        enum CodingKeys: String, CodingKey {
            case decodeMs = "decode_ms", preprocessMs = "preprocess_ms", queueMs = "queue_ms"
            case inferenceMs = "inference_ms", postprocessMs = "postprocess_ms", totalMs = "total_ms"
        }
    }

    enum CodingKeys: String, CodingKey {
        case modelID = "model_id", image, detections, outputs, timing
    }

    init(_ result: DetectionResult, includeOutputs: Bool, format: OutputFormat) {
        modelID = result.modelID
        image = ImageSize(width: result.imageWidth, height: result.imageHeight)
        detections = result.detections?.map { d in
            func r(_ v: Double) -> Double { (v * 100).rounded() / 100 }
            return DetectionItem(
                label: d.label, classID: d.classID, score: (d.score * 10_000).rounded() / 10_000,
                box: BoxItem(xMin: r(d.box.xMin), yMin: r(d.box.yMin), xMax: r(d.box.xMax), yMax: r(d.box.yMax)))
        }
        outputs = includeOutputs || result.detections == nil ? result.outputs.map { TensorResponse($0, format: format) } : nil
        let t = result.timing
        timing = Timing(
            decodeMs: Self.ms(t.decode), preprocessMs: Self.ms(t.preprocess), queueMs: Self.ms(t.queue),
            inferenceMs: Self.ms(t.inference), postprocessMs: Self.ms(t.postprocess), totalMs: Self.ms(t.total))
    }

    static func ms(_ d: Duration) -> Double { (d.milliseconds * 1000).rounded() / 1000 }
}
