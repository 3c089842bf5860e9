import ArgumentParser
import Foundation
import HailoBackend
import InferenceCore
import Logging
import ONNXBackend

/// `hailo8-service bench model MODEL`: the in-process ceiling. Loads the model through the same
/// backends, registry and scheduler as `serve`, with the same thread settings, and runs it
/// back-to-back from N concurrent callers for a fixed time: no HTTP, no JSON.
struct BenchModel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Run a model back-to-back in-process (the ceiling of the HTTP figures).")

    @Argument(help: "Path of a model file (.onnx or .hef).") var model: String
    @Option(help: "Concurrent callers, comma-separated: one measurement each.") var concurrency = "1"
    @Option(help: "Seconds each measurement lasts.") var duration: Double = 5
    @Option(help: "Seconds of warm-up before the first measurement.") var warmup: Double = 1
    @Option(help: "Input shape, comma-separated (default: the model's, dynamic dimensions from its metadata, else 1).")
    var shape: String?
    @Option(help: "cpu, hailo or auto.") var device: DeviceChoice = .auto
    @Option(help: "What each caller invokes: `service` (InferenceService.infer: scheduler, checks, stats) or `model` (the backend's run alone).")
    var layer: BenchLayer = .service
    @Flag(help: "One JSON object per measurement instead of text.") var json = false
    @OptionGroup var runtime: RuntimeOptions

    func validate() throws {
        guard duration > 0, warmup >= 0 else { throw ValidationError("--duration must be positive and --warmup not negative") }
        guard !(try levels()).isEmpty else { throw ValidationError("--concurrency needs at least one count") }
    }

    func levels() throws -> [Int] {
        try concurrency.split(separator: ",").map { part in
            guard let n = Int(part.trimmingCharacters(in: .whitespaces)), n > 0 else {
                throw ValidationError("--concurrency takes positive counts, e.g. 1,4,16")
            }
            return n
        }
    }

    func run() async throws {
        let quiet = Logger(label: "hailo8-service", factory: { _ in SwiftLogNoOpLogHandler() })
        let file = URL(fileURLWithPath: model).standardizedFileURL
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hailo8-bench-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        let onnx = ONNXBackend(configuration: try runtime.onnxConfiguration(), logger: quiet)
        let hailo = HailoBackend(configuration: runtime.hailoConfiguration(dataDirectory: nil), logger: quiet)
        await hailo.start()
        let backends: [any InferenceBackend] = [onnx, hailo]
        let registry = ModelRegistry(backends: backends, modelsDirectory: file.deletingLastPathComponent(),
                                     dataDirectory: scratch, logger: quiet)
        let service = InferenceService(backends: backends, registry: registry, tasks: TaskStore(capacity: 1, timeToLive: .seconds(1)),
                                       defaultTimeout: .seconds(30), logger: quiet)
        do {
            let (info, _) = try await registry.load(LoadRequest(source: .path(file.lastPathComponent), modelID: "bench", device: device))
            let runner = try BenchRunner(service: service, lease: try await registry.lease("bench"), layer: layer,
                                         shape: try BenchRunner.shape(shape, info.signature))
            if warmup > 0 { _ = try await runner.measure(callers: 1, seconds: warmup) }
            for callers in try levels() {
                let result = try await runner.measure(callers: callers, seconds: duration)
                print(json ? result.json(model: file.lastPathComponent, device: info.record.device.rawValue, layer: layer)
                           : result.text(model: file.lastPathComponent, device: info.record.device.rawValue))
            }
        } catch let error as InferenceError {
            await Self.stop(hailo, registry, onnx)
            throw ConfigurationError("bench \(model): \(error.message)")
        }
        await Self.stop(hailo, registry, onnx)
    }

    static func stop(_ hailo: HailoBackend, _ registry: ModelRegistry, _ onnx: ONNXBackend) async {
        await hailo.shutdown()
        await registry.closeAll()
        await onnx.shutdown()
    }
}

enum BenchLayer: String, ExpressibleByArgument, Sendable {
    case service, model
}

extension DeviceChoice: ExpressibleByArgument {}
