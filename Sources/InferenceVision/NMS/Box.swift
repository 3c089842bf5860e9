/// An axis-aligned box in pixels.
public struct Box: Sendable, Equatable {
    public var xMin: Double
    public var yMin: Double
    public var xMax: Double
    public var yMax: Double

    public init(xMin: Double, yMin: Double, xMax: Double, yMax: Double) {
        self.xMin = xMin
        self.yMin = yMin
        self.xMax = xMax
        self.yMax = yMax
    }

    /// From a centre and a size, as YOLO heads give it.
    public init(centerX: Double, centerY: Double, width: Double, height: Double) {
        self.init(xMin: centerX - width / 2, yMin: centerY - height / 2, xMax: centerX + width / 2, yMax: centerY + height / 2)
    }

    public var area: Double { max(0, xMax - xMin) * max(0, yMax - yMin) }

    /// Intersection over union; 0 when either box is empty.
    public func iou(_ other: Box) -> Double {
        let w = min(xMax, other.xMax) - max(xMin, other.xMin)
        let h = min(yMax, other.yMax) - max(yMin, other.yMin)
        guard w > 0, h > 0 else { return 0 }
        let intersection = w * h
        let union = area + other.area - intersection
        return union > 0 ? intersection / union : 0
    }
}
