import Foundation
import GRPCCore
import InferenceCore
import InferenceHTTP
import InferenceVision
import SwiftProtobuf

/// Images as one BYTES input to a detection model, as over REST (`KServeImages`): each element
/// an encoded JPEG or PNG, answered with `detection_boxes`, `detection_scores`,
/// `detection_classes` and `num_detections`; `score_threshold`, `iou_threshold` and
/// `max_detections` request parameters tune the decoding.
enum GRPCImages {
    /// Whether `request` is images for `modelID`: its only input is BYTES and the model detects.
    static func applies(to request: Inference_ModelInferRequest, modelID: String, vision: VisionService?) async -> Bool {
        guard let vision, request.inputs.count == 1, request.inputs[0].datatype == "BYTES" else { return false }
        return await vision.isDetector(modelID)
    }

    static func detect(_ request: Inference_ModelInferRequest, modelID: String, vision: VisionService) async throws -> InferenceResult {
        let input = request.inputs[0]
        let images: [[UInt8]]
        if let raw = request.rawInputContents.first {
            images = try await mapped { try BytesTensor.elements(binary: [UInt8](raw)[...], input: input.name) }
        } else {
            images = input.contents.bytesContents.map { [UInt8]($0) }
        }
        guard input.shape.count == 1, input.shape[0] == Int64(images.count) else {
            throw RPCError.invalidArgument(
                "BYTES input '\(input.name)' has \(images.count) elements but shape \(input.shape): give [\(images.count)]")
        }
        let overrides = DetectionOverrides(
            scoreThreshold: try fraction(request, "score_threshold"), iouThreshold: try fraction(request, "iou_threshold"),
            maxDetections: try maxDetections(request))
        let timeout = try GRPCTensors.timeout(request)
        return try await mapped {
            try await KServeImages.detect(
                images, overrides: overrides, outputs: request.outputs.map(\.name), modelID: modelID, vision: vision, timeout: timeout)
        }
    }

    static func fraction(_ request: Inference_ModelInferRequest, _ name: String) throws -> Double? {
        guard let parameter = request.parameters[name] else { return nil }
        let value: Double? =
            switch parameter.parameterChoice {
            case .doubleParam(let v)?: v
            case .int64Param(let v)?: Double(v)
            default: nil
            }
        let range = RequestLimits.fraction
        guard let value, range.contains(value) else {
            throw RPCError.invalidArgument(
                "parameter '\(name)' must be a number from \(String(format: "%g", range.lowerBound)) to \(String(format: "%g", range.upperBound))"
            )
        }
        return value
    }

    static func maxDetections(_ request: Inference_ModelInferRequest) throws -> Int? {
        guard let parameter = request.parameters["max_detections"] else { return nil }
        let range = RequestLimits.maxDetections
        guard case .int64Param(let value)? = parameter.parameterChoice, range.contains(Int(value)) else {
            throw RPCError.invalidArgument("parameter 'max_detections' must be an int64 from \(range.lowerBound) to \(range.upperBound)")
        }
        return Int(value)
    }
}
