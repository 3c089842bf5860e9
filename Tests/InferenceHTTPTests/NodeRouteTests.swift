import Foundation
import HTTPTypes
import HummingbirdTesting
import InferenceCore
import NIOCore
import TestSupport
import Testing

/// What a balancer in front of several hosts relies on: every answer names its node, task ids
/// carry it, and readiness waits for the models to load at start.
@Suite("Node name and readiness routes", .timeLimit(.minutes(1)))
struct NodeRouteTests {
    static let nodeHeader = HTTPField.Name("X-Hailo8-Node")!

    @Test(
        "every answer, errors included, names the node in X-Hailo8-Node",
        arguments: [
            (HTTPRequest.Method.get, "/health"), (.get, "/status"), (.get, "/no/such/route"), (.get, "/inference/x_1"),
            (.post, "/inference"), (.get, "/v2/health/live"), (.get, "/v2/models/missing"),
        ])
    func header(method: HTTPRequest.Method, uri: String) async throws {
        let app = try await TestService(node: try NodeName("node-a")).application
        try await app.test(.router) { client in
            try await client.execute(uri: uri, method: method) { response in
                #expect(response.headers[Self.nodeHeader] == "node-a", "\(method) \(uri): \(response.status)")
            }
        }
    }

    @Test("an async task's id is <node>_<uuid> and is polled back by it; another node's id is a 404 naming it")
    func taskID() async throws {
        let app = try await TestService(node: try NodeName("node-a")).application
        try await app.test(.router) { client in
            _ = try await client.json(.post, "/models/load", ["model_path": "affine.onnx"])
            let (status, body) = try await client.json(
                .post, "/inference",
                [
                    "model_id": "affine", "input_data": base64([1, 2, 3]), "shape": [1, 3], "async": true,
                ])
            #expect(status == .accepted)
            let id = try #require(body["task_id"] as? String)
            #expect(id.hasPrefix("node-a_") && NodeName.owner(ofTask: id) == "node-a")
            var task: [String: Any] = [:]
            _ = try await eventually {
                task = try await client.json(.get, "/inference/\(id)").1
                return task["status"] as? String == "succeeded"
            }
            #expect(task["status"] as? String == "succeeded" && task["task_id"] as? String == id)
            let (foreignStatus, foreign) = try await client.json(.get, "/inference/node-b_\(id.dropFirst(7))")
            #expect(foreignStatus == .notFound && errorCode(foreign) == "task_not_found")
            #expect(((foreign["error"] as? [String: Any])?["message"] as? String)?.contains("node 'node-b'") == true)
        }
    }

    @Test("/v2/health/ready waits for the models to load at start; /status names the node and says so too")
    func readiness() async throws {
        let test = try await TestService(node: try NodeName("node-a"))
        try await test.application.test(.router) { client in
            var (status, body) = try await client.json(.get, "/v2/health/ready")
            #expect(status == .ok && body["ready"] as? Bool == true && (body["waiting_for"] as? [String])?.isEmpty == true)
            await #expect(throws: InferenceError.self) {
                try await test.service.registry.load(LoadRequest(source: .path("bad.onnx")), atStart: true)
            }
            (status, body) = try await client.json(.get, "/v2/health/ready")
            #expect(status == .serviceUnavailable && body["ready"] as? Bool == false)
            #expect((body["waiting_for"] as? [String])?.first?.contains("'bad'") == true)
            (status, body) = try await client.json(.get, "/v2/health/live")
            #expect(status == .ok)
            (status, body) = try await client.json(.get, "/health")
            #expect(status == .ok)
            (status, body) = try await client.json(.get, "/status")
            #expect(status == .ok && body["node"] as? String == "node-a" && body["ready"] as? Bool == false)
            #expect((body["waiting_for"] as? [String])?.count == 1)
        }
    }
}
