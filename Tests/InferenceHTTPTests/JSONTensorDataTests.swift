import Foundation
import InferenceCore
import Testing

@testable import InferenceHTTP

@Suite("JSON tensor data read in one pass", .timeLimit(.minutes(1)))
struct JSONTensorDataTests {
    /// Reads `json` (a `data` value) as elements of `datatype`.
    func read(_ json: String, _ datatype: KServeDatatype) throws -> (count: Int, bytes: [UInt8], strings: [[UInt8]]) {
        try JSONTensorData.pending(Array(json.utf8)[...]).elements(as: datatype, input: "x")
    }

    func le<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
    }

    @Test("flat or nested data becomes little-endian bytes of the datatype")
    func values() throws {
        let floats = try read("[[1, -2], [3.5, 4e0]]", .numeric(.float32))
        #expect(floats.count == 4 && floats.bytes == le([Float(1), -2, 3.5, 4].map(\.bitPattern)))
        #expect(try read("[1.5]", .numeric(.float16)).bytes == [0x00, 0x3E])
        #expect(try read("[9007199254740993, -9223372036854775808]", .numeric(.int64)).bytes == le([Int64(9007199254740993), .min]))
        #expect(try read("[18446744073709551615, 2.0, 1e3]", .numeric(.uint64)).bytes == le([UInt64.max, 2, 1000]))
        #expect(try read("[true, false, 1, 0]", .numeric(.bool)).bytes == [1, 0, 1, 0])
        #expect(try read(#"["a\u00e9\n", ""]"#, .bytes).strings == [Array("a\u{e9}\n".utf8), []])
        #expect(try read("[]", .numeric(.int8)).count == 0)
    }

    @Test("bare NaN, Infinity and -Infinity (and their strings) are floats, as Triton reads them")
    func nonFinite() throws {
        let values = try read(#"[NaN, Infinity, -Infinity, "NaN", "-inf", -0.0]"#, .numeric(.float32)).bytes
        let floats = stride(from: 0, to: values.count, by: 4).map { i in
            Float(bitPattern: values[i..<(i + 4)].reversed().reduce(0) { $0 << 8 | UInt32($1) })
        }
        #expect(floats[0].isNaN && floats[1] == .infinity && floats[2] == -.infinity && floats[3].isNaN && floats[4] == -.infinity)
        #expect(floats[5] == 0 && floats[5].sign == .minus)
        let doubles = try read("[NaN, -Infinity]", .numeric(.float64)).bytes
        #expect(
            Double(bitPattern: UInt64(littleEndian: doubles.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self) }))
                == -.infinity)
        #expect(throws: APIError.self) { try read("[NaN]", .numeric(.int32)) }
    }

    @Test(
        "floats round exactly as strtod then Float() do, fast path or not",
        arguments: [
            "0.1", "0.501960813999176", "3.4028234663852886e38", "1.1754943508222875e-38", "1e-45", "7e-46",
            "123456789012345678901234567890", "0.30000000000000004", "16777217", "1.00000005960464477539062500001",
            "1.000000059604644775390625", "-2.5e-7", "4.2e+30", "9.999999999999999e22", "1e23", "8.589973e9",
        ])
    func floatRounding(text: String) throws {
        let bytes = try read("[\(text)]", .numeric(.float32)).bytes
        let bits = bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
        #expect(bits == Float(strtod(text, nil)).bitPattern, "\(text)")
        let double = try read("[\(text)]", .numeric(.float64)).bytes
        #expect(double.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) } == strtod(text, nil).bitPattern)
    }

    @Test("random floats written shortest read back to the same bits")
    func roundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        let values = (0..<20_000).map { _ in Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator)) }.filter(\.isFinite)
        let json = "[" + values.map { "\($0)" }.joined(separator: ",") + "]"
        let bytes = try read(json, .numeric(.float32)).bytes
        #expect(bytes == le(values.map(\.bitPattern)))
        let doubles = values.map { Double($0) * 1.000000001 }
        let json64 = "[" + doubles.map { "\($0)" }.joined(separator: ",") + "]"
        #expect(try read(json64, .numeric(.float64)).bytes == le(doubles.map(\.bitPattern)))
    }

    @Test(
        "values that do not fit the datatype are refused",
        arguments: [
            ("[300]", "UINT8"), ("[-1]", "UINT32"), ("[1.5]", "INT32"), ("[true]", "FP32"), (#"["x"]"#, "INT8"),
            ("[2]", "BOOL"), ("[null]", "FP32"), ("[1]", "BYTES"), ("[128]", "INT8"), ("[18446744073709551616]", "UINT64"),
        ])
    func invalidValues(json: String, datatype: String) throws {
        let error = try #require(throws: APIError.self) { try read(json, KServeDatatype(datatype)!) }
        #expect(error.code == "invalid_data", "\(error)")
    }

    @Test("malformed data is a 400 naming the input", arguments: ["[1,", "[1 2]", "[01]", "[1.]", "[-]", "[nan]", "[[1]", #"["a]"#, "{}"])
    func malformed(json: String) throws {
        let error = try #require(throws: APIError.self) { try read(json, .numeric(.float32)) }
        #expect(error.code == "invalid_json" && error.message.contains("'x'"), "\(error)")
    }

    @Test("the header's data arrays are read in place; the rest goes to JSONDecoder without them")
    func header() throws {
        let json =
            #"{"id":"a\"b","inputs":[{"name":"x","shape":[1,2],"datatype":"FP32","data":[NaN,[1]]},"#
            + #"{"data":[1,2],"name":"y","datatype":"INT8","shape":[2]},{"name":"z","shape":[0],"datatype":"FP32"}],"outputs":[{"name":"data"}]}"#
        let request = try KServeInferRequest.decode(header: Array(json.utf8)[...])
        #expect(request.id == "a\"b" && request.inputs.map(\.name) == ["x", "y", "z"])
        guard case .read(let count, let bytes, _) = request.inputs[0].data else {
            Issue.record("x was not read in place")
            return
        }
        #expect(
            count == 2
                && Float(bitPattern: UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24).isNaN)
        guard case .pending = request.inputs[1].data else {
            Issue.record("y's data came before its datatype: it is read later")
            return
        }
        #expect(try request.inputs[1].data?.elements(as: .numeric(.int8), input: "y").bytes == [1, 2])
        #expect(request.inputs[2].data == nil && request.outputs?.map(\.name) == ["data"])
        // NaN outside tensor data is still not JSON.
        #expect(throws: (any Error).self) { try KServeInferRequest.decode(header: Array(#"{"inputs":[],"id":NaN}"#.utf8)[...]) }
    }

    @Test("outputs are written as JSON numbers, non-finite floats as bare tokens")
    func outputValues() {
        var json = JSONTensorValues()
        json.tensor(.float32, le([Float(1.25), .nan, -.infinity, .infinity, 0.1].map(\.bitPattern)))
        #expect(String(decoding: json.bytes, as: UTF8.self) == "[1.25,NaN,-Infinity,Infinity,0.1]")
        json = JSONTensorValues()
        json.tensor(.int64, le([Int64.min]))
        json.tensor(.bool, [1, 0])
        json.string("a\"\\\n\u{1}/")
        #expect(String(decoding: json.bytes, as: UTF8.self) == #"[-9223372036854775808][true,false]"a\"\\\n\u0001/""#)
    }
}
