/// Which detections a DOODS request keeps, by DOODS2's rules: a detection whose label has its
/// own minimum in `detect` passes when it reaches it; one whose label has none passes on the `*`
/// minimum; one that passed neither may still pass in the first region it overlaps (or lies
/// inside, with `covers`) whose minimum for its label, or `*`, it reaches, and is then marked
/// with the region's id. Confidences are in percent.
///
/// DOODS2 keeps nothing from a request with neither `detect` nor `regions`; here such a request
/// keeps every detection the model reports at its own threshold (docs/integrations.md).
struct DOODSFilter {
    var detect: [String: Double]
    var regions: [DOODSRequest.Region]

    init(_ request: DOODSRequest) {
        detect = request.detect
        regions = request.regions
    }

    var keepsEverything: Bool { detect.isEmpty && regions.isEmpty }

    /// The lowest minimum anywhere in the request, as a score (0…1), for the model's own
    /// threshold; nil when the request has none.
    var lowestScore: Double? {
        let all = Array(detect.values) + regions.flatMap { $0.detect.values }
        return all.min().map { $0 / 100 }
    }

    /// Kept or not, and the region that kept it.
    func keep(label: String, confidence: Double, box: DOODSResponse.Box) -> (kept: Bool, regionID: String?) {
        if keepsEverything { return (true, nil) }
        if let minimum = detect[label] {
            if confidence >= minimum { return (true, nil) }
        } else if let any = detect["*"], confidence >= any {
            return (true, nil)
        }
        for region in regions where Self.region(region, holds: box) {
            if let minimum = region.detect[label] {
                if confidence >= minimum { return (true, region.id) }
            } else if let any = region.detect["*"], confidence >= any {
                return (true, region.id)
            }
        }
        return (false, nil)
    }

    static func region(_ r: DOODSRequest.Region, holds d: DOODSResponse.Box) -> Bool {
        if r.covers {
            return r.top <= d.top && r.left <= d.left && r.bottom >= d.bottom && r.right >= d.right
        }
        return d.top <= r.bottom && d.left <= r.right && d.bottom >= r.top && d.right >= r.left
    }
}
