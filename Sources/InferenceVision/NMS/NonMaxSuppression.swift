/// Greedy class-wise non-maximum suppression: within each class, a box is dropped when it
/// overlaps a higher-scoring kept box by more than `iouThreshold`.
public enum NonMaxSuppression {
    /// At most this many candidates (the best) enter NMS, as Ultralytics does.
    public static let maxCandidates = 30_000

    public static func apply(_ candidates: [Detection], iouThreshold: Double, maxDetections: Int) -> [Detection] {
        var sorted = candidates.sorted { $0.score > $1.score }
        if sorted.count > maxCandidates { sorted.removeLast(sorted.count - maxCandidates) }
        var kept: [Detection] = []
        var keptByClass: [Int: [Box]] = [:]
        for candidate in sorted {
            guard kept.count < maxDetections else { break }
            let boxes = keptByClass[candidate.classID, default: []]
            if boxes.contains(where: { $0.iou(candidate.box) > iouThreshold }) { continue }
            kept.append(candidate)
            keptByClass[candidate.classID, default: []].append(candidate.box)
        }
        return kept
    }
}
