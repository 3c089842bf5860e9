/// Per-request changes to a model's detection defaults.
public struct DetectionOverrides: Sendable, Equatable {
    public var scoreThreshold: Double?
    public var iouThreshold: Double?
    public var maxDetections: Int?
    /// Keep only these classes, by name (case-insensitive) or id.
    public var classNames: [String]?
    public var classIDs: [Int]?

    public init(
        scoreThreshold: Double? = nil, iouThreshold: Double? = nil, maxDetections: Int? = nil,
        classNames: [String]? = nil, classIDs: [Int]? = nil
    ) {
        self.scoreThreshold = scoreThreshold
        self.iouThreshold = iouThreshold
        self.maxDetections = maxDetections
        self.classNames = classNames
        self.classIDs = classIDs
    }
}
