import ArgumentParser
import Foundation
import InferenceCore
import Logging
import ONNXBackend

/// `hailo8-service inspect MODEL`: a model's inputs and outputs.
struct Inspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a model's inputs, outputs and metadata.")

    @Argument(help: "Path of a model file (.onnx).") var model: String
    @OptionGroup var runtime: RuntimeOptions

    func run() async throws {
        let backend = ONNXBackend(configuration: try runtime.onnxConfiguration(), logger: Logger(label: "hailo8-service", factory: { _ in SwiftLogNoOpLogHandler() }))
        let signature: ModelSignature
        do {
            signature = try await backend.inspect(path: model)
        } catch {
            await backend.shutdown()
            throw ConfigurationError("cannot inspect \(model): \((error as? InferenceError)?.message ?? "\(error)")")
        }
        await backend.shutdown()
        print("model: \(model)")
        print("inputs:")
        for input in signature.inputs {
            let defaults = signature.defaultInputShapes[input.name].map { "  (default \($0))" } ?? ""
            print("  \(input.name)  \(input.dtype.rawValue)  \(input.shape)\(defaults)")
        }
        print("outputs:")
        for output in signature.outputs { print("  \(output.name)  \(output.dtype.rawValue)  \(output.shape)") }
        if let labels = signature.labels { print("labels: \(labels.count) (\(labels.prefix(5).joined(separator: ", "))\(labels.count > 5 ? ", …" : ""))") }
        if !signature.metadata.isEmpty {
            print("metadata:")
            for (key, value) in signature.metadata.sorted(by: { $0.key < $1.key }) { print("  \(key): \(value.prefix(120))") }
        }
    }
}
