/// Class names of a detection model: the labels it was loaded with or carries, else COCO-80 for
/// an 80-class model, else `class_<id>`.
public struct LabelMap: Sendable, Equatable {
    public var names: [String]

    public init(labels: [String]?, classCount: Int?) {
        if let labels, !labels.isEmpty {
            names = labels
        } else if classCount == COCOLabels.names.count {
            names = COCOLabels.names
        } else {
            names = []
        }
    }

    public func name(_ classID: Int) -> String {
        names.indices.contains(classID) ? names[classID] : "class_\(classID)"
    }
}
