/// Thresholds of a detection run: the model's defaults (load options), overridable per request.
public struct DetectionParameters: Sendable, Equatable {
    public var scoreThreshold: Double
    public var iouThreshold: Double
    public var maxDetections: Int
    /// Only these class ids, when set.
    public var classes: Set<Int>?

    public static let defaultScoreThreshold = 0.25
    public static let defaultIoUThreshold = 0.45
    public static let defaultMaxDetections = 100

    public init(
        scoreThreshold: Double = defaultScoreThreshold, iouThreshold: Double = defaultIoUThreshold,
        maxDetections: Int = defaultMaxDetections, classes: Set<Int>? = nil
    ) {
        self.scoreThreshold = scoreThreshold
        self.iouThreshold = iouThreshold
        self.maxDetections = maxDetections
        self.classes = classes
    }

    func accepts(_ classID: Int) -> Bool { classes?.contains(classID) ?? true }
}
