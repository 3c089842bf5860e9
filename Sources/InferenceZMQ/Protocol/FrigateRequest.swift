import Foundation
public import InferenceVision

/// A request of Frigate's `zmq` remote detector (`frigate/detectors/plugins/zmq_ipc.py`), the
/// frames after the envelope:
///
/// * `[{"model_request": true, "model_name": NAME}]`: is the model there and loaded?
/// * `[{"model_data": true, "model_name": NAME}, FILE]`: the model file, to save and load;
/// * `[{"shape": [...], "dtype": "uint8" | "float32", "model_type": TYPE}, TENSOR]`: one frame.
public enum FrigateRequest: Sendable {
    case modelRequest(name: String)
    case modelData(name: String, bytes: [UInt8])
    case inference(TensorImage, modelType: String?)

    /// The kind of request, as metrics and logs name it.
    public var kind: String {
        switch self {
        case .modelRequest: "model_request"
        case .modelData: "model_data"
        case .inference: "inference"
        }
    }

    /// Parses the frames; a malformed message throws a `FrigateProtocolError` saying what is wrong.
    public static func parse(_ frames: [[UInt8]]) throws(FrigateProtocolError) -> FrigateRequest {
        guard let first = frames.first, !first.isEmpty else { throw .malformed("the message has no header frame") }
        let header: FrigateHeader
        do {
            header = try JSONDecoder().decode(FrigateHeader.self, from: Data(first))
        } catch {
            throw .malformed("the header frame is not a JSON object of Frigate's format (\(Self.reason(error)))")
        }
        if header.modelRequest {
            guard frames.count == 1 else { throw .malformed("a model_request has one frame, not \(frames.count)") }
            return .modelRequest(name: try modelName(header))
        }
        if header.modelData {
            guard frames.count == 2 else { throw .malformed("model_data has two frames (header, model file), not \(frames.count)") }
            return .modelData(name: try modelName(header), bytes: frames[1])
        }
        guard frames.count == 2 else { throw .malformed("an inference request has two frames (header, tensor), not \(frames.count)") }
        let tensor = try FrigateTensorHeader(header).tensor(frames[1])
        return .inference(tensor, modelType: header.modelType)
    }

    static func modelName(_ header: FrigateHeader) throws(FrigateProtocolError) -> String {
        guard let name = header.modelName, !name.isEmpty else { throw .malformed("the header has no model_name") }
        return name
    }

    static func reason(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}

/// The header frame: the keys of every kind of request, all optional.
struct FrigateHeader: Decodable {
    var modelRequest = false
    var modelData = false
    var modelName: String?
    var shape: [Int]?
    var dtype: String?
    var modelType: String?
    var layout: String?

    enum CodingKeys: String, CodingKey {
        case modelRequest = "model_request", modelData = "model_data", modelName = "model_name", shape, dtype
        case modelType = "model_type", layout
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // Present and not false or null (Frigate sends true).
        func flag(_ key: CodingKeys) -> Bool {
            guard container.contains(key), (try? container.decodeNil(forKey: key)) != true else { return false }
            return (try? container.decode(Bool.self, forKey: key)) ?? true
        }
        modelRequest = flag(.modelRequest)
        modelData = flag(.modelData)
        modelName = try container.decodeIfPresent(String.self, forKey: .modelName)
        shape = try container.decodeIfPresent([Int].self, forKey: .shape)
        dtype = try container.decodeIfPresent(String.self, forKey: .dtype)
        modelType = try container.decodeIfPresent(String.self, forKey: .modelType)
        layout = try container.decodeIfPresent(String.self, forKey: .layout)
    }
}

/// What is wrong with a message, answered in the reply's `error` field.
public struct FrigateProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public static func malformed(_ message: String) -> FrigateProtocolError { FrigateProtocolError(message: message) }

    public var description: String { message }
}
