public import InferenceCore

/// The answer to an image request: detections in the image's pixels (nil when the model is no
/// detector), the raw outputs, and where the time went.
public struct DetectionResult: Sendable {
    public var modelID: String
    public var imageWidth: Int
    public var imageHeight: Int
    public var detections: [Detection]?
    public var outputs: [Tensor]
    public var timing: Timing

    public struct Timing: Sendable {
        public var decode: Duration
        public var preprocess: Duration
        public var queue: Duration
        public var inference: Duration
        public var postprocess: Duration
        public var total: Duration
    }
}
