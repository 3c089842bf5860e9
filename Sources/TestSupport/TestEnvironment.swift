public import Foundation
import InferenceCore

/// Where the tests find the generated test models and the demo model.
///
/// `scripts/setup.sh` installs the `onnxruntime` wheel into `.venv`, downloads the demo model to
/// `models/` and writes the test models to `.test-models/`; `HAILO8_TEST_MODELS`,
/// `HAILO8_DEMO_MODEL` and `HAILO8_ONNXRUNTIME_LIBRARY` override them. Tests fail (never skip)
/// when something is missing, so that a broken setup cannot pass unnoticed.
public enum TestEnvironment {
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var modelsDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["HAILO8_TEST_MODELS"] { return URL(fileURLWithPath: dir) }
        return repositoryRoot.appendingPathComponent(".test-models")
    }

    /// The path of a generated test model (`affine.onnx`, `two_inputs.onnx`, `types.onnx`,
    /// `slow.onnx`, `bad.onnx`).
    public static func model(_ name: String) throws -> String {
        try existing(modelsDirectory.appendingPathComponent(name).path, what: "test model")
    }

    /// The demo detector (nudenet 320n, a YOLOv8n export).
    public static func demoModel() throws -> String {
        try existing(
            ProcessInfo.processInfo.environment["HAILO8_DEMO_MODEL"]
                ?? repositoryRoot.appendingPathComponent("models/nudenet-320n.onnx").path, what: "demo model")
    }

    /// The directory of the test images (`.test-images/`, or `HAILO8_TEST_IMAGES`).
    public static var imagesDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["HAILO8_TEST_IMAGES"] { return URL(fileURLWithPath: dir) }
        return repositoryRoot.appendingPathComponent(".test-images")
    }

    /// The bytes of a test image (`astronaut.png`, `coffee.png`, `astronaut-1080p.jpg`, …).
    public static func image(_ name: String) throws -> [UInt8] {
        let path = try existing(imagesDirectory.appendingPathComponent(name).path, what: "test image")
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// `HAILO8_ONNXRUNTIME_LIBRARY`, when set.
    public static var libraryPath: String? { ProcessInfo.processInfo.environment["HAILO8_ONNXRUNTIME_LIBRARY"] }

    /// A fresh directory under the system's temporary directory.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hailo8-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func existing(_ path: String, what: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SetupError(message: "\(what) \(path) is missing: run scripts/setup.sh")
        }
        return path
    }

    public struct SetupError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}

extension TestEnvironment {
    /// The HailoRT simulator built by the package (`libHailoRTSimulator.so`), or
    /// `HAILO8_SIMULATOR_LIBRARY`.
    public static func simulatorLibrary() throws -> String {
        if let path = ProcessInfo.processInfo.environment["HAILO8_SIMULATOR_LIBRARY"] {
            return try existing(path, what: "HailoRT simulator")
        }
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL { candidates.append(executable.deletingLastPathComponent()) }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        candidates.append(repositoryRoot.appendingPathComponent(".build/debug"))
        for dir in candidates {
            let path = dir.appendingPathComponent("libHailoRTSimulator.so").path
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        throw SetupError(
            message: "libHailoRTSimulator.so not found next to the tests: run `swift build --build-tests` (scripts/test.sh does)")
    }
}

/// Runs blocking work (a runtime call in a test) on a thread of its own, so that tests never
/// occupy Swift's cooperative pool, which other tests' timers and continuations need.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await Blocking.run(body)
}
