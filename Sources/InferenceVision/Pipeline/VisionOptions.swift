public import InferenceCore

/// Checks the image options of a load request before the model is loaded, so that a typo is a
/// clear 422 at load time rather than at the first image.
public enum VisionOptions {
    public static func validate(_ options: ModelOptions) throws(InferenceError) {
        if let name = options.postprocess, Postprocess(rawValue: name.lowercased()) == nil {
            throw InputPlan.invalid(
                "options.postprocess must be one of \(Postprocess.allCases.map(\.rawValue).joined(separator: ", ")), not '\(name)'")
        }
        if let name = options.inputLayout, InputPlan.Layout(rawValue: name.lowercased()) == nil {
            throw InputPlan.invalid("options.input_layout must be 'nchw' or 'nhwc', not '\(name)'")
        }
        if let name = options.inputDtype, ElementType(name: name).map({ [.uint8, .float32, .float16].contains($0) }) != true {
            throw InputPlan.invalid("options.input_dtype must be uint8, float32 or float16, not '\(name)'")
        }
        if let name = options.resize, ResizeMode(rawValue: name.lowercased()) == nil {
            throw InputPlan.invalid("options.resize must be 'letterbox' or 'stretch', not '\(name)'")
        }
        _ = try InputPlan.perChannel(options.mean, name: "mean", default: 0)
        let std = try InputPlan.perChannel(options.std, name: "std", default: 1)
        guard !std.contains(0) else { throw InputPlan.invalid("options.std must not contain 0") }
        for (name, value) in [("score_threshold", options.scoreThreshold), ("iou_threshold", options.iouThreshold)] {
            if let value, !(0...1).contains(value) { throw InputPlan.invalid("options.\(name) must lie between 0 and 1, not \(value)") }
        }
        if let max = options.maxDetections, max <= 0 { throw InputPlan.invalid("options.max_detections must be positive") }
    }
}
