import Foundation
public import InferenceVision

/// The replies Frigate's `zmq` detector reads. Detections are `[header, rows]` with header
/// `{"shape": [20, 6], "dtype": "float32"}` (and `error` when the request failed) and rows of
/// `[class_id, score, y_min, x_min, y_max, x_max]`, coordinates 0...1 of the tensor sent,
/// sorted by descending score, zero rows after the last detection. Model management replies are
/// one JSON frame.
public enum FrigateReply {
    public static let rowCount = 20
    public static let columnCount = 6

    /// The reply to an inference request. `width` and `height` are those of the tensor sent, in
    /// whose pixels `detections` are.
    public static func detections(_ detections: [Detection], width: Int, height: Int) -> [[UInt8]] {
        [header(error: nil), rows(detections, width: width, height: height)]
    }

    /// Zero detections and what went wrong.
    public static func failure(_ message: String, code: String) -> [[UInt8]] {
        [header(error: (message, code)), [UInt8](repeating: 0, count: rowCount * columnCount * 4)]
    }

    /// The answer to `model_request`.
    public static func modelStatus(name: String, available: Bool, loaded: Bool, modelID: String?, error: String?) -> [[UInt8]] {
        [json(ModelStatus(modelAvailable: available, modelLoaded: loaded, modelName: name, modelID: modelID, error: error))]
    }

    /// The answer to `model_data`.
    public static func modelSaved(name: String, saved: Bool, loaded: Bool, modelID: String?, error: String?) -> [[UInt8]] {
        [json(ModelSaved(modelSaved: saved, modelLoaded: loaded, modelName: name, modelID: modelID, error: error))]
    }

    static func rows(_ detections: [Detection], width: Int, height: Int) -> [UInt8] {
        var values = [Float](repeating: 0, count: rowCount * columnCount)
        let sorted = detections.sorted { $0.score > $1.score }.prefix(rowCount)
        func unit(_ value: Double, _ size: Int) -> Float { Float(min(max(value / Double(size), 0), 1)) }
        for (row, detection) in sorted.enumerated() {
            let box = detection.box
            let base = row * columnCount
            values[base] = Float(detection.classID)
            values[base + 1] = Float(detection.score)
            values[base + 2] = unit(box.yMin, height)
            values[base + 3] = unit(box.xMin, width)
            values[base + 4] = unit(box.yMax, height)
            values[base + 5] = unit(box.xMax, width)
        }
        return values.flatMap { littleEndian($0.bitPattern) }
    }

    static func littleEndian(_ word: UInt32) -> [UInt8] {
        let value = word.littleEndian
        return [
            UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8),
            UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 24),
        ]
    }

    static func header(error: (message: String, code: String)?) -> [UInt8] {
        json(RowsHeader(shape: [rowCount, columnCount], dtype: "float32", error: error?.message, code: error?.code))
    }

    struct RowsHeader: Encodable {
        var shape: [Int]
        var dtype: String
        var error: String?
        var code: String?
    }

    struct ModelStatus: Encodable {
        var modelAvailable: Bool
        var modelLoaded: Bool
        var modelName: String
        var modelID: String?
        var error: String?

        enum CodingKeys: String, CodingKey {
            case modelAvailable = "model_available", modelLoaded = "model_loaded", modelName = "model_name", modelID = "model_id", error
        }
    }

    struct ModelSaved: Encodable {
        var modelSaved: Bool
        var modelLoaded: Bool
        var modelName: String
        var modelID: String?
        var error: String?

        enum CodingKeys: String, CodingKey {
            case modelSaved = "model_saved", modelLoaded = "model_loaded", modelName = "model_name", modelID = "model_id", error
        }
    }

    static func json(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(value))) ?? Array(#"{"error":"cannot encode the reply"}"#.utf8)
    }
}
