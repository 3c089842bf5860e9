import Foundation
import InferenceCore
import InferenceVision

/// `POST /inference` (and each item of `POST /inference/batch`) as JSON.
struct InferenceBody: Decodable {
    var modelID: String?
    /// Base64 bytes of the model's only input (the seed's field).
    var inputData: String?
    // Numbers are read as JSON numbers of any size and checked by `RequestLimits` (a value out of
    // range is refused naming the field, not reported as malformed JSON).
    var shape: [Double]?
    var dtype: String?
    /// Several inputs by name.
    var inputs: [String: TensorBody]?
    var outputs: [String]?
    var outputFormat: OutputFormat?
    var async: Bool?
    var timeoutMs: Double?
    // Images (see ImageRequest): what `input_data` holds, raw frame size, detection overrides.
    var inputType: String?
    var width: Double?
    var height: Double?
    var scoreThreshold: Double?
    var iouThreshold: Double?
    var maxDetections: Double?
    var classes: [ClassSelector]?
    var annotate: Bool?
    var includeOutputs: Bool?

    /// A class by name or id.
    enum ClassSelector: Decodable {
        case name(String), id(Int)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let id = try? container.decode(Int.self) { self = .id(id) } else { self = .name(try container.decode(String.self)) }
        }
    }

    struct TensorBody: Decodable {
        var data: String
        var dtype: String?
        var shape: [Double]?
    }

    enum CodingKeys: String, CodingKey {
        case modelID = "model_id", inputData = "input_data", shape, dtype, inputs, outputs
        case outputFormat = "output_format", async, timeoutMs = "timeout_ms"
        case inputType = "input_type", width, height, scoreThreshold = "score_threshold", iouThreshold = "iou_threshold"
        case maxDetections = "max_detections", classes, annotate, includeOutputs = "include_outputs"
    }

    /// The image request this body makes, when `input_data` holds an image (by `input_type` or
    /// by its magic bytes); nil for a tensor, with `input_data`'s bytes, decoded once, for
    /// `request(inputBytes:)`.
    /// `modelID` is the batch's when the item has none.
    func imageRequest(modelID fallback: String? = nil) throws -> (image: ImageRequest?, inputBytes: [UInt8]?) {
        guard let data = inputData, inputs == nil else { return (nil, nil) }
        guard let modelID = modelID ?? fallback, !modelID.isEmpty else { throw APIError.badRequest("'model_id' is required") }
        let side = { (value: Double?, field: String) throws(InferenceError) in
            try value.map { (value) throws(InferenceError) in try ClientNumber.int(value, field: field, in: RequestLimits.frameSide) }
        }
        let bytes = try Self.base64(data, field: "input_data")
        guard
            let image = try ImageRequest.image(
                bytes, inputType: inputType, width: try side(width, "width"), height: try side(height, "height"))
        else {
            return (nil, bytes)
        }
        let fraction = { (value: Double?, field: String) throws(InferenceError) in
            try value.map { (value) throws(InferenceError) in try ClientNumber.double(value, field: field, in: RequestLimits.fraction) }
        }
        let overrides = DetectionOverrides(
            scoreThreshold: try fraction(scoreThreshold, "score_threshold"), iouThreshold: try fraction(iouThreshold, "iou_threshold"),
            maxDetections: try maxDetections.map { (value) throws(InferenceError) in
                try ClientNumber.int(value, field: "max_detections", in: RequestLimits.maxDetections)
            },
            classNames: classes?.compactMap { if case .name(let n) = $0 { n } else { nil } },
            classIDs: classes?.compactMap { if case .id(let i) = $0 { i } else { nil } })
        return (
            ImageRequest(
                modelID: modelID, image: image, overrides: overrides, annotate: annotate ?? false,
                includeOutputs: includeOutputs ?? false, outputFormat: outputFormat ?? .base64,
                timeout: try RequestLimits.timeout(milliseconds: timeoutMs), async: async ?? false), nil
        )
    }

    /// The core request for this body. `modelID` is the batch's when the item has none;
    /// `inputBytes` is `input_data` already decoded by `imageRequest()`.
    func request(modelID fallback: String? = nil, inputBytes: [UInt8]? = nil) throws -> InferenceRequest {
        guard let modelID = modelID ?? fallback, !modelID.isEmpty else {
            throw APIError.badRequest("'model_id' is required")
        }
        let tensors: [InputTensor]
        switch (inputData, inputs) {
        case (let data?, nil):
            tensors = [
                InputTensor(
                    dtype: try Self.dtype(dtype), shape: try shape.map { (shape) throws(InferenceError) in try RequestLimits.shape(shape) },
                    data: try inputBytes ?? Self.base64(data, field: "input_data"))
            ]
        case (nil, let inputs?):
            guard !inputs.isEmpty else { throw APIError.badRequest("'inputs' is empty") }
            tensors = try inputs.sorted { $0.key < $1.key }.map { name, body in
                InputTensor(
                    name: name, dtype: try Self.dtype(body.dtype),
                    shape: try body.shape.map { (shape) throws(InferenceError) in
                        try RequestLimits.shape(shape, field: "inputs.\(name).shape")
                    },
                    data: try Self.base64(body.data, field: "inputs.\(name).data"))
            }
        case (nil, nil):
            throw APIError.badRequest("give the input tensor as 'input_data' (base64), or several as 'inputs'")
        case (_?, _?):
            throw APIError.badRequest("give either 'input_data' or 'inputs', not both")
        }
        return InferenceRequest(
            modelID: modelID, inputs: tensors, outputs: outputs ?? [], timeout: try RequestLimits.timeout(milliseconds: timeoutMs))
    }

    static func dtype(_ name: String?) throws -> ElementType? {
        guard let name else { return nil }
        guard let type = ElementType(name: name) else {
            throw APIError.badRequest(
                "unknown dtype '\(name)'; use one of \(ElementType.allCases.map(\.rawValue).joined(separator: ", "))", code: "invalid_dtype"
            )
        }
        return type
    }

    /// Standard or URL-safe base64, padded or not, with line breaks and spaces allowed, or a
    /// `data:…;base64,` URL. Any other character refuses the whole field: dropping it silently
    /// would run the model on different bytes than the client sent.
    static func base64(_ text: String, field: String) throws -> [UInt8] {
        var body = Substring(text)
        if body.hasPrefix("data:"), let comma = body.firstIndex(of: ","), body[..<comma].hasSuffix(";base64") {
            body = body[body.index(after: comma)...]
        }
        var cleaned = [UInt8]()
        cleaned.reserveCapacity(body.utf8.count + 3)
        for byte in body.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): continue
            case UInt8(ascii: "-"): cleaned.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): cleaned.append(UInt8(ascii: "/"))
            default: cleaned.append(byte)
            }
        }
        if !cleaned.contains(UInt8(ascii: "=")) {
            cleaned.append(contentsOf: repeatElement(UInt8(ascii: "="), count: (4 - cleaned.count % 4) % 4))
        }
        guard let data = Data(base64Encoded: Data(cleaned)) else {
            throw APIError.badRequest(
                "'\(field)' is not valid base64 (only A-Z a-z 0-9 + / = or - _, and line breaks)", code: "invalid_base64")
        }
        return [UInt8](data)
    }
}

/// `POST /inference/batch`.
struct BatchBody: Decodable {
    var modelID: String
    var items: [InferenceBody]
    var outputFormat: OutputFormat?
    var async: Bool?
    var timeoutMs: Double?

    enum CodingKeys: String, CodingKey {
        case modelID = "model_id", items, outputFormat = "output_format", async, timeoutMs = "timeout_ms"
    }
}

/// How output tensors are written in JSON.
enum OutputFormat: String, Decodable {
    /// Raw little-endian bytes, base64.
    case base64
    /// Nested arrays of numbers, by shape.
    case list
}
