import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InferenceHTTP
import NIOCore
import TestSupport
import Testing

/// The DeepStack / CodeProject.AI routes with the demo detector.
@Suite("DeepStack API", .timeLimit(.minutes(1)))
struct DeepStackRouteTests {
    func withDemo(_ service: TestService? = nil, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = try await service.orMake { try await TestService(maxBodySize: 8 << 20, withDemoModel: true) }.application
        try await app.test(.router) { client in
            let headers: HTTPFields = service?.configuration.apiKeys.first.map { [HTTPField.Name("X-API-Key")!: $0] } ?? [:]
            _ = try await client.json(.post, "/models/load", ["model_path": "affine.onnx", "model_id": "aff"], headers: headers)
            let (status, _) = try await client.json(
                .post, "/models/load", ["model_path": "demo.onnx", "model_id": "demo"], headers: headers)
            try #require(status == .created)
            try await body(client)
        }
    }

    func post(_ client: any TestClientProtocol, _ uri: String, _ parts: [String: [UInt8]]) async throws -> (Int, [String: Any], HTTPFields)
    {
        let (form, boundary) = multipart(parts)
        return try await client.execute(
            uri: uri, method: .post, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"],
            body: ByteBuffer(bytes: form)
        ) { response in
            (Int(response.status.code), try ImageRouteTests.object(response), response.headers)
        }
    }

    @Test("/v1/vision/detection answers with integer boxes from the first detection model")
    func detection() async throws {
        let png = try TestEnvironment.image("astronaut.png")
        try await withDemo { client in
            let (status, body, headers) = try await post(client, "/v1/vision/detection", ["image": png])
            #expect(status == 200)
            #expect(headers[.contentLength] != nil && headers[.transferEncoding] == nil)
            #expect(body["success"] as? Bool == true && body["count"] as? Int == 1)
            let prediction = try #require((body["predictions"] as? [[String: Any]])?.first)
            #expect(prediction["label"] as? String == "FACE_FEMALE")
            #expect((prediction["confidence"] as? Double ?? 0) > 0.7)
            for (key, expected) in [("x_min", 173), ("y_min", 83), ("x_max", 274), ("y_max", 180)] {
                let value = try #require(prediction[key] as? Int)
                #expect(abs(value - expected) <= 4)
            }
            #expect(body["inferenceMs"] is Int && body["processMs"] is Int)
        }
    }

    @Test("min_confidence filters, custom routes name the model, list names the detectors")
    func customAndList() async throws {
        let png = try TestEnvironment.image("astronaut.png")
        try await withDemo { client in
            let (_, high, _) = try await post(client, "/v1/vision/custom/demo", ["image": png, "min_confidence": Array("0.95".utf8)])
            #expect(high["count"] as? Int == 0)
            let (_, low, _) = try await post(client, "/v1/vision/custom/demo", ["image": png, "min_confidence": Array("0.05".utf8)])
            let scores = (low["predictions"] as? [[String: Any]] ?? []).compactMap { $0["confidence"] as? Double }
            #expect(scores.count >= 1 && scores == scores.sorted(by: >) && scores.allSatisfy { $0 >= 0.05 })
            let (status, list, _) = try await post(client, "/v1/vision/custom/list", [:])
            #expect(status == 200 && list["models"] as? [String] == ["demo"])
        }
    }

    @Test(
        "a request a detection route cannot serve is answered 200 in DeepStack's format, with the status in code",
        arguments: [
            ("/v1/vision/custom/nope", "image", 404), ("/v1/vision/custom/aff", "image", 422), ("/v1/vision/detection", "picture", 400),
            ("/v1/vision/detection", "garbage", 415),
        ])
    func errors(uri: String, field: String, status: Int) async throws {
        let png = try TestEnvironment.image("astronaut.png")
        try await withDemo { client in
            let parts = field == "garbage" ? ["image": Array("not an image".utf8)] : [field: png]
            let (code, body, _) = try await post(client, uri, parts)
            #expect(code == 200)
            #expect(body["success"] as? Bool == false && body["code"] as? Int == status)
            #expect((body["error"] as? String)?.isEmpty == false)
            #expect((body["predictions"] as? [Any])?.isEmpty == true && body["count"] as? Int == 0)
        }
    }

    @Test("unknown routes and methods under /v1/ keep their status, in DeepStack's format")
    func unknownRoutes() async throws {
        try await withDemo { client in
            let (missing, body) = try await client.json(.post, "/v1/vision/face/recognize")
            #expect(missing == .notFound && body["success"] as? Bool == false && body["code"] as? Int == 404)
            let (method, wrong) = try await client.json(.get, "/v1/vision/detection")
            #expect(method == .methodNotAllowed && wrong["success"] as? Bool == false)
        }
    }

    @Test("both detection routes cap the predictions at --deepstack-max-predictions; max_predictions changes it per request")
    func cap() async throws {
        let faces = try TestEnvironment.image("faces-36.jpg")
        try await withDemo { client in
            for uri in ["/v1/vision/detection", "/v1/vision/custom/demo"] {
                let (_, capped, _) = try await post(client, uri, ["image": faces])
                #expect(capped["count"] as? Int == 20 && (capped["predictions"] as? [Any])?.count == 20)
                let (_, all, _) = try await post(client, uri, ["image": faces, "max_predictions": Array("0".utf8)])
                #expect((all["count"] as? Int ?? 0) >= 25)
                let (_, five, _) = try await post(client, uri, ["image": faces, "max_predictions": Array("5".utf8)])
                #expect(five["count"] as? Int == 5)
            }
        }
    }

    @Test("CodeProject.AI's status routes answer on both paths; the pings need no key")
    func status() async throws {
        let service = try await TestService(apiKeys: ["secret"], maxBodySize: 8 << 20, withDemoModel: true)
        try await withDemo(service) { client in
            for prefix in ["/v1/server/status", "/v1/status"] {
                let (ping, version) = try await client.json(.get, "\(prefix)/ping")
                #expect(ping == .ok && version["success"] as? Bool == true && version["message"] as? String == "0.1.0")
                #expect((version["version"] as? [String: Any])?["minor"] as? Int == 1)
                let (denied, error) = try await client.json(.get, "\(prefix)/system-status")
                #expect(denied == .unauthorized && error["success"] as? Bool == false)
                let key: HTTPFields = [HTTPField.Name("X-API-Key")!: "secret"]
                let (ok, system) = try await client.json(.get, "\(prefix)/system-status", headers: key)
                let text = (system["data"] as? [String: Any])?["serverStatus"] as? String ?? ""
                #expect(ok == .ok && text.contains("hailo8-service") && text.contains("demo"))
                let (_, modules) = try await client.json(.get, "\(prefix)/modules/list", headers: key)
                let statuses = modules["statuses"] as? [[String: Any]] ?? []
                #expect(Set(statuses.compactMap { $0["moduleId"] as? String }) == ["aff", "demo"])
                #expect(statuses.allSatisfy { $0["status"] as? String == "Started" })
            }
        }
    }

    @Test("with API keys the api_key form field is accepted, also on a path with a doubled slash; a wrong one is a DeepStack 401")
    func apiKeyField() async throws {
        let png = try TestEnvironment.image("astronaut.png")
        let service = try await TestService(apiKeys: ["secret"], maxBodySize: 8 << 20, withDemoModel: true)
        try await withDemo(service) { client in
            let (ok, body, _) = try await post(client, "/v1/vision/detection", ["image": png, "api_key": Array("secret".utf8)])
            #expect(ok == 200 && body["count"] as? Int == 1)
            // A base URL with a trailing slash: the route takes the path, and so does its key check.
            let (slashed, _, _) = try await post(client, "//v1/vision/detection", ["image": png, "api_key": Array("secret".utf8)])
            #expect(slashed == 200)
            let (denied, error, _) = try await post(client, "/v1/vision/detection", ["image": png, "api_key": Array("wrong".utf8)])
            #expect(denied == 401 && error["success"] as? Bool == false)
            let (native, _) = try await client.json(.get, "/models")
            #expect(native == .unauthorized)
        }
    }
}
