import Foundation
import HTTPTypes

/// A DOODS2 detect request (`POST /detect`, `POST /image`), as `pydoods` and Home Assistant send
/// it: the image base64-encoded in `data`, the detector by name, and the minimum confidences in
/// percent by label (`*` for any label), globally in `detect` and per area in `regions`.
struct DOODSRequest: Decodable {
    var id: String?
    var detectorName: String?
    /// Ask for the annotated image in the answer: `jpg`, `jpeg`, `.jpg`, `image/jpeg` or `true`.
    var image: String?
    var data: String
    var preprocess: [String]
    var detect: [String: Double]
    var regions: [Region]

    struct Region: Decodable {
        var top: Double
        var left: Double
        var bottom: Double
        var right: Double
        var detect: [String: Double]
        /// The detection must lie inside the region (else it need only overlap it).
        var covers: Bool
        var id: String?

        enum CodingKeys: String, CodingKey { case top, left, bottom, right, detect, covers, id }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            top = try c.decode(Double.self, forKey: .top)
            left = try c.decode(Double.self, forKey: .left)
            bottom = try c.decode(Double.self, forKey: .bottom)
            right = try c.decode(Double.self, forKey: .right)
            detect = try c.decodeIfPresent([String: Double].self, forKey: .detect) ?? [:]
            covers = try c.decodeIfPresent(Bool.self, forKey: .covers) ?? false
            id = try c.decodeIfPresent(String.self, forKey: .id)
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, detectorName = "detector_name", image, data, preprocess, detect, regions
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        detectorName = try c.decodeIfPresent(String.self, forKey: .detectorName)
        if let flag = try? c.decodeIfPresent(Bool.self, forKey: .image) {
            image = flag ? "true" : nil
        } else {
            image = try c.decodeIfPresent(String.self, forKey: .image)
        }
        data = try c.decodeIfPresent(String.self, forKey: .data) ?? ""
        preprocess = try c.decodeIfPresent([String].self, forKey: .preprocess) ?? []
        detect = try c.decodeIfPresent([String: Double].self, forKey: .detect) ?? [:]
        regions = try c.decodeIfPresent([Region].self, forKey: .regions) ?? []
    }

    /// The image bytes of `data`.
    func imageBytes() throws -> [UInt8] {
        let text = data.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw DOODSError(.badRequest, "'data' is empty: send the image base64-encoded") }
        for scheme in ["http:", "https:", "rtsp:", "ftp:"] where text.lowercased().hasPrefix(scheme) {
            throw DOODSError(.badRequest, "'data' is a URL; this service takes the image itself, base64-encoded")
        }
        guard let bytes = Data(base64Encoded: text, options: .ignoreUnknownCharacters), !bytes.isEmpty else {
            throw DOODSError(.badRequest, "'data' is not base64")
        }
        return Array(bytes)
    }

    /// Whether the answer should carry the annotated image; throws for a format other than JPEG.
    func wantsImage() throws -> Bool {
        guard let image, !image.isEmpty else { return false }
        guard ["true", "jpg", ".jpg", "jpeg", "image/jpeg"].contains(image.lowercased()) else {
            throw DOODSError(.badRequest, "'image' may ask for a JPEG (jpg, jpeg, image/jpeg or true), not '\(image)'")
        }
        return true
    }

    /// Checks what the service does not do and the numbers' ranges.
    func validate() throws {
        if let step = preprocess.first {
            throw DOODSError(.badRequest, "preprocessing ('\(step)') is not supported")
        }
        let thresholds =
            detect.map { ("detect", $0.key, $0.value) }
            + regions.flatMap { region in region.detect.map { ("region \(region.id ?? "")", $0.key, $0.value) } }
        for (place, label, value) in thresholds where !(0...100).contains(value) {
            throw DOODSError(.badRequest, "the confidence for '\(label)' in \(place) must lie between 0 and 100 (percent), not \(value)")
        }
        for region in regions {
            let sides = [region.top, region.left, region.bottom, region.right]
            guard sides.allSatisfy({ (0...1).contains($0) }), region.top <= region.bottom, region.left <= region.right else {
                throw DOODSError(.badRequest, "region \(region.id ?? "") must have 0 <= top <= bottom <= 1 and 0 <= left <= right <= 1")
            }
        }
    }
}
