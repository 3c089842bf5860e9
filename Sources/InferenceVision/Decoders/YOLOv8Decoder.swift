import InferenceCore

/// Ultralytics YOLOv8/YOLO11 heads: `[1, 4+C, N]` with rows cx, cy, w, h (input pixels) and C
/// class scores; `[1, N, 4+C]` when the export transposed it. Each anchor keeps its best class.
enum YOLOv8Decoder {
    static func candidates(_ output: Tensor, transposed: Bool, parameters: DetectionParameters) throws(InferenceError) -> [Detection] {
        let shape = output.shape
        guard shape.count == 3, shape[0] == 1 else { throw DecoderShape.error(output, expected: "[1, 4+C, N]") }
        let (features, anchors) = transposed ? (shape[2], shape[1]) : (shape[1], shape[2])
        guard features > 4 else { throw DecoderShape.error(output, expected: "[1, 4+C, N]") }
        let values = try output.floats()
        // Element (feature f, anchor a).
        let featureStride = transposed ? 1 : anchors, anchorStride = transposed ? features : 1
        let threshold = Float(parameters.scoreThreshold)
        var result: [Detection] = []
        values.withUnsafeBufferPointer { v in
            for a in 0..<anchors {
                let base = a * anchorStride
                var best: Float = -1, bestClass = -1
                for c in 0..<(features - 4) {
                    let score = v[base + (4 + c) * featureStride]
                    if score > best, parameters.accepts(c) { best = score; bestClass = c }
                }
                guard bestClass >= 0, best >= threshold else { continue }
                let box = Box(
                    centerX: Double(v[base]), centerY: Double(v[base + featureStride]),
                    width: Double(v[base + 2 * featureStride]), height: Double(v[base + 3 * featureStride]))
                result.append(Detection(classID: bestClass, score: Double(best), box: box))
            }
        }
        return result
    }
}

enum DecoderShape {
    static func error(_ output: Tensor, expected: String) -> InferenceError {
        InferenceError(
            .unprocessable, .notADetectionModel, "output '\(output.name)' has shape \(output.shape); the decoder expects \(expected)")
    }
}
