import Foundation
import TestSupport
import Testing

@testable import InferenceCore

@Suite("Model paths are confined to the models directory", .timeLimit(.minutes(1)))
struct ModelPathResolverTests {
    let root: URL
    let outside: URL
    let resolver: ModelPathResolver

    init() throws {
        let base = try TestEnvironment.temporaryDirectory()
        root = base.appendingPathComponent("models")
        outside = base.appendingPathComponent("elsewhere")
        for dir in [root, outside, root.appendingPathComponent("sub")] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        for file in [
            root.appendingPathComponent("a.onnx"), root.appendingPathComponent("sub/b.onnx"), outside.appendingPathComponent("secret.onnx"),
        ] {
            try Data("x".utf8).write(to: file)
        }
        try FileManager.default.createSymbolicLink(
            at: root.appendingPathComponent("escape.onnx"), withDestinationURL: outside.appendingPathComponent("secret.onnx"))
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("escape-dir"), withDestinationURL: outside)
        try FileManager.default.createSymbolicLink(
            at: root.appendingPathComponent("inside.onnx"), withDestinationURL: root.appendingPathComponent("sub/b.onnx"))
        resolver = ModelPathResolver(root: root)
    }

    @Test("relative paths, absolute paths inside, and symlinks that stay inside resolve")
    func inside() throws {
        #expect(try resolver.resolve("a.onnx").lastPathComponent == "a.onnx")
        #expect(try resolver.resolve("sub/b.onnx").lastPathComponent == "b.onnx")
        #expect(try resolver.resolve(root.appendingPathComponent("a.onnx").path).lastPathComponent == "a.onnx")
        #expect(try resolver.resolve("inside.onnx").lastPathComponent == "b.onnx")
        #expect(resolver.relative(try resolver.resolve("sub/b.onnx")) == "sub/b.onnx")
    }

    @Test(
        "traversal, absolute paths outside and escaping symlinks are refused",
        arguments: [
            "../elsewhere/secret.onnx", "sub/../a.onnx", "escape.onnx", "escape-dir/secret.onnx",
        ])
    func refused(path: String) {
        #expect { try resolver.resolve(path) } throws: { error in
            let error = error as! InferenceError
            return error.code == .pathOutsideModelsDirectory && error.kind == .invalidRequest
        }
    }

    @Test("an absolute path outside the root is refused")
    func absoluteOutside() {
        #expect { try resolver.resolve(outside.appendingPathComponent("secret.onnx").path) } throws: {
            ($0 as! InferenceError).code == .pathOutsideModelsDirectory
        }
        #expect { try resolver.resolve("/etc/passwd") } throws: { ($0 as! InferenceError).code == .pathOutsideModelsDirectory }
    }

    @Test("missing files and directories are 404")
    func missing() {
        #expect { try resolver.resolve("nope.onnx") } throws: { ($0 as! InferenceError).code == .modelFileNotFound }
        #expect { try resolver.resolve("sub") } throws: { ($0 as! InferenceError).code == .modelFileNotFound }
    }
}
