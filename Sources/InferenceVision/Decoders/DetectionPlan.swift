public import InferenceCore

/// Which decoder a model's outputs need and how many classes it has, from the load option
/// `postprocess` or, for `auto`, from the output signature.
public struct DetectionPlan: Sendable, Equatable {
    public var postprocess: Postprocess
    public var outputName: String
    public var classCount: Int?
    /// YOLOv8 only: the output is `[1, N, 4+C]` rather than `[1, 4+C, N]`.
    public var transposed = false

    /// nil when the model is not a detector (`postprocess: none`, or `auto` found no known head).
    public init?(signature: ModelSignature, options: ModelOptions) throws(InferenceError) {
        let requested: Postprocess
        if let name = options.postprocess {
            guard let parsed = Postprocess(rawValue: name.lowercased()) else {
                throw InputPlan.invalid(
                    "options.postprocess must be one of \(Postprocess.allCases.map(\.rawValue).joined(separator: ", ")), not '\(name)'")
            }
            requested = parsed
        } else {
            requested = .auto
        }
        if requested == .none { return nil }
        if let nmsOutput = signature.metadata[HailoNMSDecoder.outputKey], requested == .auto || requested == .hailoNMS {
            postprocess = .hailoNMS
            outputName = nmsOutput
            classCount = signature.metadata[HailoNMSDecoder.classesKey].flatMap { Int($0) }
            return
        }
        guard let output = signature.outputs.first(where: { $0.shape.count == 3 && [.float32, .float16, .float64].contains($0.dtype) })
        else {
            if requested == .auto { return nil }
            throw InputPlan.invalid("options.postprocess is '\(requested.rawValue)' but no output is a float [1, a, b] tensor")
        }
        outputName = output.name
        let a = output.shape[1], b = output.shape[2]
        switch requested {
        case .auto:
            if a > 4, b < 0 || a < b {
                postprocess = .yolov8
                classCount = a - 4
            } else if b > 5, a < 0 || a > b {
                postprocess = .yolov5
                classCount = b - 5
            } else {
                return nil
            }
        case .yolov8:
            postprocess = .yolov8
            transposed = a < 0 || (b > 0 && a > b)
            classCount = transposed ? (b > 4 ? b - 4 : nil) : a - 4
        case .yolov5, .yolox:
            postprocess = requested
            classCount = b > 5 ? b - 5 : nil
        case .hailoNMS:
            throw InputPlan.invalid("options.postprocess is 'hailo_nms' but the model has no Hailo NMS output")
        case .none:
            return nil
        }
    }

    /// Candidates in input pixels, before NMS.
    func decode(
        _ outputs: [Tensor], input: (width: Int, height: Int), signature: ModelSignature,
        parameters: DetectionParameters
    ) throws(InferenceError) -> [Detection] {
        guard let output = outputs.first(where: { $0.name == outputName }) else {
            throw InferenceError(.internal, .inferenceFailed, "the model did not return output '\(outputName)'")
        }
        switch postprocess {
        case .yolov8:
            return NonMaxSuppression.apply(
                try YOLOv8Decoder.candidates(output, transposed: transposed, parameters: parameters),
                iouThreshold: parameters.iouThreshold, maxDetections: parameters.maxDetections)
        case .yolov5, .yolox:
            let candidates = try YOLOv5Decoder.candidates(output, parameters: parameters, gridFor: postprocess == .yolox ? input : nil)
            return NonMaxSuppression.apply(candidates, iouThreshold: parameters.iouThreshold, maxDetections: parameters.maxDetections)
        case .hailoNMS:
            guard let classes = classCount, let maxBoxes = signature.metadata[HailoNMSDecoder.maxBoxesKey].flatMap({ Int($0) }) else {
                throw InferenceError(.internal, .inferenceFailed, "the Hailo NMS output lacks its class count or box limit")
            }
            return try HailoNMSDecoder.decode(
                try output.floats(), classes: classes, maxBoxesPerClass: maxBoxes,
                inputWidth: input.width, inputHeight: input.height, parameters: parameters)
        case .auto, .none:
            return []
        }
    }
}
