public import Foundation
public import InferenceCore

/// A CPU backend without a runtime, for the core's tests: they exercise the registry, the
/// scheduler, tasks and metrics without ONNX Runtime or a device.
///
/// Its model files are text: `fake-model affine` (x float32 [batch, 3] -> y = 2x + 1, labels cat
/// and dog, as tests/models' affine.onnx) or `fake-model two_inputs` (a, b float32 [batch, 4] ->
/// sum, prod). Any other file is refused as the runtime refuses a file that is not a model (422
/// `model_load_failed`). A run checks for cancellation first, as the ONNX backend's thread pool
/// does, and throws Swift's `CancellationError` in a cancelled task.
public final class FakeBackend: InferenceBackend {
    public enum Model: String, CaseIterable, Sendable {
        case affine
        case twoInputs = "two_inputs"

        var signature: ModelSignature {
            switch self {
            case .affine:
                ModelSignature(
                    inputs: [TensorSpec(name: "x", dtype: .float32, shape: [-1, 3])],
                    outputs: [TensorSpec(name: "y", dtype: .float32, shape: [-1, 3])],
                    labels: ["cat", "dog"], metadata: ["names": "{0: 'cat', 1: 'dog'}", "purpose": "test"])
            case .twoInputs:
                ModelSignature(
                    inputs: [
                        TensorSpec(name: "a", dtype: .float32, shape: [-1, 4]), TensorSpec(name: "b", dtype: .float32, shape: [-1, 4]),
                    ],
                    outputs: [
                        TensorSpec(name: "prod", dtype: .float32, shape: [-1, 4]),
                        TensorSpec(name: "sum", dtype: .float32, shape: [-1, 4]),
                    ])
            }
        }

        func outputs(_ inputs: [[Float]]) -> [String: [Float]] {
            switch self {
            case .affine: ["y": inputs[0].map { 2 * $0 + 1 }]
            case .twoInputs: ["sum": zip(inputs[0], inputs[1]).map(+), "prod": zip(inputs[0], inputs[1]).map(*)]
            }
        }
    }

    public let kind = DeviceKind.cpu
    public let formats: Set<ModelFormat> = [.onnx]
    public var status: BackendStatus { BackendStatus(available: true, runtime: "fake", state: "ready") }

    public init() {}

    /// Writes a model file this backend loads.
    public static func write(_ model: Model, to file: URL) throws {
        try Data("fake-model \(model.rawValue)\n".utf8).write(to: file)
    }

    public func devices() -> [DeviceInfo] {
        [DeviceInfo(id: "cpu", kind: .cpu, name: "fake CPU", available: true, state: "ready", runtime: "fake")]
    }

    public func load(path: String, options: ModelOptions) async throws -> any LoadedModel {
        FakeModel(model: try Self.model(at: path))
    }

    public func inspect(path: String) async throws -> ModelSignature {
        try Self.model(at: path).signature
    }

    static func model(at path: String) throws -> Model {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let words = text.split(whereSeparator: \.isWhitespace)
        guard words.count == 2, words[0] == "fake-model", let model = Model(rawValue: String(words[1])) else {
            throw InferenceError(.unprocessable, .modelLoadFailed, "the file is not a model the fake backend knows")
        }
        return model
    }
}

/// A model of `FakeBackend`: float32 arithmetic on the caller's task.
struct FakeModel: LoadedModel {
    let model: FakeBackend.Model
    var signature: ModelSignature { model.signature }

    func run(_ inputs: [Tensor], outputs: [String], deadline: ContinuousClock.Instant) async throws -> RunResult {
        try Task.checkCancellation()
        let start = ContinuousClock.now
        let floats = inputs.map { $0.data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) } }
        let values = model.outputs(floats)
        let rows = inputs.first?.shape.first ?? 1
        let specs = signature.outputs.filter { outputs.isEmpty || outputs.contains($0.name) }
        let tensors = specs.map { spec in
            Tensor(
                name: spec.name, dtype: .float32, shape: [rows] + spec.shape.dropFirst(),
                data: (values[spec.name] ?? []).withUnsafeBytes { Array($0) })
        }
        return RunResult(outputs: tensors, queueTime: .zero, inferenceTime: .now - start)
    }

    func close() async {}
}
