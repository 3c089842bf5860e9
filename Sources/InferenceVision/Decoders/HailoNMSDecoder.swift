public import InferenceCore

/// Hailo `NMS_BY_CLASS` float32 buffers: for each class k in order, a count (an integer stored
/// as a float) followed immediately by that many 5-float records `y_min, x_min, y_max, x_max,
/// score`, normalised to the network input. Classes are packed back to back, not in fixed slots;
/// bytes after the last class are unspecified. NMS already ran on the device or in HailoRT.
public enum HailoNMSDecoder {
    /// Metadata keys a backend sets on the signature for an NMS output.
    public static let classesKey = "hailo.nms.classes"
    public static let maxBoxesKey = "hailo.nms.max_bboxes_per_class"
    public static let outputKey = "hailo.nms.output"

    /// Decodes `floats` into detections in input pixels (`inputWidth`×`inputHeight`).
    public static func decode(
        _ floats: [Float], classes: Int, maxBoxesPerClass: Int, inputWidth: Int, inputHeight: Int,
        parameters: DetectionParameters
    ) throws(InferenceError) -> [Detection] {
        let needed = classes * (1 + 5 * maxBoxesPerClass)
        guard classes > 0, maxBoxesPerClass > 0, floats.count >= needed else {
            throw malformed("the buffer holds \(floats.count) floats; \(classes) classes of up to \(maxBoxesPerClass) boxes need \(needed)")
        }
        var result: [Detection] = []
        var offset = 0
        for k in 0..<classes {
            let raw = floats[offset]
            guard raw >= 0, raw <= Float(maxBoxesPerClass), raw == raw.rounded() else {
                throw malformed("class \(k) has a count of \(raw) at float \(offset) (at most \(maxBoxesPerClass))")
            }
            let count = Int(raw)
            offset += 1
            guard offset + 5 * count <= floats.count else { throw malformed("class \(k) runs past the end of the buffer") }
            if parameters.accepts(k) {
                for i in 0..<count {
                    let r = offset + 5 * i
                    let score = Double(floats[r + 4])
                    guard score >= parameters.scoreThreshold else { continue }
                    let box = Box(
                        xMin: Double(floats[r + 1]) * Double(inputWidth), yMin: Double(floats[r]) * Double(inputHeight),
                        xMax: Double(floats[r + 3]) * Double(inputWidth), yMax: Double(floats[r + 2]) * Double(inputHeight))
                    result.append(Detection(classID: k, score: score, box: box))
                }
            }
            offset += 5 * count
        }
        return result.sorted { $0.score > $1.score }.prefix(parameters.maxDetections).map { $0 }
    }

    static func malformed(_ message: String) -> InferenceError {
        InferenceError(.internal, .inferenceFailed, "malformed Hailo NMS output: \(message)")
    }
}
