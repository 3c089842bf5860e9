import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Model management over HTTP", .timeLimit(.minutes(1)))
struct ModelsRouteTests {
    @Test("load, reload idempotently, conflict, list, unload")
    func lifecycle() async throws {
        let app = try await TestService().application
        try await app.test(.router) { client in
            var (status, body) = try await client.json(.post, "/models/load", ["model_path": "affine.onnx", "model_id": "aff"])
            #expect(status == .created)
            #expect(body["state"] as? String == "ready")
            #expect((body["inputs"] as? [[String: Any]])?.first?["shape"] as? [Int] == [-1, 3])
            (status, _) = try await client.json(.post, "/models/load", ["model_path": "affine.onnx", "model_id": "aff"])
            #expect(status == .ok)
            (status, body) = try await client.json(.post, "/models/load", ["model_path": "two_inputs.onnx", "model_id": "aff"])
            #expect(status == .conflict && errorCode(body) == "model_id_conflict")
            (status, body) = try await client.json(.get, "/models")
            #expect((body["models"] as? [[String: Any]])?.map { $0["model_id"] as? String } == ["aff"])
            (status, body) = try await client.json(.delete, "/models/aff")
            #expect(status == .ok && body["state"] as? String == "unloaded")
            (status, body) = try await client.json(.delete, "/models/aff")
            #expect(status == .notFound && errorCode(body) == "model_not_found")
        }
    }

    @Test(
        "paths outside the models directory, missing files and bad models get their 4xx",
        arguments: [
            ("../etc/passwd", HTTPResponse.Status.badRequest, "path_outside_models_dir"),
            ("/etc/passwd", .badRequest, "path_outside_models_dir"),
            ("missing.onnx", .notFound, "model_file_not_found"),
            ("bad.onnx", .unprocessableContent, "model_load_failed"),
        ])
    func refusedPaths(path: String, status expected: HTTPResponse.Status, code: String) async throws {
        let app = try await TestService().application
        try await app.test(.router) { client in
            let (status, body) = try await client.json(.post, "/models/load", ["model_path": path])
            #expect(status == expected)
            #expect(errorCode(body) == code)
        }
    }

    @Test("a model uploaded as multipart or as an octet-stream body is loaded")
    func upload() async throws {
        let service = try await TestService()
        let bytes = try [UInt8](Data(contentsOf: service.models.appendingPathComponent("affine.onnx")))
        try await service.application.test(.router) { client in
            let boundary = "XyZ-boundary"
            var form = ByteBuffer()
            form.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"model_id\"\r\n\r\nup1\r\n")
            form.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"affine.onnx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            form.writeBytes(bytes)
            form.writeString("\r\n--\(boundary)--\r\n")
            try await client.execute(
                uri: "/models/load", method: .post, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"], body: form
            ) { response in
                #expect(response.status == .created)
            }
            try await client.execute(
                uri: "/models/load?model_id=up2", method: .post, headers: [.contentType: "application/octet-stream"],
                body: ByteBuffer(bytes: bytes)
            ) { response in
                #expect(response.status == .created)
            }
            let (_, body) = try await client.json(.get, "/models")
            let models = body["models"] as? [[String: Any]] ?? []
            #expect(models.map { $0["model_id"] as? String } == ["up1", "up2"])
            #expect(models.allSatisfy { $0["uploaded"] as? Bool == true })
            let (status, answer) = try await client.json(.post, "/inference", ["model_id": "up2", "input_data": base64([1, 2, 3])])
            #expect(status == .ok)
            #expect(floats((answer["outputs"] as? [[String: Any]])?.first?["data"]) == [3, 5, 7])
        }
    }

    @Test("a truncated multipart body is a 400")
    func truncatedMultipart() async throws {
        let app = try await TestService().application
        try await app.test(.router) { client in
            let body = ByteBuffer(string: "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.onnx\"\r\n\r\nabc")
            try await client.execute(
                uri: "/models/load", method: .post, headers: [.contentType: "multipart/form-data; boundary=b"], body: body
            ) { response in
                #expect(response.status == .badRequest)
            }
        }
    }
}
