import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("KServe v2 routes", .timeLimit(.minutes(1)))
struct KServeRouteTests {
    @Test("repository load, metadata with -1 dims, ready per version, unload")
    func repository() async throws {
        let app = try await TestService().application
        try await app.test(.router) { client in
            var (status, body) = try await client.json(.post, "/v2/repository/models/missing/load")
            #expect(status == .notFound && (body["error"] as? String)?.contains("missing.onnx") == true)
            (status, body) = try await client.json(.post, "/v2/repository/models/affine/load", [:])
            #expect(status == .ok)
            (status, body) = try await client.json(.get, "/v2/models/affine")
            #expect(status == .ok && body["platform"] as? String == "onnxruntime_onnx")
            #expect((body["inputs"] as? [[String: Any]])?.first?["shape"] as? [Int] == [-1, 3])
            #expect((body["inputs"] as? [[String: Any]])?.first?["datatype"] as? String == "FP32")
            (status, _) = try await client.json(.get, "/v2/models/affine/versions/1/ready")
            #expect(status == .ok)
            (status, body) = try await client.json(.get, "/v2/models/affine/versions/2/ready")
            #expect(status == .notFound && (body["error"] as? String)?.contains("version") == true)
            (status, _) = try await client.json(.post, "/v2/repository/models/affine/unload", [:])
            #expect(status == .ok)
            (status, body) = try await client.json(.get, "/v2/models/affine/ready")
            #expect(status == .notFound && body["error"] is String)
        }
    }

    @Test("JSON inputs in, JSON outputs out")
    func jsonInference() async throws {
        let app = try await TestService().application
        try await app.test(.router) { client in
            _ = try await client.json(.post, "/v2/repository/models/affine/load")
            let (status, body) = try await client.json(
                .post, "/v2/models/affine/infer",
                [
                    "id": "r1", "inputs": [["name": "x", "shape": [2, 3], "datatype": "FP32", "data": [[1, 2, 3], [4, 5, 6.5]]]],
                ])
            #expect(status == .ok)
            #expect(body["id"] as? String == "r1" && body["model_name"] as? String == "affine")
            let output = (body["outputs"] as? [[String: Any]])?.first
            #expect(output?["shape"] as? [Int] == [2, 3] && output?["datatype"] as? String == "FP32")
            #expect(output?["data"] as? [Double] == [3, 5, 7, 9, 11, 14])
        }
    }

    @Test("statistics have every field Triton reports, compute counts equal, runs by batch size")
    func statistics() async throws {
        let app = try await TestService().application
        try await app.test(.router) { client in
            _ = try await client.json(.post, "/v2/repository/models/affine/load")
            for rows in [1, 2, 1] {
                let (status, _) = try await client.json(
                    .post, "/v2/models/affine/infer",
                    [
                        "inputs": [["name": "x", "shape": [rows, 3], "datatype": "FP32", "data": Array(repeating: 1.5, count: rows * 3)]]
                    ])
                #expect(status == .ok)
            }
            let (status, body) = try await client.json(.get, "/v2/models/affine/stats")
            #expect(status == .ok)
            let model = try #require((body["model_stats"] as? [[String: Any]])?.first)
            #expect(model["inference_count"] as? Int == 4 && model["execution_count"] as? Int == 3)
            let parts = try #require(model["inference_stats"] as? [String: [String: Int]])
            #expect(
                parts.keys.sorted() == [
                    "cache_hit", "cache_miss", "compute_infer", "compute_input", "compute_output", "fail", "queue", "success",
                ])
            for name in ["success", "queue", "compute_input", "compute_infer", "compute_output"] {
                #expect(parts[name]?["count"] == 3, "\(name)")
            }
            #expect(parts["cache_miss"] == ["count": 0, "ns": 0] && parts["fail"]?["count"] == 0)
            let sum = ["queue", "compute_input", "compute_infer", "compute_output"].reduce(0) { $0 + (parts[$1]?["ns"] ?? 0) }
            #expect(sum <= parts["success"]?["ns"] ?? 0)
            let batches = try #require(model["batch_stats"] as? [[String: Any]])
            #expect(batches.map { $0["batch_size"] as? Int } == [1, 2])
            #expect(batches.map { ($0["compute_infer"] as? [String: Int])?["count"] } == [2, 1])
            #expect(
                batches.allSatisfy {
                    ($0["compute_input"] as? [String: Int])?["count"] == ($0["compute_output"] as? [String: Int])?["count"]
                })
        }
    }

    @Test("binary input and binary output with Inference-Header-Content-Length")
    func binaryInference() async throws {
        let app = try await TestService().application
        try await app.test(.router) { client in
            _ = try await client.json(.post, "/v2/repository/models/affine/load")
            let values: [Float] = [0, 1, 2]
            let raw = values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
            let json = try JSONSerialization.data(withJSONObject: [
                "inputs": [["name": "x", "shape": [1, 3], "datatype": "FP32", "parameters": ["binary_data_size": raw.count]]],
                "parameters": ["binary_data_output": true],
            ])
            var buffer = ByteBuffer(bytes: json)
            buffer.writeBytes(raw)
            let length = HTTPField.Name("Inference-Header-Content-Length")!
            try await client.execute(uri: "/v2/models/affine/infer", method: .post, headers: [length: "\(json.count)"], body: buffer) {
                response in
                #expect(response.status == .ok)
                let headerLength = try #require(response.headers[length].flatMap { Int($0) })
                let bytes = Array(response.body.readableBytesView)
                let header = try JSONSerialization.jsonObject(with: Data(bytes[..<headerLength])) as? [String: Any]
                let output = (header?["outputs"] as? [[String: Any]])?.first
                #expect((output?["parameters"] as? [String: Any])?["binary_data_size"] as? Int == 12)
                let out = Array(bytes[headerLength...]).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
                #expect(out == [1, 3, 5])
            }
            // Four bytes short of the declared binary_data_size: a clear 400 in KServe's form.
            var short = ByteBuffer(bytes: json)
            short.writeBytes(raw.dropLast(4))
            try await client.execute(uri: "/v2/models/affine/infer", method: .post, headers: [length: "\(json.count)"], body: short) {
                response in
                #expect(response.status == .badRequest)
                let body = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                #expect((body?["error"] as? String)?.contains("binary_data_size 12") == true)
            }
        }
    }

    @Test(
        "errors on /v2 use {\"error\": message} and Triton's statuses",
        arguments: [
            ("FP64", [1, 3], HTTPResponse.Status.badRequest, "float32"),
            ("FP32", [1, 4], .badRequest, "shape"),
            ("FLOAT", [1, 3], .badRequest, "unknown datatype"),
            ("BYTES", [1, 3], .badRequest, "BYTES"),
        ])
    func errors(datatype: String, shape: [Int], status expected: HTTPResponse.Status, fragment: String) async throws {
        let app = try await TestService().application
        try await app.test(.router) { client in
            _ = try await client.json(.post, "/v2/repository/models/affine/load")
            let data: [Any] = datatype == "BYTES" ? ["a", "b", "c"] : [1, 2, 3]
            let (status, body) = try await client.json(
                .post, "/v2/models/affine/infer",
                [
                    "inputs": [["name": "x", "shape": shape, "datatype": datatype, "data": data]]
                ])
            #expect(status == expected)
            #expect(body.keys.sorted() == ["error"])
            #expect((body["error"] as? String)?.contains(fragment) == true, "\(body)")
        }
    }
}
