import Foundation
import InferenceCore
@testable import InferenceVision
import Testing

@Suite("YOLO decoders and NMS", .timeLimit(.minutes(1)))
struct YOLODecoderTests {
    static func tensor(_ values: [Float], shape: [Int], name: String = "output0") -> Tensor {
        Tensor(name: name, dtype: .float32, shape: shape, data: values.withUnsafeBytes { Array($0) })
    }

    static func signature(output shape: [Int]) -> ModelSignature {
        ModelSignature(
            inputs: [TensorSpec(name: "images", dtype: .float32, shape: [1, 3, 64, 64])],
            outputs: [TensorSpec(name: "output0", dtype: .float32, shape: shape)])
    }

    @Test("YOLOv8 [1, 4+C, N]: best class per anchor, threshold, NMS within a class only")
    func yolov8() throws {
        // 4 anchors, 2 classes; features are rows.
        let cx: [Float] = [10, 11, 40, 10], cy: [Float] = [10, 10, 40, 10], w: [Float] = [8, 8, 10, 8], h: [Float] = [8, 8, 10, 8]
        let c0: [Float] = [0.9, 0.8, 0.1, 0.1], c1: [Float] = [0.1, 0.1, 0.05, 0.7]
        let output = Self.tensor(cx + cy + w + h + c0 + c1, shape: [1, 6, 4])
        let plan = try #require(try DetectionPlan(signature: Self.signature(output: [1, 6, -1]), options: .init()))
        #expect(plan.postprocess == .yolov8 && plan.classCount == 2)
        let detections = try plan.decode([output], input: (64, 64), signature: Self.signature(output: [1, 6, -1]), parameters: .init())
        // Anchor 1 overlaps anchor 0 of the same class and goes; anchor 3 overlaps too but is class 1.
        #expect(detections.map(\.classID) == [0, 1])
        #expect(detections[0].box == Box(xMin: 6, yMin: 6, xMax: 14, yMax: 14))
        #expect(abs(detections[1].score - 0.7) < 1e-6)
    }

    @Test("YOLOv8 transposed [1, N, 4+C] gives the same boxes")
    func yolov8Transposed() throws {
        let rows: [[Float]] = [[10, 10, 8, 8, 0.9, 0.1], [40, 40, 10, 10, 0.1, 0.6]]
        let output = Self.tensor(rows.flatMap { $0 } + [Float](repeating: 0, count: 6 * 8), shape: [1, 10, 6])
        let detections = try YOLOv8Decoder.candidates(output, transposed: true, parameters: .init())
        #expect(detections.map(\.classID) == [0, 1])
        #expect(detections[1].box == Box(xMin: 35, yMin: 35, xMax: 45, yMax: 45))
    }

    @Test("YOLOv5 [1, N, 5+C]: score is objectness times class score")
    func yolov5() throws {
        let rows: [[Float]] = [[20, 20, 10, 10, 0.9, 0.2, 0.8], [20, 20, 10, 10, 0.2, 0.9, 0.1], [50, 50, 4, 4, 0.6, 0.5, 0.1]]
        let output = Self.tensor(rows.flatMap { $0 }, shape: [1, 3, 7])
        let plan = try #require(try DetectionPlan(signature: Self.signature(output: [1, -1, 7]), options: .init()))
        #expect(plan.postprocess == .yolov5 && plan.classCount == 2)
        let detections = try plan.decode([output], input: (64, 64), signature: Self.signature(output: [1, -1, 7]), parameters: .init())
        #expect(detections.count == 2)
        #expect(detections[0].classID == 1 && abs(detections[0].score - 0.72) < 1e-5)
        #expect(detections[1].classID == 0 && abs(detections[1].score - 0.3) < 1e-5)
    }

    @Test("YOLOX without decoding in the export is decoded over the 8/16/32 grid")
    func yoloxGrid() throws {
        // A 32×32 input: 16 + 4 + 1 = 21 anchors, 1 class. Anchor 5 is stride 8, cell (1, 1).
        var values = [Float](repeating: 0, count: 21 * 6)
        let base = 5 * 6
        values[base] = 0.5
        values[base + 1] = 0.25
        values[base + 2] = log(2)
        values[base + 3] = 0
        values[base + 4] = 0.9
        values[base + 5] = 0.8
        let output = Self.tensor(values, shape: [1, 21, 6])
        var options = ModelOptions()
        options.postprocess = "yolox"
        let signature = ModelSignature(
            inputs: [TensorSpec(name: "images", dtype: .float32, shape: [1, 3, 32, 32])],
            outputs: [TensorSpec(name: "output0", dtype: .float32, shape: [1, 21, 6])])
        let plan = try #require(try DetectionPlan(signature: signature, options: options))
        let detections = try plan.decode([output], input: (32, 32), signature: signature, parameters: .init())
        #expect(detections.count == 1)
        // centre ((0.5 + 1) * 8, (0.25 + 1) * 8) = (12, 10); size (2 * 8, 1 * 8) = (16, 8).
        let box = try #require(detections.first?.box)
        #expect(abs(box.xMin - 4) < 1e-4 && abs(box.yMin - 6) < 1e-4 && abs(box.xMax - 20) < 1e-4 && abs(box.yMax - 14) < 1e-4)
    }

    @Test("NMS keeps the best box of overlapping ones per class and stops at max detections")
    func nms() {
        let a = Detection(classID: 0, score: 0.9, box: Box(xMin: 0, yMin: 0, xMax: 10, yMax: 10))
        let b = Detection(classID: 0, score: 0.8, box: Box(xMin: 1, yMin: 1, xMax: 11, yMax: 11))
        let c = Detection(classID: 0, score: 0.7, box: Box(xMin: 20, yMin: 20, xMax: 30, yMax: 30))
        let d = Detection(classID: 1, score: 0.6, box: Box(xMin: 1, yMin: 1, xMax: 11, yMax: 11))
        #expect(NonMaxSuppression.apply([c, b, d, a], iouThreshold: 0.45, maxDetections: 10) == [a, c, d])
        #expect(NonMaxSuppression.apply([c, b, d, a], iouThreshold: 0.45, maxDetections: 2) == [a, c])
        #expect(NonMaxSuppression.apply([a, b], iouThreshold: 0.9, maxDetections: 10) == [a, b])
    }

    @Test("postprocess none, unknown names and non-detection outputs")
    func selection() throws {
        var options = ModelOptions()
        options.postprocess = "none"
        #expect(try DetectionPlan(signature: Self.signature(output: [1, 6, 100]), options: options) == nil)
        #expect(try DetectionPlan(signature: Self.signature(output: [1, 10]), options: .init()) == nil)
        options.postprocess = "yolov9"
        #expect(throws: InferenceError.self) { try DetectionPlan(signature: Self.signature(output: [1, 6, 100]), options: options) }
        #expect(throws: InferenceError.self) { try VisionOptions.validate(options) }
    }

    @Test("labels: given ones, COCO-80 for 80 classes, else class_<id>")
    func labels() {
        #expect(LabelMap(labels: ["a", "b"], classCount: 80).name(1) == "b")
        #expect(LabelMap(labels: nil, classCount: 80).name(0) == "person")
        #expect(LabelMap(labels: nil, classCount: 80).name(79) == "toothbrush")
        #expect(LabelMap(labels: nil, classCount: 3).name(2) == "class_2")
    }
}
