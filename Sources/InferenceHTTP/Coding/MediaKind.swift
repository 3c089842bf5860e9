import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The body formats the routes accept, from the `Content-Type` header. A missing header is taken
/// as JSON, which is what most hand-written clients send without saying so.
enum MediaKind {
    case json
    case multipart(boundary: String)
    case octetStream
    /// `image/jpeg`, `image/png` (any `image/…`: the bytes say what they are).
    case image
    case other(String)

    init(_ request: Request) {
        guard let contentType = request.headers[.contentType] else {
            self = .json
            return
        }
        let essence = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch essence {
        case "application/json", "text/json", "":
            self = .json
        case "multipart/form-data":
            if let boundary = MultipartForm.boundary(contentType: contentType) {
                self = .multipart(boundary: boundary)
            } else {
                self = .other(contentType)
            }
        case "application/octet-stream":
            self = .octetStream
        case let type where type.hasPrefix("image/"):
            self = .image
        default:
            self = .other(contentType)
        }
    }

    /// As `init(_:)`, but a form-encoded body that is a JSON object counts as JSON: it is what
    /// `curl -d '{...}'` sends when the user forgets `-H 'Content-Type: application/json'`.
    init(_ request: Request, body: ByteBuffer) {
        self.init(request)
        if case .other(let type) = self, type.lowercased().hasPrefix("application/x-www-form-urlencoded"),
            body.readableBytesView.first(where: { ![0x20, 0x09, 0x0a, 0x0d].contains($0) }) == UInt8(ascii: "{")
        {
            self = .json
        }
    }

    static func unsupported(_ type: String, expected: String) -> APIError {
        APIError(.unsupportedMediaType, "unsupported_media_type", "Content-Type '\(type)' is not accepted here; send \(expected)")
    }
}
