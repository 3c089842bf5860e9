import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Encodes response bodies: snake_case keys are spelled out in each type's `CodingKeys`, dates
/// as ISO 8601, slashes unescaped (base64 is full of them).
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Decodes a JSON body, turning syntax errors into 400 `invalid_json`.
    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        guard buffer.readableBytes > 0 else {
            throw APIError.badRequest("the request body is empty; send a JSON object", code: "invalid_json")
        }
        return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
    }
}
