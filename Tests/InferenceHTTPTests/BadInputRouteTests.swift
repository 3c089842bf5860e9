import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

/// Numbers no route may trap on: huge, negative, NaN and infinite values where counts are
/// wanted, and shapes whose size overflows. Each is refused with a 4xx in the route's own error
/// form, and the service keeps serving.
@Suite("Bad numbers and shapes on every route", .timeLimit(.minutes(1)))
struct BadInputRouteTests {
    static let affineInput = "AACAPwAAgD8AAIA/"  // three float32 ones

    func withAffine(_ service: TestService? = nil, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = try await service.orMake { try await TestService() }.application
        try await app.test(.router) { client in
            let (status, _) = try await client.json(.post, "/models/load", ["model_path": "affine.onnx", "model_id": "aff"])
            try #require(status == .created)
            try await body(client)
            let (after, _) = try await client.json(.post, "/inference", ["model_id": "aff", "input_data": Self.affineInput])
            #expect(after == .ok, "the service still serves")
        }
    }

    func send(
        _ client: any TestClientProtocol, _ uri: String, json: String? = nil, bytes: [UInt8]? = nil,
        contentType: String = "application/json",
        headers: HTTPFields = [:]
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        var fields = headers
        fields[.contentType] = contentType
        let body = json.map { ByteBuffer(string: $0) } ?? bytes.map { ByteBuffer(bytes: $0) }
        return try await client.execute(uri: uri, method: .post, headers: fields, body: body) { response in
            (response.status, (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]) ?? [:])
        }
    }

    static func nativeMessage(_ body: [String: Any]) -> String { (body["error"] as? [String: Any])?["message"] as? String ?? "" }

    @Test("a multipart boundary longer than RFC 2046's 70 characters is 415, not a search costing its length per body byte")
    func longBoundary() async throws {
        try await withAffine { client in
            let boundary = String(repeating: "a", count: 71)
            let form = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"model_id\"\r\n\r\naff\r\n--\(boundary)--\r\n".utf8)
            let (status, body) = try await send(client, "/inference", bytes: form, contentType: "multipart/form-data; boundary=\(boundary)")
            #expect(status == .unsupportedMediaType, "\(body)")
        }
    }

    @Test(
        "native JSON: timeout_ms and shapes out of range are 400 out_of_range naming the field",
        arguments: [
            (#"{"model_id": "aff", "input_data": "AACAPwAAgD8AAIA/", "timeout_ms": 1e13}"#, "'timeout_ms'"),
            (#"{"model_id": "aff", "input_data": "AACAPwAAgD8AAIA/", "timeout_ms": 10000000000000}"#, "'timeout_ms'"),
            (#"{"model_id": "aff", "input_data": "AACAPwAAgD8AAIA/", "timeout_ms": -1e300}"#, "'timeout_ms'"),
            (#"{"model_id": "aff", "input_data": "AACAPwAAgD8AAIA/", "timeout_ms": 1e300}"#, "'timeout_ms'"),
            (#"{"model_id": "aff", "input_data": "AACAPwAAgD8AAIA/", "shape": [4611686018427387904, 3]}"#, "overflows"),
            (#"{"model_id": "aff", "input_data": "AACAPwAAgD8AAIA/", "shape": [1, 1e300]}"#, "'shape[1]'"),
            (#"{"model_id": "aff", "inputs": {"x": {"data": "AACAPwAAgD8AAIA/", "shape": [3074457345618258603, 3]}}}"#, "overflows"),
        ])
    func nativeJSON(json: String, fragment: String) async throws {
        try await withAffine { client in
            let (status, body) = try await send(client, "/inference", json: json)
            #expect(status == .badRequest)
            #expect(errorCode(body) == "out_of_range", "\(body)")
            #expect(Self.nativeMessage(body).contains(fragment), "\(body)")
        }
    }

    @Test(
        "native query and octet-stream: timeout_ms and shape out of range are 400",
        arguments: [
            "/inference?model_id=aff&timeout_ms=1e13", "/inference?model_id=aff&timeout_ms=10000000000000",
            "/inference?model_id=aff&timeout_ms=nan",
            "/inference?model_id=aff&timeout_ms=-1", "/inference?model_id=aff&shape=4611686018427387904,3",
            "/inference?model_id=aff&shape=1,x",
            "/inference?model_id=aff&shape=1,3,3037000500,3037000500",
        ])
    func nativeQuery(uri: String) async throws {
        try await withAffine { client in
            let (status, body) = try await send(
                client, uri, bytes: [0, 0, 128, 63, 0, 0, 128, 63, 0, 0, 128, 63], contentType: "application/octet-stream")
            #expect(status == .badRequest || status == .unprocessableContent, "\(body)")
            #expect(errorCode(body) != nil, "\(body)")
        }
    }

    @Test("batch: a batch timeout out of range fails the batch, an item's fails the item")
    func batch() async throws {
        try await withAffine { client in
            let (status, body) = try await send(
                client, "/inference/batch", json: #"{"model_id": "aff", "timeout_ms": 1e13, "items": [{"input_data": "AACAPwAAgD8AAIA/"}]}"#
            )
            #expect(status == .badRequest && errorCode(body) == "out_of_range", "\(body)")
            let (itemStatus, items) = try await send(
                client, "/inference/batch",
                json:
                    #"{"model_id": "aff", "items": [{"input_data": "AACAPwAAgD8AAIA/", "timeout_ms": 1e13}, {"input_data": "AACAPwAAgD8AAIA/", "shape": [4611686018427387904, 3]}, {"input_data": "AACAPwAAgD8AAIA/"}]}"#
            )
            #expect(itemStatus == .ok)
            let results = items["results"] as? [[String: Any]] ?? []
            #expect(results.map { $0["status"] as? String } == ["failed", "failed", "succeeded"], "\(items)")
            #expect(results.prefix(2).allSatisfy { ($0["error"] as? [String: Any])?["code"] as? String == "out_of_range" }, "\(items)")
        }
    }

    @Test(
        "load options out of range are 400 naming the option",
        arguments: [
            #"{"model_path": "affine.onnx", "model_id": "a2", "options": {"intra_op_threads": 2000}}"#,
            #"{"model_path": "affine.onnx", "model_id": "a2", "options": {"max_queue": -1}}"#,
            #"{"model_path": "affine.onnx", "model_id": "a2", "options": {"max_in_flight": 1e300}}"#,
            #"{"model_path": "affine.onnx", "model_id": "a2", "options": {"input_shapes": {"x": [1, 1e300]}}}"#,
        ])
    func loadOptions(json: String) async throws {
        try await withAffine { client in
            let (status, body) = try await send(client, "/models/load", json: json)
            #expect(status == .badRequest && errorCode(body) == "out_of_range", "\(body)")
            #expect(Self.nativeMessage(body).contains("options."), "\(body)")
        }
    }

    @Test(
        "KServe: timeout and shapes out of range are 400 {\"error\": message}",
        arguments: [
            #"{"parameters": {"timeout": 1e13}, "inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}"#,
            #"{"parameters": {"timeout": 10000000000000}, "inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}"#,
            #"{"parameters": {"timeout": -5}, "inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}"#,
            #"{"parameters": {"priority": -1e300}, "inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}"#,
            #"{"inputs": [{"name": "x", "shape": [4611686018427387904, 3], "datatype": "FP32", "data": [1, 2, 3]}]}"#,
            #"{"inputs": [{"name": "x", "shape": [1, 3, 3037000500, 3037000500], "datatype": "BYTES", "data": ["a"]}]}"#,
            #"{"inputs": [{"name": "x", "shape": [1, 1e300], "datatype": "FP32", "data": [1, 2, 3]}]}"#,
            #"{"inputs": [{"name": "x", "shape": [1, 2.5], "datatype": "FP32", "data": [1, 2, 3]}]}"#,
        ])
    func kserveJSON(json: String) async throws {
        try await withAffine { client in
            _ = try await client.json(.post, "/v2/repository/models/affine/load")
            let (status, body) = try await send(client, "/v2/models/affine/infer", json: json)
            #expect(status == .badRequest, "\(body)")
            #expect(body.keys.sorted() == ["error"] && body["error"] is String, "\(body)")
        }
    }

    @Test("KServe binary tensors: a shape whose byte size overflows is 400")
    func kserveBinary() async throws {
        try await withAffine { client in
            _ = try await client.json(.post, "/v2/repository/models/affine/load")
            let header = Array(
                #"{"inputs": [{"name": "x", "shape": [1, 3, 1073741824, 1073741824], "datatype": "FP32", "parameters": {"binary_data_size": 12}}]}"#
                    .utf8)
            let (status, body) = try await send(
                client, "/v2/models/affine/infer", bytes: header + [UInt8](repeating: 0, count: 12),
                contentType: "application/octet-stream",
                headers: [HTTPField.Name("Inference-Header-Content-Length")!: "\(header.count)"])
            #expect(status == .badRequest, "\(body)")
            #expect(body["error"] is String, "\(body)")
        }
    }

    @Test("a Content-Length over the limit is 413 before any body is read, in each API's form")
    func declaredTooLarge() async throws {
        try await withAffine(try await TestService(maxBodySize: 1024)) { client in
            for path in ["/inference", "/v2/models/affine/infer", "/v1/vision/detection"] {
                let status = try await client.execute(
                    uri: path, method: .post,
                    headers: [.contentType: "application/json", .contentLength: "10000000000"], body: nil
                ) { response in
                    #expect(response.headers[.connection] == "close")
                    let body = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
                    switch path {
                    case "/inference": #expect(errorCode(body) == "payload_too_large")
                    case "/v1/vision/detection": #expect(body["success"] as? Bool == false && body["error"] is String)
                    default: #expect(body.keys.sorted() == ["error"] && body["error"] is String)
                    }
                    return response.status
                }
                #expect(status == .contentTooLarge, "\(path)")
            }
        }
    }
}

/// The same numbers on the image routes, with the demo detector.
@Suite("Bad numbers on the image routes", .timeLimit(.minutes(1)))
struct BadImageInputRouteTests {
    @Test(
        "max_detections, thresholds and frame sizes out of range are 400 in JSON, query and multipart requests",
        arguments: ["1e300", "-1e300", "nan", "inf", "0", "2.5"])
    func maxDetections(value: String) async throws {
        let jpeg = try TestEnvironment.image("astronaut.jpg")
        let app = try await TestService(maxBodySize: 8 << 20, withDemoModel: true).application
        try await app.test(.router) { client in
            let (loaded, _) = try await client.json(.post, "/models/load", ["model_path": "demo.onnx", "model_id": "demo"])
            try #require(loaded == .created)
            var answers: [(String, HTTPResponse.Status, [String: Any])] = []
            let query = try await client.execute(
                uri: "/inference?model_id=demo&max_detections=\(value)", method: .post,
                headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: jpeg)
            ) { response in
                (response.status, try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:])
            }
            answers.append(("query", query.0, query.1))
            let (form, boundary) = multipart(["model_id": Array("demo".utf8), "image": jpeg, "max_detections": Array(value.utf8)])
            let multipartAnswer = try await client.execute(
                uri: "/inference", method: .post,
                headers: [.contentType: "multipart/form-data; boundary=\(boundary)"],
                body: ByteBuffer(bytes: form)
            ) { response in
                (response.status, try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:])
            }
            answers.append(("multipart", multipartAnswer.0, multipartAnswer.1))
            if let number = Double(value), number.isFinite {
                let json = #"{"model_id": "demo", "input_data": "\#(Data(jpeg).base64EncodedString())", "max_detections": \#(value)}"#
                let answer = try await client.execute(
                    uri: "/inference", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: json)
                ) { response in
                    (
                        response.status,
                        try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
                    )
                }
                answers.append(("json", answer.0, answer.1))
            }
            for (form, status, body) in answers {
                #expect(status == .badRequest, "\(form): \(body)")
                #expect(errorCode(body) == "out_of_range", "\(form): \(body)")
            }
            let (after, _) = try await client.json(
                .post, "/inference", ["model_id": "demo", "input_data": Data(jpeg).base64EncodedString()])
            #expect(after == .ok)
        }
    }
}
