/// One detected object.
public struct Detection: Sendable, Equatable {
    public var classID: Int
    public var label: String
    public var score: Double
    public var box: Box

    public init(classID: Int, label: String = "", score: Double, box: Box) {
        self.classID = classID
        self.label = label
        self.score = score
        self.box = box
    }
}
