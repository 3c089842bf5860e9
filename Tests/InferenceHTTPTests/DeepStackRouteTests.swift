import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InferenceHTTP
import NIOCore
import TestSupport
import Testing

/// The DeepStack / CodeProject.AI routes with the demo detector.
@Suite("DeepStack API")
struct DeepStackRouteTests {
    func withDemo(_ service: TestService? = nil, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = try (service ?? TestService(maxBodySize: 8 << 20, withDemoModel: true)).application
        try await app.test(.router) { client in
            let headers: HTTPFields = service?.configuration.apiKeys.first.map { [HTTPField.Name("X-API-Key")!: $0] } ?? [:]
            _ = try await client.json(.post, "/models/load", ["model_path": "affine.onnx", "model_id": "aff"], headers: headers)
            let (status, _) = try await client.json(.post, "/models/load", ["model_path": "demo.onnx", "model_id": "demo"], headers: headers)
            try #require(status == .created)
            try await body(client)
        }
    }

    func post(_ client: any TestClientProtocol, _ uri: String, _ parts: [String: [UInt8]]) async throws -> (Int, [String: Any], HTTPFields) {
        let (form, boundary) = multipart(parts)
        return try await client.execute(uri: uri, method: .post, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"],
                                        body: ByteBuffer(bytes: form)) { response in
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

    @Test("errors use DeepStack's format", arguments: [
        ("/v1/vision/custom/nope", "image", 404), ("/v1/vision/custom/aff", "image", 422), ("/v1/vision/detection", "picture", 400),
        ("/v1/vision/detection", "garbage", 415),
    ])
    func errors(uri: String, field: String, status: Int) async throws {
        let png = try TestEnvironment.image("astronaut.png")
        try await withDemo { client in
            let parts = field == "garbage" ? ["image": Array("not an image".utf8)] : [field: png]
            let (code, body, _) = try await post(client, uri, parts)
            #expect(code == status)
            #expect(body["success"] as? Bool == false)
            #expect((body["error"] as? String)?.isEmpty == false)
        }
    }

    @Test("with API keys the api_key form field is accepted; a wrong one is a DeepStack 401")
    func apiKeyField() async throws {
        let png = try TestEnvironment.image("astronaut.png")
        let service = try TestService(apiKeys: ["secret"], maxBodySize: 8 << 20, withDemoModel: true)
        try await withDemo(service) { client in
            let (ok, body, _) = try await post(client, "/v1/vision/detection", ["image": png, "api_key": Array("secret".utf8)])
            #expect(ok == 200 && body["count"] as? Int == 1)
            let (denied, error, _) = try await post(client, "/v1/vision/detection", ["image": png, "api_key": Array("wrong".utf8)])
            #expect(denied == 401 && error["success"] as? Bool == false)
            let (native, _) = try await client.json(.get, "/models")
            #expect(native == .unauthorized)
        }
    }
}
