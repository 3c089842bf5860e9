import Foundation
public import InferenceCore

/// Images in, detections out: decodes on the pipeline's threads, runs the model through the
/// core service, decodes the outputs. Every protocol layer (native, DeepStack) calls this.
public struct VisionService: Sendable {
    public let inference: InferenceService
    public let pipeline: VisionPipeline
    public let limits: ImageLimits

    public init(inference: InferenceService, pipeline: VisionPipeline = .shared, limits: ImageLimits = .init()) {
        self.inference = inference
        self.pipeline = pipeline
        self.limits = limits
    }

    /// What vision needs to know of a loaded model.
    public struct ModelView: Sendable {
        public var info: ModelInfo
        public var input: InputPlan
        public var detector: DetectionPlan?
        public var labels: LabelMap
    }

    public func model(_ modelID: String) async throws(InferenceError) -> ModelView {
        try Self.view(try await inference.registry.info(modelID))
    }

    /// The model's view from its plan, made when it loaded (made now for a registry without
    /// a `VisionPlanner`).
    static func view(_ info: ModelInfo) throws(InferenceError) -> ModelView {
        guard let signature = info.signature else {
            throw InferenceError(.unavailable, .modelNotReady, "model '\(info.record.modelID)' is \(info.state.rawValue)")
        }
        let plan: VisionPlan
        if let made = info.plan as? VisionPlan {
            plan = made
        } else {
            plan = try VisionPlan(signature: signature, labels: info.labels, options: info.record.options)
        }
        return ModelView(info: info, input: try plan.input.get(), detector: plan.detector, labels: plan.labels)
    }

    /// Whether a model is a detector that takes images (for DeepStack's default model).
    public func isDetector(_ modelID: String) async -> Bool {
        (try? await model(modelID).detector) != nil
    }

    /// The ready models that detect objects in images, in the registry's order: what the
    /// DeepStack and DOODS front ends offer as their models and detectors. One look at the
    /// registry; the plans were made at load.
    public func detectors() async -> [ModelView] {
        await inference.registry.list().filter { $0.state == .ready }.compactMap { info in
            guard let view = try? Self.view(info), view.detector != nil else { return nil }
            return view
        }
    }

    /// The detector a request without a model name gets: `configured` when given, else the first
    /// detection model loaded.
    public func defaultDetector(configured: String?) async throws(InferenceError) -> String {
        if let configured { return configured }
        guard let first = await detectors().first else {
            throw InferenceError(.unavailable, .modelNotReady, "no object detection model is loaded; load one with POST /models/load")
        }
        return first.info.record.modelID
    }

    /// A detector's class names, one per class it can report.
    public static func classNames(_ view: ModelView) -> [String] {
        guard let count = view.detector?.classCount, count > 0 else { return view.labels.names }
        return (0..<count).map(view.labels.name)
    }

    public func detect(
        modelID: String, image: ImageInput, overrides: DetectionOverrides = .init(),
        timeout: Duration? = nil
    ) async throws(InferenceError) -> DetectionResult {
        let start = ContinuousClock.now
        let view = try await model(modelID)
        let parameters = try self.parameters(view, overrides)
        let prepared = try await pipeline.prepare(image, plan: view.input, limits: limits)
        let request = InferenceRequest(
            modelID: modelID,
            inputs: [
                InputTensor(
                    name: prepared.tensor.name, dtype: prepared.tensor.dtype,
                    shape: prepared.tensor.shape, data: prepared.tensor.data)
            ], timeout: timeout)
        let result = try await inference.infer(request)
        let postStart = ContinuousClock.now
        var detections: [Detection]?
        if let detector = view.detector, let signature = view.info.signature {
            let (geometry, labels, outputs) = (prepared.geometry, view.labels, result.outputs)
            let decode = { @Sendable () throws(InferenceError) -> [Detection] in
                try detector.decode(
                    outputs, input: (geometry.inputWidth, geometry.inputHeight), signature: signature, parameters: parameters
                )
                .map { detection in
                    var mapped = detection
                    mapped.box = geometry.toImage(detection.box)
                    mapped.label = labels.name(detection.classID)
                    return mapped
                }
            }
            // Hailo's NMS ran on the device: reading its few boxes takes microseconds, less than
            // the hop to a pipeline thread. The CPU decoders scan thousands of candidates there.
            detections = detector.postprocess == .hailoNMS ? try decode() : try await pipeline.run(decode)
        }
        let end = ContinuousClock.now
        inference.metrics.model(modelID).recordImage(
            decode: prepared.decodeTime, preprocess: prepared.preprocessTime, postprocess: end - postStart)
        return DetectionResult(
            modelID: modelID, imageWidth: prepared.geometry.imageWidth, imageHeight: prepared.geometry.imageHeight,
            detections: detections, outputs: result.outputs,
            timing: .init(
                decode: prepared.decodeTime, preprocess: prepared.preprocessTime, queue: result.timing.queue,
                inference: result.timing.inference, postprocess: end - postStart, total: end - start))
    }

    func parameters(_ view: ModelView, _ overrides: DetectionOverrides) throws(InferenceError) -> DetectionParameters {
        let options = view.info.record.options
        var parameters = DetectionParameters(
            scoreThreshold: overrides.scoreThreshold ?? options.scoreThreshold ?? DetectionParameters.defaultScoreThreshold,
            iouThreshold: overrides.iouThreshold ?? options.iouThreshold ?? DetectionParameters.defaultIoUThreshold,
            maxDetections: overrides.maxDetections ?? options.maxDetections ?? DetectionParameters.defaultMaxDetections)
        guard (0...1).contains(parameters.scoreThreshold), (0...1).contains(parameters.iouThreshold) else {
            throw .invalidRequest("score and IoU thresholds lie between 0 and 1")
        }
        guard parameters.maxDetections > 0 else { throw .invalidRequest("max_detections must be positive") }
        if overrides.classNames != nil || overrides.classIDs != nil {
            var ids = Set(overrides.classIDs ?? [])
            for name in overrides.classNames ?? [] {
                guard let id = view.labels.names.firstIndex(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) else {
                    throw .invalidRequest("class '\(name)' is not a label of model '\(view.info.record.modelID)'")
                }
                ids.insert(id)
            }
            parameters.classes = ids
        }
        return parameters
    }
}
