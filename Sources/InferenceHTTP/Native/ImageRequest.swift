import Foundation
import InferenceCore
import InferenceVision

/// An image request to a model, however it arrived (JSON, multipart, raw body): the image, the
/// detection overrides and what the answer should look like.
struct ImageRequest {
    var modelID: String
    var image: ImageInput
    var overrides: DetectionOverrides
    var annotate: Bool
    var includeOutputs: Bool
    var outputFormat: OutputFormat
    var timeout: Duration?
    /// Answer 202 with a task at once; the detections are fetched from the task later.
    var async = false

    /// What `input_type` says the bytes are.
    enum InputType: Equatable {
        case tensor, image
        case raw(ImageInput.PixelFormat)

        init(_ text: String) throws {
            switch text.lowercased() {
            case "tensor": self = .tensor
            case "image", "jpeg", "jpg", "png": self = .image
            default:
                guard let format = ImageInput.PixelFormat(rawValue: text.lowercased()) else {
                    throw APIError.badRequest("'input_type' must be tensor, image, rgb24, bgr24 or nv12, not '\(text)'")
                }
                self = .raw(format)
            }
        }
    }

    /// The image in `bytes` when `inputType` or the magic bytes say it is one; nil for a tensor.
    /// `width` and `height` as text (a query or a form), checked by `RequestLimits`.
    static func image(_ bytes: [UInt8], inputType: String?, width: String?, height: String?) throws -> ImageInput? {
        let side = { (text: String?, field: String) throws(InferenceError) in
            try text.map { (text) throws(InferenceError) in try ClientNumber.int(text, field: field, in: RequestLimits.frameSide) }
        }
        return try image(bytes, inputType: inputType, width: try side(width, "width"), height: try side(height, "height"))
    }

    static func image(_ bytes: [UInt8], inputType: String?, width: Int?, height: Int?) throws -> ImageInput? {
        let type = try inputType.map(InputType.init) ?? (ImageFormat(sniffing: bytes) != nil ? .image : .tensor)
        switch type {
        case .tensor: return nil
        case .image: return .encoded(bytes)
        case .raw(let format):
            guard let width, let height, width > 0, height > 0 else {
                throw APIError.badRequest("a raw \(format.rawValue) frame needs positive 'width' and 'height'")
            }
            return .raw(.init(format: format, width: width, height: height, bytes: bytes))
        }
    }

    /// A yes/no parameter given as text: `1`, `true`, `yes` or `on` is yes.
    static func flag(_ text: String?) -> Bool {
        text.map { ["1", "true", "yes", "on"].contains($0.lowercased()) } ?? false
    }

    /// Builds a request from text parameters (query string or multipart fields).
    init(modelID: String, image: ImageInput, parameters: @escaping (String) -> String?) throws {
        self.modelID = modelID
        self.image = image
        func fraction(_ key: String) throws(InferenceError) -> Double? {
            try parameters(key).map { (text) throws(InferenceError) in try ClientNumber.double(text, field: key, in: RequestLimits.fraction)
            }
        }
        func flag(_ key: String) -> Bool { Self.flag(parameters(key)) }
        let classes = parameters("classes")?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        overrides = DetectionOverrides(
            scoreThreshold: try fraction("score_threshold") ?? fraction("min_confidence"), iouThreshold: try fraction("iou_threshold"),
            maxDetections: try parameters("max_detections").map { (text) throws(InferenceError) in
                try ClientNumber.int(text, field: "max_detections", in: RequestLimits.maxDetections)
            },
            classNames: classes?.filter { Int($0) == nil }, classIDs: classes?.compactMap { Int($0) })
        annotate = flag("annotate")
        includeOutputs = flag("include_outputs")
        outputFormat = parameters("output_format").flatMap(OutputFormat.init) ?? .base64
        timeout = try RequestLimits.timeout(milliseconds: parameters("timeout_ms"))
        async = flag("async")
    }

    init(
        modelID: String, image: ImageInput, overrides: DetectionOverrides, annotate: Bool, includeOutputs: Bool,
        outputFormat: OutputFormat, timeout: Duration?, async: Bool = false
    ) {
        self.modelID = modelID
        self.image = image
        self.overrides = overrides
        self.annotate = annotate
        self.includeOutputs = includeOutputs
        self.outputFormat = outputFormat
        self.timeout = timeout
        self.async = async
    }
}
