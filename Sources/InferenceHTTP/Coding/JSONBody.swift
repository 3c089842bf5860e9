import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// JSON bodies both ways: decodes requests (syntax errors are 400 `invalid_json`) and encodes
/// answers. Snake_case keys are spelled out in each type's `CodingKeys`, dates
/// as ISO 8601, slashes unescaped (base64 is full of them).
enum JSONBody {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let data = try encode(value)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(value)
    }

    /// Decodes a JSON body, turning syntax errors into 400 `invalid_json`.
    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        guard buffer.readableBytes > 0 else {
            throw APIError.badRequest("the request body is empty; send a JSON object", code: "invalid_json")
        }
        return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
    }
}

/// A JSON document encoded earlier (a finished task's answer), written again as it was.
enum EmbeddedJSON: Codable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([EmbeddedJSON])
    case object([String: EmbeddedJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([EmbeddedJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: EmbeddedJSON].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
