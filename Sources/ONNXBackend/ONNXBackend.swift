import Foundation
import InferenceCore
import Logging
import NIOPosix
import ONNXRuntime

/// Runs `.onnx` models on the CPU with ONNX Runtime, loaded at run time.
///
/// Every blocking ORT call (session creation, `Run`) happens on the backend's own
/// `NIOThreadPool`, never on Swift's cooperative pool.
public final class ONNXBackend: InferenceBackend {
    public let kind = DeviceKind.cpu
    public let formats: Set<ModelFormat> = [.onnx]
    public let configuration: Configuration
    let library: Result<ORTLibrary, ORTLoadError>
    let pool: NIOThreadPool
    let logger: Logger

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.library = Result { () throws(ORTLoadError) in
            try ORTLibrary.load(candidates: ORTLibrary.searchPaths(explicit: configuration.libraryPath))
        }
        self.pool = NIOThreadPool(numberOfThreads: max(1, configuration.inferenceThreads))
        pool.start()
        switch library {
        case .success(let lib):
            logger.info("ONNX Runtime loaded", metadata: ["version": "\(lib.version)", "library": "\(lib.path)"])
        case .failure(let error):
            logger.warning("CPU backend unavailable", metadata: ["reason": "\(error)"])
        }
    }

    /// Stops the backend's threads once every model is closed.
    public func shutdown() async {
        try? await pool.shutdownGracefully()
    }

    public var status: BackendStatus {
        switch library {
        case .success(let lib):
            BackendStatus(available: true, runtime: "onnxruntime", version: lib.version, library: lib.path)
        case .failure(let error):
            BackendStatus(available: false, runtime: "onnxruntime",
                          reason: "\(error); install the onnxruntime wheel (scripts/setup.sh) or pass --onnxruntime-library")
        }
    }

    public func devices() -> [DeviceInfo] {
        let status = status
        let resources = configuration.resources
        let intraOp = configuration.intraOpThreads(requested: nil)
        var details = [
            "cores": "\(resources.cpus)",
            "host_cores": "\(resources.processors.host)",
            "intra_op_threads": intraOp == 0 ? "auto" : "\(intraOp)",
            "inter_op_threads": "\(configuration.interOpThreads)",
            "inference_threads": "\(max(1, configuration.inferenceThreads))",
        ]
        details["cpu_limit"] = resources.cpuQuota.map { "\(($0 * 1000).rounded() / 1000)" }
        details["memory_limit_bytes"] = resources.memoryLimit.map { "\($0)" }
        return [DeviceInfo(
            id: "cpu", kind: .cpu, name: "CPU (\(resources.cpus) cores)",
            available: status.available, state: status.available ? "ready" : "unavailable",
            runtime: "onnxruntime", runtimeVersion: status.version, library: status.library, reason: status.reason,
            details: details)]
    }

    public func load(path: String, options: ModelOptions) async throws -> any LoadedModel {
        let library = try availableLibrary()
        let sessionOptions = try sessionOptions(options)
        let session = try await pool.runIfActive { () throws -> ORTSession in
            do {
                return try ORTSession(library: library, path: path, options: sessionOptions)
            } catch let error as ORTError {
                throw Self.loadError(error, path: path)
            }
        }
        let signature = try ONNXSignature.make(session: session, options: options)
        return ONNXModel(session: session, signature: signature, pool: pool, threads: configuration.inferenceThreads)
    }

    public func inspect(path: String) async throws -> ModelSignature {
        let model = try await load(path: path, options: ModelOptions(graphOptimization: "disabled"))
        return model.signature
    }

    private func availableLibrary() throws(InferenceError) -> ORTLibrary {
        switch library {
        case .success(let lib): return lib
        case .failure: throw InferenceError(.unavailable, .backendUnavailable, "the CPU backend is not available: \(status.reason ?? "")")
        }
    }

    private func sessionOptions(_ options: ModelOptions) throws(InferenceError) -> ORTSessionOptions {
        var result = ORTSessionOptions()
        if let requested = options.intraOpThreads, requested < 0 {
            throw InferenceError.invalidRequest("thread counts must be 0 (automatic) or more")
        }
        result.intraOpThreads = configuration.intraOpThreads(requested: options.intraOpThreads)
        result.interOpThreads = options.interOpThreads ?? configuration.interOpThreads
        guard result.intraOpThreads >= 0, result.interOpThreads >= 0 else {
            throw InferenceError.invalidRequest("thread counts must be 0 (automatic) or more")
        }
        if let level = options.graphOptimization {
            guard let parsed = ORTSessionOptions.GraphOptimization(rawValue: level) else {
                throw InferenceError.invalidRequest("graph_optimization '\(level)' is not one of disabled, basic, extended, all")
            }
            result.graphOptimization = parsed
        }
        return result
    }

    /// The load error as the client sees it: the file by name, not by its path on this machine.
    static func loadError(_ error: ORTError, path: String) -> InferenceError {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let message = error.message.replacingOccurrences(of: path, with: name)
        switch error.code {
        case .noSuchFile:
            return InferenceError(.notFound, .modelFileNotFound, "ONNX Runtime cannot open \(name): \(message)")
        default:
            return InferenceError(.unprocessable, .modelLoadFailed, "ONNX Runtime rejected the model (\(error.code)): \(message)")
        }
    }
}
