import ArgumentParser
import Foundation
import HailoBackend
import InferenceCore
import Logging
import ONNXBackend

/// `hailo8-service inspect MODEL`: a model's inputs and outputs.
struct Inspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a model's inputs, outputs and metadata.")

    @Argument(help: "Path of a model file (.onnx or .hef).") var model: String
    @OptionGroup var runtime: RuntimeOptions

    func run() async throws {
        let quiet = Logger(label: "hailo8-service", factory: { _ in SwiftLogNoOpLogHandler() })
        let signature: ModelSignature
        do {
            if ModelFormat(fileName: model) == .hef {
                let backend = HailoBackend(configuration: runtime.hailoConfiguration(dataDirectory: nil), logger: quiet)
                signature = try await backend.inspect(path: model)
            } else {
                let backend = ONNXBackend(configuration: try runtime.onnxConfiguration(), logger: quiet)
                defer { Task { await backend.shutdown() } }
                signature = try await backend.inspect(path: model)
            }
        } catch {
            throw ConfigurationError("cannot inspect \(model): \((error as? InferenceError)?.message ?? "\(error)")")
        }
        print("model: \(model)")
        print("inputs:")
        for input in signature.inputs {
            let defaults = signature.defaultInputShapes[input.name].map { "  (default \($0))" } ?? ""
            print("  \(input.name)  \(input.dtype.rawValue)  \(input.shape)\(defaults)")
        }
        print("outputs:")
        for output in signature.outputs { print("  \(output.name)  \(output.dtype.rawValue)  \(output.shape)") }
        if let labels = signature.labels {
            print("labels: \(labels.count) (\(labels.prefix(5).joined(separator: ", "))\(labels.count > 5 ? ", …" : ""))")
        }
        if !signature.metadata.isEmpty {
            print("metadata:")
            for (key, value) in signature.metadata.sorted(by: { $0.key < $1.key }) { print("  \(key): \(value.prefix(120))") }
        }
    }
}
