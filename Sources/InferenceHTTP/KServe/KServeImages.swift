package import InferenceCore
package import InferenceVision

/// Images as a BYTES tensor (one encoded JPEG or PNG per element, as OpenVINO Model Server
/// takes them) for a detection model: each image is decoded, letterboxed, run and decoded into
/// detections by the vision pipeline, and the answer is four tensors, the layout of TensorFlow's
/// object-detection API:
///
/// * `detection_boxes` FP32 `[N, K, 4]`: x_min, y_min, x_max, y_max in the image's pixels,
/// * `detection_scores` FP32 `[N, K]`,
/// * `detection_classes` INT32 `[N, K]`: class ids (labels are in the model's config),
/// * `num_detections` INT32 `[N]`,
///
/// where N is the number of images and K the most detections of any image (shorter rows padded
/// with 0, and class -1). Request parameters `score_threshold`, `iou_threshold` and
/// `max_detections` override the model's defaults.
package enum KServeImages {
    static let outputNames = ["detection_boxes", "detection_scores", "detection_classes", "num_detections"]

    static func detect(
        _ images: [[UInt8]], request: KServeInferRequest, modelID: String, vision: VisionService, timeout: Duration?
    ) async throws -> InferenceResult {
        let parameters = request.parameters ?? [:]
        let overrides = DetectionOverrides(
            scoreThreshold: try parameters["score_threshold"]?.double(field: "score_threshold", in: RequestLimits.fraction),
            iouThreshold: try parameters["iou_threshold"]?.double(field: "iou_threshold", in: RequestLimits.fraction),
            maxDetections: try parameters["max_detections"]?.int(field: "max_detections", in: RequestLimits.maxDetections))
        return try await detect(
            images, overrides: overrides, outputs: request.outputs?.map(\.name) ?? [], modelID: modelID, vision: vision, timeout: timeout)
    }

    /// The same for any protocol: `outputs` names the outputs wanted (empty: all four).
    package static func detect(
        _ images: [[UInt8]], overrides: DetectionOverrides, outputs wanted: [String], modelID: String, vision: VisionService,
        timeout: Duration?
    ) async throws -> InferenceResult {
        let start = ContinuousClock.now
        let results = try await withThrowingTaskGroup(of: (Int, DetectionResult).self) { group in
            for (index, image) in images.enumerated() {
                group.addTask {
                    (index, try await vision.detect(modelID: modelID, image: .encoded(image), overrides: overrides, timeout: timeout))
                }
            }
            var ordered = [DetectionResult?](repeating: nil, count: images.count)
            for try await (index, result) in group { ordered[index] = result }
            return ordered.map { $0! }
        }
        let detections = results.map { $0.detections ?? [] }
        let k = detections.map(\.count).max() ?? 0
        var boxes: [Float] = [], scores: [Float] = [], classes: [Int32] = [], counts: [Int32] = []
        for row in detections {
            for index in 0..<k {
                if index < row.count {
                    let d = row[index]
                    boxes += [Float(d.box.xMin), Float(d.box.yMin), Float(d.box.xMax), Float(d.box.yMax)]
                    scores.append(Float(d.score))
                    classes.append(Int32(d.classID))
                } else {
                    boxes += [0, 0, 0, 0]
                    scores.append(0)
                    classes.append(-1)
                }
            }
            counts.append(Int32(row.count))
        }
        let n = images.count
        var outputs = [
            Tensor(name: outputNames[0], dtype: .float32, shape: [n, k, 4], data: boxes.withUnsafeBytes { Array($0) }),
            Tensor(name: outputNames[1], dtype: .float32, shape: [n, k], data: scores.withUnsafeBytes { Array($0) }),
            Tensor(name: outputNames[2], dtype: .int32, shape: [n, k], data: classes.withUnsafeBytes { Array($0) }),
            Tensor(name: outputNames[3], dtype: .int32, shape: [n], data: counts.withUnsafeBytes { Array($0) }),
        ]
        if !wanted.isEmpty {
            for name in wanted where !outputNames.contains(name) {
                throw APIError.badRequest(
                    "output '\(name)' does not exist for images: the outputs are \(outputNames.joined(separator: ", "))")
            }
            outputs = outputs.filter { wanted.contains($0.name) }
        }
        let inference = results.reduce(Duration.zero) { $0 + $1.timing.inference }
        let total = ContinuousClock.now - start
        return InferenceResult(
            modelID: modelID, outputs: outputs, timing: .init(queue: max(.zero, total - inference), inference: inference, total: total))
    }
}
