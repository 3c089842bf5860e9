import Foundation
import InferenceCore
import Testing

@testable import InferenceHTTP

@Suite("The models file (serve --config)", .timeLimit(.minutes(1)))
struct ModelsFileTests {
    let resolver: ModelPathResolver
    let models: URL

    init() throws {
        models = FileManager.default.temporaryDirectory.appendingPathComponent("models-file-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        try "cat\ndog\n".write(to: models.appendingPathComponent("pets.txt"), atomically: true, encoding: .utf8)
        resolver = ModelPathResolver(root: models)
    }

    func invalid(_ yaml: String) -> String {
        do {
            _ = try ModelsFile(yaml: yaml)
            return "accepted"
        } catch {
            return error.description
        }
    }

    @Test("zmq_endpoints lists Frigate's ZeroMQ endpoints")
    func zmqEndpoints() throws {
        let file = try ModelsFile(
            yaml: """
                zmq_endpoints: [tcp://0.0.0.0:5555, ipc:///tmp/cache/zmq_detector]
                models: []
                """)
        #expect(file.zmqEndpoints == ["tcp://0.0.0.0:5555", "ipc:///tmp/cache/zmq_detector"])
        #expect(try ModelsFile(yaml: "models: []").zmqEndpoints.isEmpty)
        #expect(throws: ModelsFile.Invalid.self) { try ModelsFile(yaml: "zmq_endpoints: tcp://0.0.0.0:5555") }
    }

    @Test("each entry takes the fields of POST /models/load, batching and scheduler options included, in order")
    func parses() async throws {
        let file = try ModelsFile(
            yaml: """
                # models to load at start
                models:
                  - model_id: demo
                    model_path: nudenet-320n.onnx
                    options:
                      max_batch_size: 4
                      max_queue_delay_us: 500
                      max_in_flight: 2
                      max_queue: 16
                  - model_path: yolov8n.hef
                    device: hailo
                    labels_file: pets.txt
                    options: {batch_size: 8, score_threshold: 0.4}
                """)
        let requests = try await file.loadRequests(resolver: resolver)
        #expect(requests.count == 2)
        #expect(requests[0].modelID == "demo" && requests[0].device == .auto)
        #expect(requests[0].options.maxBatchSize == 4 && requests[0].options.maxQueueDelayUs == 500)
        #expect(requests[0].options.maxInFlight == 2 && requests[0].options.maxQueue == 16)
        guard case .path("nudenet-320n.onnx") = requests[0].source else { Issue.record("\(requests[0].source)"); return }
        #expect(requests[1].modelID == nil && requests[1].device == .hailo && requests[1].labels == ["cat", "dog"])
        #expect(requests[1].options.batchSize == 8 && requests[1].options.scoreThreshold == 0.4)
        for empty in ["models: []", "models:\n", "", "# every model commented out\n# models:\n"] {
            #expect(try ModelsFile(yaml: empty).models.isEmpty, "\(empty)")
        }
    }

    @Test("unknown keys, wrong types and broken YAML are refused, naming what is wrong")
    func refuses() async throws {
        #expect(
            invalid("models:\n  - model_path: a.onnx\n    options: {max_batch_sise: 4}\n")
                .contains("unknown key 'models[0].options.max_batch_sise'"))
        #expect(invalid("models:\n  - model_path: a.onnx\n    modelid: x\n").contains("unknown key 'models[0].modelid'"))
        #expect(invalid("model:\n  - model_path: a.onnx\n").contains("unknown key 'model'"))
        #expect(invalid("- model_path: a.onnx\n").contains("'models' list"))
        #expect(invalid("models:\n  - model_path: a.onnx\n    options: {max_batch_size: four}\n").contains("max_batch_size"))
        #expect(invalid("models:\n  - model_id: x\n").contains("model_path"))
        #expect(invalid("models: [\n").contains("not valid YAML"))
        #expect(invalid("models:\n  - just-a-string\n").contains("models[0] is not a mapping"))
        #expect(invalid("models:\n  - model_path: a.onnx\n    on: true\n").contains("unknown key 'models[0].on'"))
        #expect(invalid("models: a.onnx\n").contains("'models' must be a list"))
        #expect(throws: ModelsFile.Invalid.self) { try ModelsFile(contentsOf: models.appendingPathComponent("missing.yaml").path) }
        // Options are checked as the API checks them; a labels file must be there.
        await #expect(throws: (any Error).self) {
            try await ModelsFile(yaml: "models:\n  - model_path: a.onnx\n    options: {resize: squash}\n").loadRequests(resolver: resolver)
        }
        await #expect(throws: (any Error).self) {
            try await ModelsFile(yaml: "models:\n  - model_path: a.onnx\n    labels_file: none.txt\n").loadRequests(resolver: resolver)
        }
    }
}
