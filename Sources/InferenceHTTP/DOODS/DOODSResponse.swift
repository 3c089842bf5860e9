import Foundation
import InferenceCore
import InferenceVision

/// DOODS2's answers. Absent values are left out, as DOODS2 does: Home Assistant takes any
/// `error` key, even a null one, for a failure.
enum DOODSResponse {
    /// `GET /detectors`: every loaded detection model.
    struct Detectors: Encodable {
        var detectors: [Detector]
    }

    struct Detector: Encodable {
        /// The model id, which `detector_name` names.
        var name: String
        /// The model's format: `onnx` or `hef`.
        var type: String
        /// The model file, relative to the models directory.
        var model: String
        var labels: [String]
        /// The model's input size in pixels.
        var width: Int
        var height: Int

        init(_ view: VisionService.ModelView) {
            name = view.info.record.modelID
            type = view.info.record.format.rawValue
            model = view.info.record.source
            labels = VisionService.classNames(view)
            width = view.input.width
            height = view.input.height
        }
    }

    /// A box as fractions of the image's height (`top`, `bottom`) and width (`left`, `right`).
    struct Box {
        var top, left, bottom, right: Double

        init(_ box: InferenceVision.Box, width: Int, height: Int) {
            func fraction(_ value: Double, _ side: Int) -> Double {
                (min(max(value / Double(max(side, 1)), 0), 1) * 1_000_000).rounded() / 1_000_000
            }
            top = fraction(box.yMin, height)
            left = fraction(box.xMin, width)
            bottom = fraction(box.yMax, height)
            right = fraction(box.xMax, width)
        }
    }

    struct Detection: Encodable {
        var regionID: String?
        var top, left, bottom, right: Double
        var label: String
        /// In percent.
        var confidence: Double

        enum CodingKeys: String, CodingKey { case regionID = "region_id", top, left, bottom, right, label, confidence }

        init(label: String, confidence: Double, box: Box, regionID: String?) {
            self.regionID = regionID
            (top, left, bottom, right) = (box.top, box.left, box.bottom, box.right)
            self.label = label
            self.confidence = confidence
        }
    }

    /// `POST /detect`: the detections kept, best first; the annotated JPEG, base64, if asked for.
    struct Detect: Encodable {
        var id: String?
        var image: String?
        var detections: [Detection]
        /// Milliseconds the detection took.
        var duration: Int
    }
}
