import Foundation
import TestSupport
import Testing

@testable import InferenceCore

@Suite("Model names in the models root", .timeLimit(.minutes(1)))
struct ModelRepositoryTests {
    let repository: ModelRepository

    init() throws {
        let base = try TestEnvironment.temporaryDirectory()
        let root = base.appendingPathComponent("models")
        let outside = base.appendingPathComponent("elsewhere")
        for dir in ["", "plain", "triton/1", "empty", "both"].map({ root.appendingPathComponent($0) }) + [outside] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        for file in ["top.onnx", "chip.hef", "plain/model.onnx", "triton/1/model.onnx", "notes.txt", "both.onnx", "both/model.onnx"] {
            try Data("x".utf8).write(to: root.appendingPathComponent(file))
        }
        try Data("x".utf8).write(to: outside.appendingPathComponent("secret.onnx"))
        try FileManager.default.createSymbolicLink(
            at: root.appendingPathComponent("escape.onnx"), withDestinationURL: outside.appendingPathComponent("secret.onnx"))
        repository = ModelRepository(resolver: ModelPathResolver(root: root))
    }

    @Test("a name is NAME.onnx, NAME.hef, NAME/model.*, or NAME/1/model.*, in that order")
    func names() async throws {
        #expect(try await repository.path(for: "top") == "top.onnx")
        #expect(try await repository.path(for: "chip") == "chip.hef")
        #expect(try await repository.path(for: "plain") == "plain/model.onnx")
        #expect(try await repository.path(for: "triton") == "triton/1/model.onnx")
        #expect(try await repository.path(for: "both") == "both.onnx")
    }

    @Test("unknown names, invalid names and symlinks out of the root are refused")
    func refused() async {
        for (name, kind) in [
            ("empty", InferenceError.Kind.notFound), ("notes", .notFound), ("../elsewhere/secret", .invalidRequest), ("escape", .notFound),
        ] {
            do {
                _ = try await repository.path(for: name)
                Issue.record("'\(name)' resolved")
            } catch {
                #expect(error.kind == kind, "\(name): \(error)")
            }
        }
    }

    @Test("scanning lists every named model once, sorted")
    func scan() async {
        let entries = await repository.scan()
        #expect(entries.map(\.name) == ["both", "chip", "plain", "top", "triton"])
        #expect(entries.first { $0.name == "both" }?.path == "both.onnx")
    }
}
