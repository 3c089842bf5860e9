public import InferenceCore
import Synchronization

/// What vision needs of a model, made once when it loads (`ModelPlanner`): how an image becomes
/// its input, which decoder reads its outputs, and its label map.
public struct VisionPlan: Sendable {
    /// The input plan, or why the model cannot take images (kept to answer image requests with).
    public var input: Result<InputPlan, InferenceError>
    /// The decoder of a detection model; nil for other models.
    public var detector: DetectionPlan?
    public var labels: LabelMap

    /// The plan for a model, or the error that makes it unusable for images. Throws only when
    /// the options themselves are wrong (`refusesLoad`).
    public init(signature: ModelSignature, labels: [String]?, options: ModelOptions) throws(InferenceError) {
        detector = try DetectionPlan(signature: signature, options: options)
        input = Result { () throws(InferenceError) in try InputPlan(signature: signature, options: options) }
        self.labels = LabelMap(labels: labels, classCount: detector?.classCount)
    }
}

/// The registry's planner: builds each model's `VisionPlan` at load, and refuses a load whose
/// vision options cannot work (an unknown `postprocess`, a `mean` of two values, an
/// `input_layout` on a model without an image input) instead of failing its image requests later.
public final class VisionPlanner: ModelPlanner {
    private let count = Atomic<Int>(0)

    public init() {}

    /// Plans made so far (one per load).
    public var plansMade: Int { count.load(ordering: .relaxed) }

    public func plan(signature: ModelSignature, labels: [String]?, options: ModelOptions) throws(InferenceError) -> any Sendable {
        count.add(1, ordering: .relaxed)
        let plan = try VisionPlan(signature: signature, labels: labels, options: options)
        if case .failure(let error) = plan.input, Self.setsImageInput(options) {
            throw error
        }
        return plan
    }

    /// Whether the load options say how images become the input: then a model whose input
    /// cannot take images, or options that do not fit it, are refused at load.
    static func setsImageInput(_ options: ModelOptions) -> Bool {
        options.inputLayout != nil || options.inputDtype != nil || options.mean != nil || options.std != nil
            || options.bgr != nil || options.resize != nil
    }
}
