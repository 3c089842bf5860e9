import Foundation

/// A `multipart/form-data` body (RFC 7578), parsed whole: the parts of a model upload or an
/// image form are few and the body is already bounded by `--max-body-size`.
struct MultipartForm {
    struct Part {
        var name: String
        var fileName: String?
        var contentType: String?
        var body: ArraySlice<UInt8>
    }

    var parts: [Part]

    func part(_ name: String) -> Part? { parts.first { $0.name == name } }

    func text(_ name: String) -> String? {
        part(name).map { String(decoding: $0.body, as: UTF8.self) }
    }

    /// The longest boundary RFC 2046 allows. Each delimiter is searched for byte by byte, at a
    /// cost of the boundary's length per byte of the body: an unbounded boundary (an 8000-byte
    /// one took seconds per megabyte) would let one request hold a core for minutes.
    static let maxBoundaryLength = 70

    /// The boundary of a `multipart/form-data; boundary=…` content type: nil when it is missing,
    /// empty or longer than `maxBoundaryLength`, and the content type is refused as unsupported.
    static func boundary(contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return value.isEmpty || value.utf8.count > maxBoundaryLength ? nil : value
            }
        }
        return nil
    }

    /// Parses `body`; throws 400 with a message when it is not well-formed.
    init(body: [UInt8], boundary: String) throws {
        let delimiter = Array("--\(boundary)".utf8)
        let crlf: [UInt8] = [13, 10]
        var parts: [Part] = []
        guard var position = body[...].range(ofBytes: delimiter)?.upperBound else {
            throw APIError.badRequest("the multipart body has no '--\(boundary)' boundary", code: "invalid_multipart")
        }
        let nextDelimiter = crlf + delimiter
        while true {
            // After a delimiter: "--" ends the body, CRLF starts a part.
            if body[position...].starts(with: [45, 45]) { break }
            guard body[position...].starts(with: crlf) else {
                throw APIError.badRequest("malformed multipart boundary line", code: "invalid_multipart")
            }
            position += 2
            guard let headerEnd = body[position...].range(ofBytes: crlf + crlf) else {
                throw APIError.badRequest("a multipart part has no end of headers", code: "invalid_multipart")
            }
            let headers = String(decoding: body[position..<headerEnd.lowerBound], as: UTF8.self)
            guard let end = body[headerEnd.upperBound...].range(ofBytes: nextDelimiter) else {
                throw APIError.badRequest("the multipart body is truncated (no closing boundary)", code: "invalid_multipart")
            }
            parts.append(try Self.part(headers: headers, body: body[headerEnd.upperBound..<end.lowerBound]))
            position = end.upperBound
        }
        self.parts = parts
    }

    private static func part(headers: String, body: ArraySlice<UInt8>) throws -> Part {
        var name: String?
        var fileName: String?
        var contentType: String?
        for line in headers.split(separator: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let value = pair[1].trimmingCharacters(in: .whitespaces)
            switch pair[0].lowercased() {
            case "content-disposition":
                name = parameter("name", in: value)
                fileName = parameter("filename", in: value)
            case "content-type":
                contentType = value
            default:
                break
            }
        }
        guard let name else {
            throw APIError.badRequest("a multipart part has no Content-Disposition name", code: "invalid_multipart")
        }
        return Part(name: name, fileName: fileName, contentType: contentType, body: body)
    }

    /// A `key="value"` parameter of a header value.
    private static func parameter(_ key: String, in value: String) -> String? {
        for item in value.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == key {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }
}

extension MultipartForm {
    /// The text of the field `name` from the start of a multipart body, if that part has arrived
    /// whole (the next boundary follows it); nil otherwise. For reading a small field (an API
    /// key) without waiting for the parts after it.
    static func completeField(_ name: String, in bytes: [UInt8], boundary: String) -> String? {
        let delimiter = Array("--\(boundary)".utf8)
        var starts: [Int] = []
        var i = 0
        while i + delimiter.count <= bytes.count {
            if bytes[i] == delimiter[0], Array(bytes[i..<(i + delimiter.count)]) == delimiter {
                starts.append(i)
                i += delimiter.count
            } else {
                i += 1
            }
        }
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        for (start, next) in zip(starts, starts.dropFirst()) {
            let part = Array(bytes[(start + delimiter.count)..<next])
            guard
                let split = (0...max(0, part.count - separator.count)).first(where: {
                    Array(part[$0..<min(part.count, $0 + separator.count)]) == separator
                })
            else { continue }
            let headers = String(decoding: part[..<split], as: UTF8.self).lowercased()
            guard headers.contains("name=\"\(name.lowercased())\"") else { continue }
            var value = Array(part[(split + separator.count)...])
            if value.suffix(2) == [13, 10] { value.removeLast(2) }
            return String(decoding: value, as: UTF8.self)
        }
        return nil
    }
}

extension ArraySlice<UInt8> {
    /// The first occurrence of `needle`, in this slice's indices: `memchr` for its first byte,
    /// then `memcmp` (Foundation's generic `firstRange(of:)` cost a DeepStack request more than
    /// its JPEG decode).
    func range(ofBytes needle: [UInt8]) -> Range<Int>? {
        guard let first = needle.first, needle.count <= count else { return nil }
        return withUnsafeBytes { haystack in
            needle.withUnsafeBytes { needle -> Range<Int>? in
                let base = haystack.baseAddress!, last = haystack.count - needle.count
                var offset = 0
                while offset <= last {
                    guard let hit = memchr(base + offset, Int32(first), last - offset + 1) else { return nil }
                    offset = UnsafeRawPointer(hit) - base
                    if memcmp(hit, needle.baseAddress!, needle.count) == 0 {
                        return (startIndex + offset)..<(startIndex + offset + needle.count)
                    }
                    offset += 1
                }
                return nil
            }
        }
    }
}
