/// A cursor over JSON text for the KServe infer header: reads tensor `data` arrays (flat or
/// nested, any depth up to `maxDepth`) straight into a `TensorElementSink`, and steps over any
/// other value. Used only inside `withUnsafeBufferPointer` over the header's bytes.
///
/// Tensor data may hold the bare tokens `NaN`, `Infinity` and `-Infinity`, as Triton's JSON
/// parser accepts; everything else follows JSON's grammar strictly.
struct JSONTensorReader {
    let text: UnsafeBufferPointer<UInt8>
    var position: Int

    /// Nesting deeper than this is refused (no tensor has that many dimensions).
    static let maxDepth = 32

    struct SyntaxError: Error {
        var message: String
        var offset: Int
    }

    enum Failure: Error {
        case syntax(SyntaxError)
        case value(TensorValueError)
    }

    init(_ text: UnsafeBufferPointer<UInt8>, position: Int = 0) {
        self.text = text
        self.position = position
    }

    var atEnd: Bool { position >= text.count }

    var peek: UInt8? { position < text.count ? text[position] : nil }

    mutating func skipWhitespace() {
        while position < text.count {
            switch text[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    func syntax(_ message: String) -> SyntaxError {
        SyntaxError(message: message, offset: position)
    }

    mutating func expect(_ byte: UInt8) throws(SyntaxError) {
        skipWhitespace()
        guard peek == byte else { throw syntax("expected '\(Character(Unicode.Scalar(byte)))'") }
        position += 1
    }

    // MARK: Tensor data

    /// Reads a `data` value (an array, or a single scalar) into `sink`.
    mutating func readTensorData(into sink: inout TensorElementSink) throws(Failure) {
        skipWhitespace()
        if peek == UInt8(ascii: "[") {
            try readArray(into: &sink, depth: 1)
        } else {
            try readScalar(into: &sink)
        }
    }

    private mutating func readArray(into sink: inout TensorElementSink, depth: Int) throws(Failure) {
        guard depth <= Self.maxDepth else { throw .syntax(syntax("'data' is nested too deeply")) }
        position += 1  // "["
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            position += 1
            return
        }
        while true {
            skipWhitespace()
            if peek == UInt8(ascii: "[") {
                try readArray(into: &sink, depth: depth + 1)
            } else {
                try readScalar(into: &sink)
            }
            skipWhitespace()
            guard let next = peek else { throw .syntax(syntax("unterminated array")) }
            position += 1
            if next == UInt8(ascii: "]") { return }
            guard next == UInt8(ascii: ",") else { position -= 1; throw .syntax(syntax("expected ',' or ']'")) }
        }
    }

    private mutating func readScalar(into sink: inout TensorElementSink) throws(Failure) {
        guard let byte = peek else { throw .syntax(syntax("unexpected end of the JSON text")) }
        do {
            switch byte {
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                if byte == UInt8(ascii: "-"), position + 1 < text.count, text[position + 1] == UInt8(ascii: "I") {
                    position += 1
                    try literal("Infinity")
                    try sink.nonFinite(-.infinity, token: "-Infinity")
                } else {
                    let start = position
                    try skipNumber()
                    try sink.number(UnsafeBufferPointer(rebasing: text[start..<position]))
                }
            case UInt8(ascii: "\""):
                try sink.string(try readString())
            case UInt8(ascii: "t"):
                try literal("true")
                try sink.bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                try sink.bool(false)
            case UInt8(ascii: "N"):
                try literal("NaN")
                try sink.nonFinite(.nan, token: "NaN")
            case UInt8(ascii: "I"):
                try literal("Infinity")
                try sink.nonFinite(.infinity, token: "Infinity")
            case UInt8(ascii: "n"):
                try literal("null")
                throw Failure.value(TensorValueError(index: sink.count, shown: "null", datatype: sink.datatype))
            default:
                throw syntax("tensor data holds booleans, numbers or strings only")
            }
        } catch let error as SyntaxError {
            throw .syntax(error)
        } catch let error as TensorValueError {
            throw .value(error)
        } catch let error as Failure {
            throw error
        } catch {
            throw .syntax(syntax("\(error)"))
        }
    }

    private mutating func literal(_ word: StaticString) throws(SyntaxError) {
        let count = word.utf8CodeUnitCount
        guard text.count - position >= count else { throw syntax("unexpected end of the JSON text") }
        let start = word.utf8Start
        for i in 0..<count where text[position + i] != start[i] {
            throw syntax("invalid literal")
        }
        position += count
    }

    // MARK: Any value

    /// Steps over a number, checking JSON's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    mutating func skipNumber() throws(SyntaxError) {
        if peek == UInt8(ascii: "-") { position += 1 }
        guard let first = peek, first &- 48 < 10 else { throw syntax("invalid number") }
        position += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if peek == UInt8(ascii: ".") {
            position += 1
            guard let digit = peek, digit &- 48 < 10 else { throw syntax("invalid number") }
            skipDigits()
        }
        if let e = peek, e | 0x20 == UInt8(ascii: "e") {
            position += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
            guard let digit = peek, digit &- 48 < 10 else { throw syntax("invalid number") }
            skipDigits()
        }
    }

    private mutating func skipDigits() {
        while position < text.count, text[position] &- 48 < 10 { position += 1 }
    }

    /// Reads a string (at its opening quote) and returns its UTF-8 bytes, escapes resolved.
    mutating func readString() throws(SyntaxError) -> [UInt8] {
        position += 1  // opening quote
        let start = position
        while position < text.count {
            let byte = text[position]
            if byte == UInt8(ascii: "\"") {
                defer { position += 1 }
                return Array(text[start..<position])
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw syntax("control character in a string") }
            position += 1
        }
        var out = Array(text[start..<position])
        while position < text.count {
            let byte = text[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return out
            case UInt8(ascii: "\\"):
                guard let escaped = peek else { throw syntax("unterminated string") }
                position += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escaped)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), text.count - position >= 6,
                        text[position] == UInt8(ascii: "\\"), text[position + 1] == UInt8(ascii: "u")
                    {
                        position += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw syntax("invalid surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw syntax("invalid \\u escape") }
                    out.append(contentsOf: String(unicode).utf8)
                default:
                    throw syntax("invalid escape")
                }
            default:
                guard byte >= 0x20 else { throw syntax("control character in a string") }
                out.append(byte)
            }
        }
        throw syntax("unterminated string")
    }

    private mutating func hex4() throws(SyntaxError) -> UInt32 {
        guard text.count - position >= 4 else { throw syntax("invalid \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = text[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - 48
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - 87
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - 55
            default: throw syntax("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// Steps over any JSON value (bare NaN/Infinity too, so that a `data` array is always found
    /// whole).
    mutating func skipValue(depth: Int = 0) throws(SyntaxError) {
        guard depth <= 512 else { throw syntax("nested too deeply") }
        skipWhitespace()
        guard let byte = peek else { throw syntax("unexpected end of the JSON text") }
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            position += 1
            skipWhitespace()
            if peek == close {
                position += 1
                return
            }
            while true {
                if close == UInt8(ascii: "}") {
                    skipWhitespace()
                    guard peek == UInt8(ascii: "\"") else { throw syntax("expected a key") }
                    _ = try readString()
                    try expect(UInt8(ascii: ":"))
                }
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard let next = peek else { throw syntax("unterminated value") }
                position += 1
                if next == close { return }
                guard next == UInt8(ascii: ",") else { throw syntax("expected ','") }
            }
        case UInt8(ascii: "\""): _ = try readString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "N"): try literal("NaN")
        case UInt8(ascii: "I"): try literal("Infinity")
        case UInt8(ascii: "-") where position + 1 < text.count && text[position + 1] == UInt8(ascii: "I"):
            position += 1
            try literal("Infinity")
        default: try skipNumber()
        }
    }
}
