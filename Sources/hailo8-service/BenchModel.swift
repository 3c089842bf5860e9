public import ArgumentParser
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
    @Option(
        help: "What each caller invokes: `service` (InferenceService.infer: scheduler, checks, stats) or `model` (the backend's run alone)."
    )
    var layer: BenchLayer = .service
    @Flag(help: "One JSON object per measurement instead of text.") var json = false
    @Flag(
        help: ArgumentHelp(
            "ONNX models: sweep the runtime's configurations that fit the cores (callers × intra-op threads, spinning on and off, each with as many run threads as callers), then the service's default policy at 1, cores and 4 × cores callers; ignores --concurrency and the thread flags.",
            visibility: .default))
    var sweep = false
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
        guard sweep else {
            try await measure(try runtime.onnxConfiguration(), callers: try levels(), layer: layer, label: nil)
            return
        }
        let base = try runtime.onnxConfiguration()
        let cores = base.resources.cpus
        for spinning in [true, false] {
            for threads in 1...cores {
                var configuration = base
                (configuration.intraOpThreads, configuration.spinning) = (threads, spinning)
                for callers in 1...(cores / threads) {
                    configuration.inferenceThreads = callers
                    try await measure(configuration, callers: [callers], layer: .model, label: "fixed")
                }
            }
        }
        var automatic = base
        (automatic.intraOpThreads, automatic.inferenceThreads) = (nil, nil)
        try await measure(automatic, callers: [1, cores, 4 * cores], layer: .model, label: "default")
    }

    /// Loads the model with `configuration` and measures it at each caller count.
    private func measure(_ configuration: ONNXBackend.Configuration, callers levels: [Int], layer: BenchLayer, label: String?) async throws
    {
        let quiet = Logger(label: "hailo8-service", factory: { _ in SwiftLogNoOpLogHandler() })
        let file = URL(fileURLWithPath: model).standardizedFileURL
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hailo8-bench-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        let onnx = ONNXBackend(configuration: configuration, logger: quiet)
        let hailo = HailoBackend(configuration: runtime.hailoConfiguration(dataDirectory: nil), logger: quiet)
        let core = await CoreAssembly.make(
            backends: [onnx, hailo], settings: .init(modelsDirectory: file.deletingLastPathComponent(), dataDirectory: scratch),
            logger: quiet)
        let (service, registry) = (core.service, core.registry)
        do {
            let (info, _) = try await registry.load(LoadRequest(source: .path(file.lastPathComponent), modelID: "bench", device: device))
            let runner = try BenchRunner(
                service: service, lease: try await registry.lease("bench"), layer: layer,
                shape: try BenchRunner.shape(shape, info.signature))
            if warmup > 0 { _ = try await runner.measure(callers: 1, seconds: warmup) }
            let setting = label.map { BenchResult.Setting(policy: $0, threads: onnx.policy, spinning: configuration.spinning ?? true) }
            for callers in levels {
                let result = try await runner.measure(callers: callers, seconds: duration)
                print(
                    json
                        ? result.json(model: file.lastPathComponent, device: info.record.device.rawValue, layer: layer, setting: setting)
                        : result.text(model: file.lastPathComponent, device: info.record.device.rawValue, setting: setting))
            }
        } catch let error as InferenceError {
            await core.shutdown()
            throw ConfigurationError("bench \(model): \(error.message)")
        }
        await core.shutdown()
    }
}

enum BenchLayer: String, ExpressibleByArgument, Sendable {
    case service, model
}

extension DeviceChoice: ExpressibleByArgument {}
