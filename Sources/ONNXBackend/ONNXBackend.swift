import Foundation
public import InferenceCore
public import Logging
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
    /// How runs share the cores, from the configuration.
    public let policy: ThreadPolicy
    let library: Result<ORTLibrary, ORTLoadError>
    let pool: NIOThreadPool
    let gate: CoreGate
    /// Deadline timers of runs not yet finished.
    public let timers = DeadlineTimer.Count()
    let logger: Logger

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.library = Result { () throws(ORTLoadError) in
            try ORTLibrary.load(candidates: ORTLibrary.searchPaths(explicit: configuration.libraryPath))
        }
        policy = configuration.policy
        gate = CoreGate(capacity: policy.capacity)
        self.pool = NIOThreadPool(numberOfThreads: policy.runThreads)
        pool.start()
        switch library {
        case .success(let lib):
            logger.info("ONNX Runtime loaded", metadata: ["version": "\(lib.version)", "library": "\(lib.path)", "threads": "\(policy)"])
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
            BackendStatus(
                available: false, runtime: "onnxruntime",
                reason: "\(error); install the onnxruntime wheel (scripts/setup.sh) or pass --onnxruntime-library")
        }
    }

    public func devices() -> [DeviceInfo] {
        let status = status
        let resources = configuration.resources
        var details = [
            "cores": "\(resources.cpus)",
            "host_cores": "\(resources.processors.host)",
            "intra_op_threads": "\(policy.wideThreads)",
            "inter_op_threads": "\(configuration.interOpThreads)",
            "inference_threads": "\(policy.runThreads)",
        ]
        details["intra_op_threads_shared"] = policy.narrowThreads.map { "\($0)" }
        details["cpu_limit"] = resources.cpuQuota.map { "\(($0 * 1000).rounded() / 1000)" }
        details["memory_limit_bytes"] = resources.memoryLimit.map { "\($0)" }
        return [
            DeviceInfo(
                id: "cpu", kind: .cpu, name: "CPU (\(resources.cpus) cores)",
                available: status.available, state: status.available ? "ready" : "unavailable",
                runtime: "onnxruntime", runtimeVersion: status.version, library: status.library, reason: status.reason,
                details: details)
        ]
    }

    /// Loads the model's session, and under the adaptive policy a second, narrow one (see
    /// `ThreadPolicy`): the model is held twice in memory, for the best speed alone and shared.
    public func load(path: String, options: ModelOptions) async throws -> any LoadedModel {
        let library = try availableLibrary()
        if let requested = options.intraOpThreads, requested < 0 {
            throw InferenceError.invalidRequest("thread counts must be 0 (automatic) or more")
        }
        let policy = policy.forModel(intraOpThreads: options.intraOpThreads)
        let wideOptions = try sessionOptions(options, intraOpThreads: policy.wideThreads)
        let narrowOptions = try policy.narrowThreads.map { try sessionOptions(options, intraOpThreads: $0) }
        let (wide, narrow) = try await pool.runIfActive { () throws -> (ORTSession, ORTSession?) in
            do {
                return (
                    try ORTSession(library: library, path: path, options: wideOptions),
                    try narrowOptions.map { try ORTSession(library: library, path: path, options: $0) }
                )
            } catch let error as ORTError {
                throw Self.loadError(error, path: path)
            }
        }
        let signature = try ONNXSignature.make(session: wide, options: options)
        return ONNXModel(sessions: .init(wide: wide, narrow: narrow, policy: policy), signature: signature, backend: self)
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

    private func sessionOptions(_ options: ModelOptions, intraOpThreads: Int) throws(InferenceError) -> ORTSessionOptions {
        var result = ORTSessionOptions()
        result.intraOpThreads = intraOpThreads
        result.interOpThreads = options.interOpThreads ?? configuration.interOpThreads
        if let spinning = configuration.spinning {
            result.configEntries["session.intra_op.allow_spinning"] = spinning ? "1" : "0"
        }
        guard result.interOpThreads >= 0 else {  // intra-op counts come from the policy, at least 1
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
            return InferenceError(.notFound, .modelFileNotFound, "ONNX Runtime cannot open \(name): \(message)", cause: error)
        default:
            return InferenceError(
                .unprocessable, .modelLoadFailed, "ONNX Runtime rejected the model (\(error.code)): \(message)", cause: error)
        }
    }
}
