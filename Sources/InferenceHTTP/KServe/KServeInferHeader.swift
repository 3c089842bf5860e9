import Foundation

/// The JSON header of an infer request, read in one pass: each top-level `inputs[i].data` is read
/// straight into its tensor's bytes (`JSONTensorData`) and replaced by `null` in a copy of the
/// header, and that copy — names, shapes, datatypes, parameters, small — is left to
/// `JSONDecoder`. Tensor data may hold bare `NaN`, `Infinity`, `-Infinity` (Triton accepts them);
/// nothing else in the header may.
struct KServeInferHeader {
    /// The header with every input's `data` replaced by `null`.
    var stripped: [UInt8]
    /// The data of input i, for the inputs that have one.
    var data: [Int: JSONTensorData]

    /// Reads `header`. A header this reader cannot follow (malformed outside the data arrays, not
    /// an object…) is returned whole, for `JSONDecoder` to report; malformed data is a 400 here.
    init(_ header: ArraySlice<UInt8>) throws(APIError) {
        let found = try header.withUnsafeBufferPointer { (text) throws(APIError) -> [Found]? in
            var scanner = Scanner(reader: JSONTensorReader(text), base: header)
            do throws(Failure) {
                return try scanner.topLevel()
            } catch let failure {
                switch failure {
                case .unreadable: return nil
                case .data(let error, let input): throw JSONTensorData.apiError(error, input: input)
                }
            }
        }
        guard let found, !found.isEmpty else {
            stripped = Array(header)
            data = [:]
            return
        }
        var stripped: [UInt8] = []
        var data: [Int: JSONTensorData] = [:]
        var copied = header.startIndex
        for (index, span) in found.enumerated() where span.start >= 0 {
            stripped.append(contentsOf: header[copied..<(header.startIndex + span.start)])
            stripped.append(contentsOf: "null".utf8)
            copied = header.startIndex + span.end
            data[index] = span.data
        }
        stripped.append(contentsOf: header[copied...])
        self.stripped = stripped
        self.data = data
    }

    /// One object of `inputs`: its name and the span of its `data` value (start -1: none).
    private struct Found {
        var start: Int
        var end: Int
        var name: String
        var data: JSONTensorData
    }

    private enum Failure: Error {
        case unreadable
        case data(JSONTensorReader.Failure, input: String)
    }

    /// Walks the top-level object and its `inputs` array.
    private struct Scanner {
        var reader: JSONTensorReader
        let base: ArraySlice<UInt8>

        /// One entry per object of `inputs`.
        mutating func topLevel() throws(Failure) -> [Found] {
            var inputs: [Found] = []
            reader.skipWhitespace()
            guard reader.peek == UInt8(ascii: "{") else { throw .unreadable }
            try members { (key, scanner) throws(Failure) in
                if key == Array("inputs".utf8) {
                    inputs = try scanner.inputs()
                } else {
                    try scanner.skip()
                }
            }
            return inputs
        }

        mutating func skip() throws(Failure) {
            do { try reader.skipValue() } catch { throw .unreadable }
        }

        /// Calls `body` with each key of the object at the cursor, the cursor at its value.
        mutating func members(_ body: ([UInt8], inout Scanner) throws(Failure) -> Void) throws(Failure) {
            do {
                reader.position += 1  // "{"
                reader.skipWhitespace()
                if reader.peek == UInt8(ascii: "}") {
                    reader.position += 1
                    return
                }
                while true {
                    reader.skipWhitespace()
                    guard reader.peek == UInt8(ascii: "\"") else { throw Failure.unreadable }
                    let key = try reader.readString()
                    try reader.expect(UInt8(ascii: ":"))
                    reader.skipWhitespace()
                    try body(key, &self)
                    reader.skipWhitespace()
                    guard let next = reader.peek else { throw Failure.unreadable }
                    reader.position += 1
                    if next == UInt8(ascii: "}") { return }
                    guard next == UInt8(ascii: ",") else { throw Failure.unreadable }
                }
            } catch let error as Failure {
                throw error
            } catch {
                throw .unreadable
            }
        }

        mutating func inputs() throws(Failure) -> [Found] {
            guard reader.peek == UInt8(ascii: "[") else {
                try skip()
                return []
            }
            var found: [Found] = []
            reader.position += 1
            reader.skipWhitespace()
            if reader.peek == UInt8(ascii: "]") {
                reader.position += 1
                return []
            }
            while true {
                reader.skipWhitespace()
                guard reader.peek == UInt8(ascii: "{") else { throw .unreadable }
                found.append(try input(index: found.count))
                reader.skipWhitespace()
                guard let next = reader.peek else { throw .unreadable }
                reader.position += 1
                if next == UInt8(ascii: "]") { return found }
                guard next == UInt8(ascii: ",") else { throw .unreadable }
            }
        }

        /// One input object: its `data` read with the `datatype` seen before it, or kept as text.
        mutating func input(index: Int) throws(Failure) -> Found {
            var datatype: KServeDatatype?
            var name = "#\(index)"
            var span: (start: Int, end: Int, data: JSONTensorData)?
            try members { (key, scanner) throws(Failure) in
                switch key {
                case Array("datatype".utf8) where scanner.reader.peek == UInt8(ascii: "\""):
                    do {
                        datatype = KServeDatatype(String(decoding: try scanner.reader.readString(), as: UTF8.self))
                    } catch {
                        throw .unreadable
                    }
                case Array("name".utf8) where scanner.reader.peek == UInt8(ascii: "\""):
                    do {
                        name = String(decoding: try scanner.reader.readString(), as: UTF8.self)
                    } catch {
                        throw .unreadable
                    }
                case Array("data".utf8):
                    let start = scanner.reader.position
                    if let datatype {
                        var sink = TensorElementSink(datatype)
                        do throws(JSONTensorReader.Failure) {
                            try scanner.reader.readTensorData(into: &sink)
                        } catch {
                            throw .data(error, input: name)
                        }
                        span = (start, scanner.reader.position, JSONTensorData(sink))
                    } else {
                        try scanner.skip()
                        let base = scanner.base
                        span = (
                            start, scanner.reader.position,
                            .pending(base[(base.startIndex + start)..<(base.startIndex + scanner.reader.position)])
                        )
                    }
                default:
                    try scanner.skip()
                }
            }
            guard let span else { return Found(start: -1, end: -1, name: name, data: .read(count: 0, bytes: [], strings: [])) }
            return Found(start: span.start, end: span.end, name: name, data: span.data)
        }
    }
}
