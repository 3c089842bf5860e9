import InferenceCore
import Foundation

/// YOLOv5-style heads, `[1, N, 5+C]`: cx, cy, w, h, objectness, C class scores; the score is
/// objectness × class score. YOLOX shares the layout; when its export left the boxes in grid
/// units (`decode_in_inference=False`) they are decoded here over strides 8, 16 and 32.
enum YOLOv5Decoder {
    static func candidates(_ output: Tensor, parameters: DetectionParameters, gridFor grid: (width: Int, height: Int)? = nil)
        throws(InferenceError) -> [Detection]
    {
        let shape = output.shape
        guard shape.count == 3, shape[0] == 1, shape[2] > 5 else { throw DecoderShape.error(output, expected: "[1, N, 5+C]") }
        let anchors = shape[1], features = shape[2]
        var values = try output.floats()
        if let input = grid, needsGridDecoding(values, anchors: anchors, features: features) {
            try decodeGrid(&values, output: output, anchors: anchors, features: features, input: input)
        }
        let threshold = Float(parameters.scoreThreshold)
        var result: [Detection] = []
        values.withUnsafeBufferPointer { v in
            for a in 0..<anchors {
                let base = a * features
                let objectness = v[base + 4]
                guard objectness >= threshold else { continue }
                var best: Float = -1, bestClass = -1
                for c in 0..<(features - 5) where v[base + 5 + c] > best && parameters.accepts(c) {
                    best = v[base + 5 + c]
                    bestClass = c
                }
                let score = objectness * best
                guard bestClass >= 0, score >= threshold else { continue }
                let box = Box(
                    centerX: Double(v[base]), centerY: Double(v[base + 1]), width: Double(v[base + 2]), height: Double(v[base + 3]))
                result.append(Detection(classID: bestClass, score: Double(score), box: box))
            }
        }
        return result
    }

    /// Raw YOLOX centres are offsets within a grid cell (about -1…2); decoded ones are pixels.
    static func needsGridDecoding(_ values: [Float], anchors: Int, features: Int) -> Bool {
        var largest: Float = 0
        for a in 0..<anchors { largest = max(largest, abs(values[a * features])) }
        return largest < 4
    }

    static func decodeGrid(_ values: inout [Float], output: Tensor, anchors: Int, features: Int, input: (width: Int, height: Int))
        throws(InferenceError)
    {
        var cells: [(x: Int, y: Int, stride: Int)] = []
        for stride in [8, 16, 32] {
            for y in 0..<(input.height / stride) {
                for x in 0..<(input.width / stride) { cells.append((x, y, stride)) }
            }
        }
        guard cells.count == anchors else {
            throw InferenceError(
                .unprocessable, .notADetectionModel,
                "output '\(output.name)' has \(anchors) anchors; a \(input.width)x\(input.height) YOLOX grid over strides 8/16/32 has \(cells.count)"
            )
        }
        for (a, cell) in cells.enumerated() {
            let base = a * features, s = Float(cell.stride)
            values[base] = (values[base] + Float(cell.x)) * s
            values[base + 1] = (values[base + 1] + Float(cell.y)) * s
            values[base + 2] = Foundation.exp(values[base + 2]) * s
            values[base + 3] = Foundation.exp(values[base + 3]) * s
        }
    }
}
