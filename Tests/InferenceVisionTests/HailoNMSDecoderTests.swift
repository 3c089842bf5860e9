import InferenceCore
@testable import InferenceVision
import Testing

/// Hand-built `NMS_BY_CLASS` float32 buffers: per class a count, then count × (y_min, x_min,
/// y_max, x_max, score), packed back to back, normalised to the input.
@Suite("Hailo NMS_BY_CLASS decoder", .timeLimit(.minutes(1)))
struct HailoNMSDecoderTests {
    typealias Record = (yMin: Float, xMin: Float, yMax: Float, xMax: Float, score: Float)

    /// A buffer of the full size `C * (1 + 5M)` floats, the unused tail filled with garbage.
    static func buffer(_ classes: [[Record]], maxPerClass: Int) -> [Float] {
        var floats: [Float] = []
        for records in classes {
            floats.append(Float(records.count))
            for r in records { floats += [r.yMin, r.xMin, r.yMax, r.xMax, r.score] }
        }
        let size = classes.count * (1 + 5 * maxPerClass)
        return floats + [Float](repeating: 7.5, count: size - floats.count)
    }

    @Test("several classes, empty ones between, packed back to back")
    func severalClasses() throws {
        let floats = Self.buffer(
            [
                [(0.1, 0.2, 0.3, 0.4, 0.9)],
                [],
                [(0.5, 0.5, 1.0, 1.0, 0.8), (0.0, 0.0, 0.25, 0.5, 0.3)],
                [],
            ], maxPerClass: 3)
        let detections = try HailoNMSDecoder.decode(
            floats, classes: 4, maxBoxesPerClass: 3, inputWidth: 640, inputHeight: 320,
            parameters: DetectionParameters(scoreThreshold: 0.25))
        #expect(detections.map(\.classID) == [0, 2, 2])
        #expect(detections.map(\.score).map { Float($0) } == [0.9, 0.8, 0.3])
        let first = detections[0].box
        #expect(abs(first.xMin - 0.2 * 640) < 1e-3 && abs(first.yMin - 0.1 * 320) < 1e-3)
        #expect(abs(first.xMax - 0.4 * 640) < 1e-3 && abs(first.yMax - 0.3 * 320) < 1e-3)
        #expect(detections[2].box == Box(xMin: 0, yMin: 0, xMax: 320, yMax: 80))
    }

    @Test("every class at its maximum count fills the buffer exactly")
    func maximumCount() throws {
        let maxPerClass = 5
        var classes: [[Record]] = []
        for c in 0..<3 {
            var records: [Record] = []
            for i in 0..<maxPerClass {
                let x = Float(i) / 10
                records.append((yMin: 0.1, xMin: x, yMax: 0.2, xMax: x + 0.05, score: 0.5 + Float(c) / 10))
            }
            classes.append(records)
        }
        let floats = Self.buffer(classes, maxPerClass: maxPerClass)
        #expect(floats.count == 3 * (1 + 5 * maxPerClass))
        #expect(!floats.contains(7.5))
        let detections = try HailoNMSDecoder.decode(
            floats, classes: 3, maxBoxesPerClass: maxPerClass, inputWidth: 100, inputHeight: 100,
            parameters: DetectionParameters(scoreThreshold: 0, maxDetections: 100))
        #expect(detections.count == 15)
        #expect(detections.first?.classID == 2)
    }

    @Test("all classes empty gives no detections")
    func allEmpty() throws {
        let floats = Self.buffer([[], [], []], maxPerClass: 10)
        #expect(
            try HailoNMSDecoder.decode(floats, classes: 3, maxBoxesPerClass: 10, inputWidth: 10, inputHeight: 10, parameters: .init())
                .isEmpty)
    }

    @Test("score threshold, class filter and max detections apply")
    func filters() throws {
        let floats = Self.buffer([[(0, 0, 1, 1, 0.9), (0, 0, 0.5, 0.5, 0.2)], [(0, 0, 1, 1, 0.7)], [(0, 0, 1, 1, 0.6)]], maxPerClass: 2)
        let some = try HailoNMSDecoder.decode(
            floats, classes: 3, maxBoxesPerClass: 2, inputWidth: 1, inputHeight: 1,
            parameters: DetectionParameters(scoreThreshold: 0.5, classes: [0, 2]))
        #expect(some.map(\.classID) == [0, 2])
        let one = try HailoNMSDecoder.decode(
            floats, classes: 3, maxBoxesPerClass: 2, inputWidth: 1, inputHeight: 1,
            parameters: DetectionParameters(scoreThreshold: 0.1, maxDetections: 1))
        #expect(one.map(\.score) == [Double(Float(0.9))])
    }

    @Test("a count above the maximum, a fractional count or a short buffer is refused")
    func malformed() {
        var floats = Self.buffer([[(0, 0, 1, 1, 0.9)], []], maxPerClass: 2)
        floats[0] = 3
        #expect(throws: InferenceError.self) {
            try HailoNMSDecoder.decode(floats, classes: 2, maxBoxesPerClass: 2, inputWidth: 1, inputHeight: 1, parameters: .init())
        }
        floats[0] = 0.5
        #expect(throws: InferenceError.self) {
            try HailoNMSDecoder.decode(floats, classes: 2, maxBoxesPerClass: 2, inputWidth: 1, inputHeight: 1, parameters: .init())
        }
        #expect(throws: InferenceError.self) {
            try HailoNMSDecoder.decode([1, 0, 0], classes: 2, maxBoxesPerClass: 2, inputWidth: 1, inputHeight: 1, parameters: .init())
        }
    }

    @Test("a signature with Hailo NMS metadata selects the decoder automatically")
    func selection() throws {
        let signature = ModelSignature(
            inputs: [TensorSpec(name: "in", dtype: .uint8, shape: [1, 640, 640, 3])],
            outputs: [TensorSpec(name: "nms", dtype: .float32, shape: [2 * (1 + 5 * 2)])],
            metadata: [HailoNMSDecoder.outputKey: "nms", HailoNMSDecoder.classesKey: "2", HailoNMSDecoder.maxBoxesKey: "2"])
        let plan = try #require(try DetectionPlan(signature: signature, options: .init()))
        #expect(plan.postprocess == .hailoNMS && plan.classCount == 2)
        let floats = Self.buffer([[(0.25, 0.25, 0.75, 0.75, 0.9)], []], maxPerClass: 2)
        let output = Tensor(name: "nms", dtype: .float32, shape: [22], data: floats.withUnsafeBytes { Array($0) })
        let detections = try plan.decode([output], input: (640, 640), signature: signature, parameters: .init())
        #expect(detections == [Detection(classID: 0, score: Double(Float(0.9)), box: Box(xMin: 160, yMin: 160, xMax: 480, yMax: 480))])
        let input = try InputPlan(signature: signature, options: .init())
        #expect(input.layout == .nhwc && input.dtype == .uint8 && input.width == 640)
    }
}
