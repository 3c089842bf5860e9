import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@Suite("Inference over HTTP", .timeLimit(.minutes(1)))
struct InferenceRouteTests {
    func withAffine(_ service: TestService? = nil, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = try await service.orMake { try await TestService() }.application
        try await app.test(.router) { client in
            let (status, _) = try await client.json(.post, "/models/load", ["model_path": "affine.onnx", "model_id": "aff"])
            try #require(status == .created)
            try await body(client)
        }
    }

    @Test("the seed's request: base64 input_data in, base64 outputs and timings out")
    func seedRequest() async throws {
        try await withAffine { client in
            let (status, body) = try await client.json(
                .post, "/inference", ["model_id": "aff", "input_data": base64([1, 2, 3, -1, 0, 0.5])])
            #expect(status == .ok)
            let output = (body["outputs"] as? [[String: Any]])?.first ?? [:]
            #expect(output["name"] as? String == "y" && output["dtype"] as? String == "float32")
            #expect(output["shape"] as? [Int] == [2, 3])
            #expect(floats(output["data"]) == [3, 5, 7, -1, 1, 2])
            let timing = body["timing"] as? [String: Double] ?? [:]
            #expect(Set(timing.keys) == ["queue_ms", "inference_ms", "total_ms"])
        }
    }

    @Test("output_format list gives nested arrays")
    func listOutput() async throws {
        try await withAffine { client in
            let (_, body) = try await client.json(
                .post, "/inference", ["model_id": "aff", "input_data": base64([0, 1, 2]), "output_format": "list"])
            let data = (body["outputs"] as? [[String: Any]])?.first?["data"] as? [[Double]]
            #expect(data == [[1, 3, 5]])
        }
    }

    @Test("an octet-stream body in, raw bytes out with Accept: application/octet-stream")
    func rawBodies() async throws {
        try await withAffine { client in
            let input = [Float](arrayLiteral: 1, 1, 1).withUnsafeBytes { ByteBuffer(bytes: $0) }
            try await client.execute(
                uri: "/inference?model_id=aff", method: .post,
                headers: [.contentType: "application/octet-stream", .accept: "application/octet-stream"], body: input
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("X-Tensor-Shape")!] == "1,3")
                #expect(Array(response.body.readableBytesView).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) } == [3, 3, 3])
            }
        }
    }

    @Test(
        "malformed requests get a JSON error with the right status, and the service keeps serving",
        arguments: [
            (#"{"model_id": "aff", "input_data": "#, "application/json", HTTPResponse.Status.badRequest, "invalid_json"),
            (#"{"input_data": "AAAA"}"#, "application/json", .badRequest, "invalid_request"),
            (#"{"model_id": "nope", "input_data": "AACAPwAAgD8AAIA/"}"#, "application/json", .notFound, "model_not_found"),
            (#"{"model_id": "aff", "input_data": "AACAPwAAgD8="}"#, "application/json", .unprocessableContent, "shape_mismatch"),
            (
                #"{"model_id": "aff", "input_data": "AAAAAAAAAAAAAAAA", "dtype": "int32"}"#, "application/json", .unprocessableContent,
                "dtype_mismatch"
            ),
            (#"{"model_id": "aff", "input_data": "not base64!!"}"#, "application/json", .badRequest, "invalid_base64"),
            (
                #"{"model_id": "aff", "input_data": "AACAPwAAgD8AAIA/", "outputs": ["z"]}"#, "application/json", .unprocessableContent,
                "unknown_tensor"
            ),
            ("model_id=aff", "text/plain", .unsupportedMediaType, "unsupported_media_type"),
        ])
    func malformed(body: String, contentType: String, status expected: HTTPResponse.Status, code: String) async throws {
        try await withAffine { client in
            let answer = try await client.execute(
                uri: "/inference", method: .post, headers: [.contentType: contentType], body: ByteBuffer(string: body)
            ) { response in
                (response.status, try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:])
            }
            #expect(answer.0 == expected)
            #expect(errorCode(answer.1) == code)
            let (status, _) = try await client.json(.post, "/inference", ["model_id": "aff", "input_data": base64([1, 2, 3])])
            #expect(status == .ok)
        }
    }

    @Test("a body over the limit is 413; an unknown route is a JSON 404")
    func limits() async throws {
        try await withAffine(try await TestService(maxBodySize: 1024)) { client in
            let big = base64([Float](repeating: 0, count: 600))
            var (status, body) = try await client.json(.post, "/inference", ["model_id": "aff", "input_data": big])
            #expect(status == .contentTooLarge && errorCode(body) == "payload_too_large")
            (status, body) = try await client.json(.get, "/no/such/route")
            #expect(status == .notFound && errorCode(body) == "not_found")
        }
    }

    @Test("a known path asked with another method is 405 with Allow, in each API's error form")
    func methodNotAllowed() async throws {
        try await withAffine { client in
            for (method, path, allow) in [
                (HTTPRequest.Method.put, "/models", "GET"), (.get, "/inference", "POST"),
                (.put, "/models/aff", "DELETE, GET"), (.delete, "/v2/models/aff/infer", "POST"),
            ] {
                try await client.execute(uri: path, method: method) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                    #expect(response.headers[.allow] == allow, "\(method) \(path)")
                    let body = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                    if path.hasPrefix("/v2") {
                        #expect((body?["error"] as? String)?.contains("not allowed") == true)
                    } else {
                        #expect(errorCode(body ?? [:]) == "method_not_allowed")
                    }
                }
            }
        }
    }

    @Test("a batch answers every item; a bad item fails alone")
    func batch() async throws {
        try await withAffine { client in
            let (status, body) = try await client.json(
                .post, "/inference/batch",
                [
                    "model_id": "aff",
                    "items": [
                        ["input_data": base64([1, 1, 1])], ["input_data": "AAAA"], ["input_data": base64([2, 2, 2])],
                    ],
                ])
            #expect(status == .ok)
            let results = body["results"] as? [[String: Any]] ?? []
            #expect(results.map { $0["status"] as? String } == ["succeeded", "failed", "succeeded"])
            #expect(floats((results[2]["outputs"] as? [[String: Any]])?.first?["data"]) == [5, 5, 5])
            #expect(errorCode(results[1]) == "shape_mismatch")
            #expect(body["succeeded"] as? Int == 2 && body["failed"] as? Int == 1)
        }
    }

    @Test("async requests return a task that finishes with the result; unknown tasks are 404")
    func async() async throws {
        try await withAffine { client in
            var (status, body) = try await client.json(
                .post, "/inference", ["model_id": "aff", "input_data": base64([1, 2, 3]), "async": true])
            #expect(status == .accepted)
            let id = try #require(body["task_id"] as? String)
            _ = try await eventually {
                (status, body) = try await client.json(.get, "/inference/\(id)")
                return body["status"] as? String == "succeeded"
            }
            #expect(body["status"] as? String == "succeeded")
            #expect(floats(((body["result"] as? [String: Any])?["outputs"] as? [[String: Any]])?.first?["data"]) == [3, 5, 7])
            (status, body) = try await client.json(.get, "/inference/unknown-task")
            #expect(status == .notFound && errorCode(body) == "task_not_found")
        }
    }

    @Test("a run past its deadline is stopped and answered 504")
    func deadline() async throws {
        let app = try await TestService().application
        try await app.test(.router) { client in
            _ = try await client.json(.post, "/models/load", ["model_path": "slow.onnx"])
            let x = base64([Float](repeating: 0.01, count: 256 * 256))
            let iterations = withUnsafeBytes(of: Int64(1_000_000)) { Data($0).base64EncodedString() }
            let start = ContinuousClock.now
            let (status, body) = try await client.json(
                .post, "/inference",
                [
                    "model_id": "slow", "timeout_ms": 300,
                    "inputs": ["x": ["data": x], "iterations": ["data": iterations, "shape": [Int]()]],
                ])
            #expect(status == .gatewayTimeout && errorCode(body) == "deadline_exceeded")
            // Unstopped, the run takes minutes; the bound leaves a busy machine seconds of slack.
            #expect(ContinuousClock.now - start < .seconds(30))
        }
    }

    @Test("with API keys, every route but /health needs one")
    func apiKeys() async throws {
        let app = try await TestService(apiKeys: ["secret"]).application
        try await app.test(.router) { client in
            var (status, _) = try await client.json(.get, "/health")
            #expect(status == .ok)
            (status, _) = try await client.json(.get, "/models")
            #expect(status == .unauthorized)
            (status, _) = try await client.json(.get, "/models", headers: [.authorization: "Bearer secret"])
            #expect(status == .ok)
            (status, _) = try await client.json(.get, "/models", headers: [HTTPField.Name("X-API-Key")!: "secret"])
            #expect(status == .ok)
            (status, _) = try await client.json(.get, "/models", headers: [.authorization: "Bearer wrong"])
            #expect(status == .unauthorized)
        }
    }
}

@Suite("Service endpoints", .timeLimit(.minutes(1)))
struct ServiceRouteTests {
    @Test("health, devices and status describe the CPU backend and the models")
    func endpoints() async throws {
        let app = try await TestService().application
        try await app.test(.router) { client in
            var (status, body) = try await client.json(.get, "/health")
            #expect(status == .ok && body["status"] as? String == "ok")
            #expect(((body["backends"] as? [String: Any])?["cpu"] as? [String: Any])?["available"] as? Bool == true)
            _ = try await client.json(.post, "/models/load", ["model_path": "affine.onnx"])
            _ = try await client.json(.post, "/inference", ["model_id": "affine", "input_data": base64([1, 2, 3])])
            (status, body) = try await client.json(.get, "/devices")
            let cpu = (body["devices"] as? [[String: Any]])?.first
            #expect(cpu?["kind"] as? String == "cpu" && cpu?["models"] as? [String] == ["affine"])
            (status, body) = try await client.json(.get, "/status")
            let model = (body["models"] as? [[String: Any]])?.first
            #expect(model?["requests"] as? Int == 1 && model?["succeeded"] as? Int == 1)
            #expect((body["uptime_seconds"] as? Double ?? -1) >= 0)
        }
    }

    @Test("a live server on a real socket serves the API")
    func live() async throws {
        let app = try await TestService().application
        try await app.test(.live) { client in
            #expect(client.port != nil)
            var (status, _) = try await client.json(.post, "/models/load", ["model_path": "affine.onnx"])
            #expect(status == .created)
            var body: [String: Any]
            (status, body) = try await client.json(.post, "/inference", ["model_id": "affine", "input_data": base64([0, 0, 0])])
            #expect(status == .ok)
            #expect(floats((body["outputs"] as? [[String: Any]])?.first?["data"]) == [1, 1, 1])
        }
    }
}
