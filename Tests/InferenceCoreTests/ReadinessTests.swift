import Foundation
import Logging
import TestSupport
import Testing

@testable import InferenceCore

/// Readiness waits for the models the service was told to load at start, and only for those.
@Suite("Readiness", .timeLimit(.minutes(1)))
struct ReadinessTests {
    let models: URL
    let data: URL

    init() throws {
        let base = try TestEnvironment.temporaryDirectory()
        models = base.appendingPathComponent("models")
        data = base.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        try ModelRegistryTests.writeModels(to: models)
    }

    func service() -> InferenceService {
        let registry = ModelRegistry(
            backends: [ModelRegistryTests.backend], modelsDirectory: models, dataDirectory: data, logger: Logger(label: "test"))
        return InferenceService(
            backends: [ModelRegistryTests.backend], registry: registry,
            tasks: TaskStore(capacity: 4, timeToLive: .seconds(60)), defaultTimeout: .seconds(30), logger: Logger(label: "test"))
    }

    @Test("ready with no models to load at start, and with models loaded by hand")
    func noExpectedModels() async throws {
        let service = service()
        #expect(await service.readiness().ready)
        _ = try await service.registry.load(LoadRequest(source: .path("affine.onnx")))
        #expect(await service.readiness() == Readiness(waitingFor: []))
    }

    @Test("a model to load at start that is ready counts; one missing or rejected keeps it not ready")
    func expectedModels() async throws {
        let service = service()
        _ = try await service.registry.load(LoadRequest(source: .path("affine.onnx")), atStart: true)
        #expect(await service.readiness().ready)
        await #expect(throws: InferenceError.self) {
            try await service.registry.load(LoadRequest(source: .path("later.onnx"), modelID: "later"), atStart: true)
        }
        await #expect(throws: InferenceError.self) {
            try await service.registry.load(LoadRequest(source: .path("bad.onnx")), atStart: true)
        }
        let waiting = await service.readiness().waitingFor
        #expect(waiting.count == 2 && waiting.allSatisfy { $0.contains("is not loaded") }, "\(waiting)")
        #expect(waiting.contains { $0.contains("'bad'") } && waiting.contains { $0.contains("'later'") })

        // The file arrives and the model is loaded by hand: no longer waited for.
        try FileManager.default.copyItem(at: models.appendingPathComponent("affine.onnx"), to: models.appendingPathComponent("later.onnx"))
        _ = try await service.registry.load(LoadRequest(source: .path("later.onnx"), modelID: "later"))
        #expect(await service.readiness().waitingFor.count == 1)
    }

    @Test("a model to load at start that is unloaded by hand is no longer waited for")
    func unloadedByHand() async throws {
        let service = service()
        await #expect(throws: InferenceError.self) {
            try await service.registry.load(LoadRequest(source: .path("bad.onnx")), atStart: true)
        }
        #expect(await !service.readiness().ready)
        _ = try await service.registry.load(LoadRequest(source: .path("affine.onnx"), modelID: "bad"))
        #expect(await service.readiness().ready)
        try await service.registry.unload("bad")
        #expect(await service.readiness().ready)
    }
}
