import Foundation
import TestSupport
import Testing

@testable import InferenceCore

/// A core error that reports a runtime or library error keeps it as its `cause`, with the message
/// clients see unchanged.
@Suite("Inference error causes", .timeLimit(.minutes(1)))
struct InferenceErrorTests {
    struct RuntimeFailure: Error, Equatable, CustomStringConvertible {
        var status: Int
        var description: String { "runtime failure \(status)" }
    }

    @Test("an error without a cause has none; a wrapped one is retrievable as it was thrown")
    func cause() {
        #expect(InferenceError.invalidRequest("bad").cause == nil)
        let error = InferenceError(.internal, .inferenceFailed, "failed", cause: RuntimeFailure(status: 7))
        #expect(error.cause as? RuntimeFailure == RuntimeFailure(status: 7))
        #expect(error.description == "inference_failed: failed")
    }

    @Test("a task whose work throws another error fails with it as the cause, its text as the message")
    func taskFailure() async throws {
        let store = TaskStore(capacity: 4, timeToLive: .seconds(60))
        let id = try await store.submit(modelID: "m", kind: "inference") { _ in throw RuntimeFailure(status: 3) }
        #expect(try await eventually { try await store.get(id).status == .failed })
        let error = try #require(try await store.get(id).error)
        #expect(error.code == .internalError && error.message == "runtime failure 3")
        #expect(error.cause as? RuntimeFailure == RuntimeFailure(status: 3))
    }

    @Test("a model file that cannot be read keeps the file system's error as the cause")
    func readError() {
        let denied = CocoaError(.fileReadNoPermission)
        let error = ModelPathResolver.readError(denied, path: "model.onnx")
        #expect(error.code == .modelFileUnreadable && error.kind == .forbidden)
        #expect((error.cause as? CocoaError)?.code == .fileReadNoPermission)
        let other = ModelPathResolver.readError(RuntimeFailure(status: 5), path: "model.onnx")
        #expect(other.message == "cannot read model file 'model.onnx' (an I/O error)" && other.cause is RuntimeFailure)
    }
}
