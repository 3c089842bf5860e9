import Foundation
import HTTPTypes
import InferenceCore
import Testing

@testable import InferenceHTTP

@Suite("KServe binary tensor data: header length, slicing, values", .timeLimit(.minutes(1)))
struct KServeBinaryBodyTests {
    let header = Array(#"{"inputs":[]}"#.utf8)

    @Test("without Inference-Header-Content-Length the whole body is JSON")
    func noHeaderLength() throws {
        let body = try BinaryTensorBody(body: header, headerLength: nil)
        #expect(Array(body.header) == header)
        #expect(body.binary.isEmpty)
        #expect(try body.slices(sizes: [("x", nil)]) == [nil])
    }

    @Test("the header length splits JSON from binary data, which binary_data_size slices in order")
    func slicing() throws {
        let body = try BinaryTensorBody(body: header + [1, 2, 3, 4, 5, 6], headerLength: "\(header.count)")
        #expect(Array(body.header) == header)
        let slices = try body.slices(sizes: [("a", 2), ("json", nil), ("b", 4), ("empty", 0)])
        #expect(slices.map { $0.map(Array.init) } == [[1, 2], nil, [3, 4, 5, 6], []])
    }

    @Test("a header length that is not a count or exceeds the body is refused", arguments: ["abc", "-1", "1e3", "999"])
    func badHeaderLength(value: String) {
        #expect(throws: APIError.self) { try BinaryTensorBody(body: header + [0, 0], headerLength: value) }
        do {
            _ = try BinaryTensorBody(body: header + [0, 0], headerLength: value)
        } catch {
            #expect(error.status == .badRequest && error.code == "invalid_header_length")
            #expect(error.message.contains("Inference-Header-Content-Length"))
        }
    }

    @Test("missing binary bytes are refused with what was expected and what was there")
    func missingBytes() throws {
        let body = try BinaryTensorBody(body: header + [1, 2, 3], headerLength: "\(header.count)")
        do {
            _ = try body.slices(sizes: [("a", 2), ("b", 4)])
            Issue.record("expected an error")
        } catch {
            #expect(error.code == "invalid_binary_data")
            #expect(error.message.contains("'b'") && error.message.contains("binary_data_size 4") && error.message.contains("only 1"))
        }
    }

    @Test("bytes that no binary_data_size accounts for are refused")
    func extraBytes() throws {
        let body = try BinaryTensorBody(body: header + [1, 2, 3], headerLength: "\(header.count)")
        #expect(throws: APIError.self) { try body.slices(sizes: [("a", 2)]) }
        #expect(throws: APIError.self) { try body.slices(sizes: [("a", nil)]) }
    }

    @Test("BYTES elements are length-prefixed; a truncated element is refused")
    func bytesElements() throws {
        let binary: [UInt8] = [2, 0, 0, 0, 0x68, 0x69, 0, 0, 0, 0, 3, 0, 0, 0, 1, 2, 3]
        #expect(try BytesTensor.elements(binary: binary[...], input: "s") == [[0x68, 0x69], [], [1, 2, 3]])
        #expect(throws: APIError.self) { try BytesTensor.elements(binary: [5, 0, 0, 0, 1][...], input: "s") }
        #expect(throws: APIError.self) { try BytesTensor.elements(binary: [5, 0][...], input: "s") }
    }

    @Test("KServe datatype names map to the core's element types and back")
    func datatypes() {
        for type in ElementType.allCases {
            #expect(KServeDatatype(KServeDatatype.name(of: type)) == .numeric(type))
        }
        #expect(KServeDatatype("BYTES") == .bytes)
        #expect(KServeDatatype("fp32") == nil && KServeDatatype("float32") == nil)
        #expect(KServeDatatype.configName(of: .float32) == "TYPE_FP32")
    }
}
