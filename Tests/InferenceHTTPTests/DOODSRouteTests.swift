import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InferenceHTTP
import NIOCore
import TestSupport
import Testing

/// The DOODS2 routes with the demo detector.
@Suite("DOODS API", .timeLimit(.minutes(1)))
struct DOODSRouteTests {
    func withDemo(_ service: TestService? = nil, _ body: @escaping @Sendable (any TestClientProtocol, HTTPFields) async throws -> Void)
        async throws
    {
        let app = try await service.orMake { try await TestService(maxBodySize: 8 << 20, withDemoModel: true) }.application
        try await app.test(.router) { client in
            let headers: HTTPFields = service?.configuration.apiKeys.first.map { [HTTPField.Name("doods-auth-key")!: $0] } ?? [:]
            _ = try await client.json(.post, "/models/load", ["model_path": "affine.onnx", "model_id": "aff"], headers: headers)
            let (status, _) = try await client.json(
                .post, "/models/load", ["model_path": "demo.onnx", "model_id": "demo"], headers: headers)
            try #require(status == .created)
            try await body(client, headers)
        }
    }

    static func request(_ image: [UInt8], detect: [String: Any] = [:], extra: [String: Any] = [:]) -> [String: Any] {
        ["data": Data(image).base64EncodedString(), "detector_name": "demo", "detect": detect, "id": "t1"].merging(extra) { $1 }
    }

    @Test("GET /detectors lists the detection models with their labels and input size")
    func detectors() async throws {
        try await withDemo { client, _ in
            let (status, body) = try await client.json(.get, "/detectors")
            let detectors = body["detectors"] as? [[String: Any]] ?? []
            #expect(status == .ok && detectors.count == 1)
            let demo = try #require(detectors.first)
            #expect(demo["name"] as? String == "demo" && demo["type"] as? String == "onnx" && demo["model"] as? String == "demo.onnx")
            #expect(demo["width"] as? Int == 320 && demo["height"] as? Int == 320)
            #expect((demo["labels"] as? [String])?.contains("FACE_FEMALE") == true)
        }
    }

    @Test("POST /detect answers fractions and percentages, filtered by label and '*'")
    func detect() async throws {
        let png = try TestEnvironment.image("astronaut.png")
        try await withDemo { client, _ in
            let (status, body) = try await client.json(.post, "/detect", Self.request(png, detect: ["*": 50]))
            #expect(status == .ok && body["id"] as? String == "t1" && body["error"] == nil)
            let detection = try #require((body["detections"] as? [[String: Any]])?.first)
            #expect(detection["label"] as? String == "FACE_FEMALE" && (detection["confidence"] as? Double ?? 0) > 70)
            for (key, expected) in [("top", 83.0 / 512), ("left", 173.0 / 512), ("bottom", 180.0 / 512), ("right", 274.0 / 512)] {
                #expect(abs((detection[key] as? Double ?? -1) - expected) < 0.01)
            }
            func labels(_ body: [String: Any]) -> [String] {
                (body["detections"] as? [[String: Any]] ?? []).compactMap { $0["label"] as? String }
            }
            let (_, other) = try await client.json(.post, "/detect", Self.request(png, detect: ["FACE_MALE": 10]))
            #expect(labels(other).allSatisfy { $0 == "FACE_MALE" })
            let (_, strict) = try await client.json(.post, "/detect", Self.request(png, detect: ["FACE_FEMALE": 99, "*": 10]))
            #expect(!labels(strict).contains("FACE_FEMALE"))
            let (_, none) = try await client.json(.post, "/detect", Self.request(png, detect: ["FACE_FEMALE": 99.9]))
            #expect(labels(none).isEmpty)
            let region: [String: Any] = ["id": "r1", "top": 0, "left": 0, "bottom": 0.5, "right": 0.6, "detect": ["*": 40]]
            let (_, inRegion) = try await client.json(.post, "/detect", Self.request(png, extra: ["regions": [region]]))
            #expect((inRegion["detections"] as? [[String: Any]])?.first?["region_id"] as? String == "r1")
        }
    }

    @Test("POST /image answers a JPEG; /detect with image answers it base64")
    func image() async throws {
        let png = try TestEnvironment.image("astronaut.png")
        try await withDemo { client, _ in
            let body = try JSONSerialization.data(withJSONObject: Self.request(png, detect: ["*": 50]))
            try await client.execute(
                uri: "/image", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: body)
            ) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "image/jpeg")
                #expect(Array(response.body.readableBytesView.prefix(2)) == [0xFF, 0xD8])
            }
            let (_, answer) = try await client.json(.post, "/detect", Self.request(png, detect: ["*": 50], extra: ["image": "jpg"]))
            let jpeg = Data(base64Encoded: answer["image"] as? String ?? "") ?? Data()
            #expect(Array(jpeg.prefix(2)) == [0xFF, 0xD8])
        }
    }

    @Test(
        "errors are DOODS answers: 400 with 'error' for what the client can fix",
        arguments: [
            ("unknown detector", #"{"detector_name": "nope"}"#), ("not a detector", #"{"detector_name": "aff"}"#),
            ("not base64", #"{"data": "***"}"#), ("not an image", #"{"data": "aGVsbG8="}"#), ("threshold", #"{"detect": {"*": 150}}"#),
            ("preprocess", #"{"preprocess": ["grayscale"]}"#), ("png", #"{"image": "png"}"#),
        ])
    func errors(name: String, json: String) async throws {
        let png = try TestEnvironment.image("astronaut.png")
        try await withDemo { client, _ in
            let change = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let (status, body) = try await client.json(.post, "/detect", Self.request(png, detect: ["*": 50], extra: change))
            #expect(status == .badRequest, "\(name)")
            #expect(
                (body["error"] as? String)?.isEmpty == false && body["id"] as? String == "t1"
                    && (body["detections"] as? [Any])?.isEmpty == true)
            let (malformed, error) = try await client.execute(
                uri: "/detect", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: "{\"data\": ")
            ) { response in
                (response.status, try ImageRouteTests.object(response))
            }
            #expect(malformed == .badRequest && error["error"] is String)
        }
    }

    @Test("doods-auth-key is an API key; a wrong one is a DOODS 401")
    func authKey() async throws {
        let png = try TestEnvironment.image("astronaut.png")
        let service = try await TestService(apiKeys: ["secret"], maxBodySize: 8 << 20, withDemoModel: true)
        try await withDemo(service) { client, headers in
            let (ok, body) = try await client.json(.post, "/detect", Self.request(png, detect: ["*": 50]), headers: headers)
            #expect(ok == .ok && (body["detections"] as? [Any])?.count == 1)
            let (denied, error) = try await client.json(.get, "/detectors", headers: [HTTPField.Name("doods-auth-key")!: "wrong"])
            #expect(denied == .unauthorized && (error["error"] as? String)?.contains("doods-auth-key") == true)
        }
    }
}
