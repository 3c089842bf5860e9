import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InferenceVision
import NIOCore
import TestSupport
import Testing

/// Images on the native `/inference` route, with the demo detector (nudenet 320n).
@Suite("Images on /inference", .timeLimit(.minutes(1)))
struct ImageRouteTests {
    func withDemo(_ service: TestService? = nil, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = try await service.orMake { try await TestService(maxBodySize: 8 << 20, withDemoModel: true) }.application
        try await app.test(.router) { client in
            let (status, _) = try await client.json(.post, "/models/load", ["model_path": "demo.onnx", "model_id": "demo"])
            try #require(status == .created)
            try await body(client)
        }
    }

    static func face(_ body: [String: Any]) -> (label: String?, box: [Double])? {
        guard let first = (body["detections"] as? [[String: Any]])?.first, let box = first["box"] as? [String: Double] else { return nil }
        return (first["label"] as? String, [box["x_min"] ?? 0, box["y_min"] ?? 0, box["x_max"] ?? 0, box["y_max"] ?? 0])
    }

    @Test("the seed's request with a base64 image finds the astronaut's face")
    func seedRequestWithImage() async throws {
        let png = try TestEnvironment.image("astronaut.png")
        try await withDemo { client in
            let (status, body) = try await client.json(
                .post, "/inference", ["model_id": "demo", "input_data": Data(png).base64EncodedString()])
            #expect(status == .ok)
            let detections = body["detections"] as? [[String: Any]] ?? []
            #expect(detections.count == 1)
            let face = try #require(Self.face(body))
            #expect(face.label == "FACE_FEMALE")
            for (value, expected) in zip(face.box, [173.0, 83, 274, 180]) { #expect(abs(value - expected) < 4) }
            #expect(body["image"] as? [String: Int] == ["width": 512, "height": 512])
            let timing = body["timing"] as? [String: Double] ?? [:]
            #expect(Set(timing.keys) == ["decode_ms", "preprocess_ms", "queue_ms", "inference_ms", "postprocess_ms", "total_ms"])
            #expect(body["outputs"] == nil)
        }
    }

    @Test("a model's vision plan is made once, when it loads, not per image request")
    func planMadeOnce() async throws {
        let service = try await TestService(maxBodySize: 8 << 20, withDemoModel: true)
        let png = try TestEnvironment.image("astronaut.png")
        try await withDemo(service) { client in
            #expect(service.planner.plansMade == 1)
            for _ in 0..<3 {
                let (status, _) = try await client.json(
                    .post, "/inference", ["model_id": "demo", "input_data": Data(png).base64EncodedString()])
                #expect(status == .ok)
            }
            let (status, _) = try await client.json(.post, "/v1/vision/custom/demo", nil)
            #expect(status == .badRequest || status == .ok)  // no image: answered without a new plan either way
            #expect(service.planner.plansMade == 1)
        }
    }

    @Test(
        "vision options that cannot work are refused at load, on the native route and KServe's repository",
        arguments: [
            #"{"postprocess": "bogus"}"#, #"{"mean": [0.5, 0.5]}"#, #"{"input_layout": "nchw"}"#,
            #"{"postprocess": "yolov8"}"#, #"{"resize": "crop"}"#,
        ])
    func wrongVisionOptionsRefusedAtLoad(json: String) async throws {
        let app = try await TestService(maxBodySize: 8 << 20, withDemoModel: true).application
        try await app.test(.router) { client in
            let options = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            // demo.onnx is a detector with one image input; affine.onnx takes no images at all.
            let model = options["input_layout"] != nil || options["postprocess"] as? String == "yolov8" ? "affine.onnx" : "demo.onnx"
            let (status, body) = try await client.json(.post, "/models/load", ["model_path": model, "model_id": "m", "options": options])
            #expect(status == .unprocessableContent, "\(body)")
            #expect((body["error"] as? [String: Any])?["code"] as? String == "invalid_options", "\(body)")
            let config = String(
                decoding: try JSONSerialization.data(withJSONObject: ["model_path": model, "options": options]), as: UTF8.self)
            let (kserve, answer) = try await client.json(.post, "/v2/repository/models/m/load", ["parameters": ["config": config]])
            let message = try #require((body["error"] as? [String: Any])?["message"] as? String)
            #expect(kserve.code >= 400 && kserve.code < 500 && (answer["error"] as? String ?? "").contains(message), "\(answer)")
            let (listed, _) = try await client.json(.get, "/v2/models/m/ready")
            #expect(listed != .ok)
        }
    }

    @Test("an image/jpeg body, a multipart form and a raw rgb24 frame are accepted")
    func otherForms() async throws {
        let jpeg = try TestEnvironment.image("astronaut.jpg")
        let coffee = try TestEnvironment.image("coffee.jpg")
        try await withDemo { client in
            let found = try await client.execute(
                uri: "/inference?model_id=demo", method: .post, headers: [.contentType: "image/jpeg"],
                body: ByteBuffer(bytes: jpeg)
            ) { try Self.object($0) }
            #expect(Self.face(found)?.label == "FACE_FEMALE")
            let none = try await client.execute(
                uri: "/inference?model_id=demo", method: .post, headers: [.contentType: "application/octet-stream"],
                body: ByteBuffer(bytes: coffee)
            ) { try Self.object($0) }
            #expect((none["detections"] as? [Any])?.isEmpty == true)
            let (form, boundary) = multipart(["model_id": Array("demo".utf8), "image": jpeg, "score_threshold": Array("0.5".utf8)])
            let viaForm = try await client.execute(
                uri: "/inference", method: .post, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"],
                body: ByteBuffer(bytes: form)
            ) { try Self.object($0) }
            #expect(Self.face(viaForm)?.label == "FACE_FEMALE")
            let grey = [UInt8](repeating: 128, count: 64 * 48 * 3)
            let (status, raw) = try await client.json(
                .post, "/inference",
                [
                    "model_id": "demo", "input_data": Data(grey).base64EncodedString(),
                    "input_type": "rgb24", "width": 64, "height": 48,
                ])
            #expect(status == .ok && (raw["detections"] as? [Any])?.isEmpty == true)
            #expect(raw["image"] as? [String: Int] == ["width": 64, "height": 48])
        }
    }

    @Test("annotate returns the image as JPEG with the boxes drawn")
    func annotate() async throws {
        let png = try TestEnvironment.image("astronaut.png")
        try await withDemo { client in
            try await client.execute(
                uri: "/inference?model_id=demo&annotate=true", method: .post, headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: png)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/jpeg")
                #expect(response.headers[HTTPField.Name("X-Detections")!] == "1")
                #expect(Array(response.body.readableBytesView.prefix(3)) == [0xFF, 0xD8, 0xFF])
            }
        }
    }

    @Test(
        "bad images get a 4xx with a message and the service keeps serving",
        arguments: [
            ("truncated", 400, "invalid_image"), ("garbage", 415, "unsupported_image_format"), ("huge", 413, "image_too_large"),
        ])
    func badImages(kind: String, status: Int, code: String) async throws {
        let jpeg = try TestEnvironment.image("astronaut.jpg")
        var bytes: [UInt8]
        switch kind {
        case "truncated": bytes = Array(jpeg.prefix(jpeg.count / 3))
        case "garbage": bytes = Array("GIF89a not really".utf8)
        default:
            bytes = jpeg
            let sof = (0..<bytes.count - 1).first { bytes[$0] == 0xFF && (bytes[$0 + 1] == 0xC0 || bytes[$0 + 1] == 0xC2) }!
            for offset in [sof + 5, sof + 7] { bytes[offset] = 0xEA; bytes[offset + 1] = 0x60 }
        }
        let encoded = Data(bytes).base64EncodedString()
        try await withDemo { client in
            let (answer, body) = try await client.json(
                .post, "/inference", ["model_id": "demo", "input_data": encoded, "input_type": "image"])
            #expect(Int(answer.code) == status)
            #expect(errorCode(body) == code)
            let (after, _) = try await client.json(
                .post, "/inference", ["model_id": "demo", "input_data": Data(jpeg).base64EncodedString()])
            #expect(after == .ok)
        }
    }

    static func object(_ response: TestResponse) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
    }
}

/// A multipart/form-data body; parts named `image` carry a file name.
func multipart(_ parts: [String: [UInt8]]) -> ([UInt8], String) {
    let boundary = "----hailo8-test-\(UUID().uuidString)"
    var body: [UInt8] = []
    for (name, value) in parts.sorted(by: { $0.key < $1.key }) {
        let file = name == "image" ? "; filename=\"image.jpg\"\r\nContent-Type: application/octet-stream" : ""
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\(file)\r\n\r\n".utf8) + value + Array("\r\n".utf8)
    }
    body += Array("--\(boundary)--\r\n".utf8)
    return (body, boundary)
}
