import Foundation
import Logging
import TestSupport
import Testing

@testable import InferenceCore

/// The registry with a fake backend (no runtime) and its model files in a temporary models root.
@Suite("Model registry", .timeLimit(.minutes(1)))
struct ModelRegistryTests {
    static let backend = FakeBackend()
    let models: URL
    let data: URL

    init() throws {
        let base = try TestEnvironment.temporaryDirectory()
        models = base.appendingPathComponent("models")
        data = base.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        try Self.writeModels(to: models)
    }

    /// affine.onnx, two_inputs.onnx and bad.onnx (not a model) for the fake backend.
    static func writeModels(to models: URL) throws {
        try FakeBackend.write(.affine, to: models.appendingPathComponent("affine.onnx"))
        try FakeBackend.write(.twoInputs, to: models.appendingPathComponent("two_inputs.onnx"))
        try Data(repeating: 0x5A, count: 64).write(to: models.appendingPathComponent("bad.onnx"))
    }

    func registry() -> ModelRegistry {
        ModelRegistry(backends: [Self.backend], modelsDirectory: models, dataDirectory: data, logger: Logger(label: "test"))
    }

    @Test("the id defaults to the file name; loading again with the same file is idempotent")
    func idempotent() async throws {
        let registry = registry()
        let (first, created) = try await registry.load(LoadRequest(source: .path("affine.onnx")))
        #expect(created && first.record.modelID == "affine" && first.state == .ready)
        #expect(first.signature?.inputs == [TensorSpec(name: "x", dtype: .float32, shape: [-1, 3])])
        #expect(first.labels == ["cat", "dog"])
        let (again, createdAgain) = try await registry.load(LoadRequest(source: .path(models.appendingPathComponent("affine.onnx").path)))
        #expect(!createdAgain && again.record.modelID == "affine")
        #expect(await registry.list().count == 1)
    }

    @Test("a different file under a taken id is a conflict")
    func conflict() async throws {
        let registry = registry()
        _ = try await registry.load(LoadRequest(source: .path("affine.onnx"), modelID: "m"))
        await #expect { try await registry.load(LoadRequest(source: .path("two_inputs.onnx"), modelID: "m")) } throws: {
            ($0 as! InferenceError).code == .modelIDConflict
        }
    }

    @Test("a model the runtime rejects is 422 and leaves nothing behind")
    func badModel() async throws {
        let registry = registry()
        await #expect { try await registry.load(LoadRequest(source: .path("bad.onnx"))) } throws: {
            ($0 as! InferenceError).code == .modelLoadFailed
        }
        #expect(await registry.list().isEmpty)
        await #expect { try await registry.load(LoadRequest(source: .path("notes.txt"))) } throws: {
            ($0 as! InferenceError).code == .modelFileNotFound
        }
    }

    @Test("invalid ids and unavailable devices are refused")
    func refusals() async throws {
        let registry = registry()
        await #expect { try await registry.load(LoadRequest(source: .path("affine.onnx"), modelID: "a/b")) } throws: {
            ($0 as! InferenceError).kind == .invalidRequest
        }
        await #expect { try await registry.load(LoadRequest(source: .path("affine.onnx"), device: .hailo)) } throws: {
            ($0 as! InferenceError).code == .backendUnavailable
        }
    }

    @Test("loaded models and uploads survive a restart; unloaded ones do not")
    func persistence() async throws {
        let first = registry()
        _ = try await first.load(LoadRequest(source: .path("affine.onnx"), modelID: "kept"))
        _ = try await first.load(LoadRequest(source: .path("two_inputs.onnx"), modelID: "dropped"))
        let upload = try [UInt8](Data(contentsOf: models.appendingPathComponent("affine.onnx")))
        let (uploaded, _) = try await first.load(LoadRequest(source: .upload(bytes: upload, fileName: "my model.onnx")))
        #expect(uploaded.record.modelID == "my_model" && uploaded.record.uploaded)
        try await first.unload("dropped")
        await first.closeAll()

        let second = registry()
        await second.restore()
        let listed = await second.list()
        #expect(listed.map(\.record.modelID) == ["kept", "my_model"])
        #expect(listed.allSatisfy { $0.state == .ready })
        try await second.unload("my_model")
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("uploads").path).isEmpty)
    }

    @Test("a recorded model that fails to load at start is tried again until it loads, in its place and with a growing wait")
    func restoreRetried() async throws {
        let first = registry()
        _ = try await first.load(LoadRequest(source: .path("affine.onnx"), modelID: "a"))
        _ = try await first.load(LoadRequest(source: .path("two_inputs.onnx"), modelID: "b"))
        await first.closeAll()
        let file = models.appendingPathComponent("two_inputs.onnx")
        let aside = models.appendingPathComponent("two_inputs.aside")
        try FileManager.default.moveItem(at: file, to: aside)

        let clock = ManualClock()
        let second = ModelRegistry(
            backends: [Self.backend], modelsDirectory: models, dataDirectory: data,
            firstRetryDelay: .seconds(5), logger: Logger(label: "test"), now: clock.elapsed)
        await second.restore()
        #expect(try await second.info("b").state == .failed)
        #expect(await second.retryRestores() == [], "tried at once, and still missing")
        try FileManager.default.moveItem(at: aside, to: file)
        clock.advance(by: .milliseconds(4900))
        #expect(await second.retryRestores() == [], "not tried again before its wait is over")
        clock.advance(by: .milliseconds(100))
        #expect(await second.retryRestores() == ["b"])
        #expect(await second.list().map(\.record.modelID) == ["a", "b"])
        #expect(try await second.info("b").state == .ready)
        #expect(await second.retryRestores() == [], "nothing left to retry")
        _ = try await second.lease("b")
    }

    @Test("a model named at start that cannot load now is kept as failed and recorded; one that can never load is not")
    func keptIfFailedAtStart() async throws {
        let first = registry()
        await #expect {
            try await first.load(LoadRequest(source: .path("affine.onnx"), modelID: "later", device: .hailo), atStart: true)
        } throws: { ($0 as! InferenceError).code == .backendUnavailable }
        #expect(try await first.info("later").state == .failed)
        // A file the runtime rejects will not load by waiting: not kept, at start or not.
        await #expect(throws: InferenceError.self) {
            try await first.load(LoadRequest(source: .path("bad.onnx"), modelID: "bad"), atStart: true)
        }
        await #expect(throws: InferenceError.self) { try await first.load(LoadRequest(source: .path("bad.onnx"), modelID: "bad")) }
        #expect(await first.list().map(\.record.modelID) == ["later"])

        let restarted = registry()
        await restarted.restore()
        #expect(try await restarted.info("later").state == .failed, "recorded, so it comes back after a restart too")
    }

    @Test("a recorded model loaded again at start with new settings takes them; the API refuses other settings with 409")
    func newSettings() async throws {
        let first = registry()
        _ = try await first.load(LoadRequest(source: .path("affine.onnx"), modelID: "m"))
        await first.closeAll()

        let second = registry()
        await second.restore()
        var changed = ModelOptions()
        changed.maxQueue = 3
        let same = LoadRequest(source: .path("affine.onnx"), modelID: "m")
        let other = LoadRequest(source: .path("affine.onnx"), modelID: "m", labels: ["a", "b"], options: changed)
        #expect(try await second.load(same).created == false, "same file, same settings: idempotent")
        await #expect { try await second.load(other) } throws: { ($0 as! InferenceError).code == .modelIDConflict }
        let (reloaded, created) = try await second.load(other, atStart: true)
        #expect(created && reloaded.labels == ["a", "b"] && reloaded.record.options.maxQueue == 3)
        #expect(reloaded.scheduler?.policy.maxQueue == 3)
        await second.closeAll()

        let third = registry()
        await third.restore()
        #expect(try await third.info("m").record.options.maxQueue == 3, "the new settings are the recorded ones")
    }

    @Test("unload waits for requests in flight, then unknown ids are 404")
    func unload() async throws {
        let registry = registry()
        _ = try await registry.load(LoadRequest(source: .path("affine.onnx")))
        let lease = try await registry.lease("affine")
        let unloading = Task { try await registry.unload("affine") }
        #expect(try await eventually { try await registry.info("affine").state == .unloading })
        await #expect { try await registry.lease("affine") } throws: { ($0 as! InferenceError).code == .modelNotReady }
        lease.stats.finished(success: true, latency: .zero)
        try await unloading.value
        await #expect { try await registry.unload("affine") } throws: { ($0 as! InferenceError).code == .modelNotFound }
    }
}
