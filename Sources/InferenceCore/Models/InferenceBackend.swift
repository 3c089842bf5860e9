/// Which kind of device a backend runs models on.
public enum DeviceKind: String, Sendable, Codable, CaseIterable {
    case cpu, hailo
}

/// Model file formats, by extension.
public enum ModelFormat: String, Sendable, Codable {
    case onnx, hef

    public init?(fileName: String) {
        guard let dot = fileName.lastIndex(of: ".") else { return nil }
        self.init(rawValue: fileName[fileName.index(after: dot)...].lowercased())
    }

    /// The device a model of this format runs on when the load request says `auto`.
    public var preferredDevice: DeviceKind {
        switch self {
        case .onnx: .cpu
        case .hef: .hailo
        }
    }
}

/// Whether a backend can serve, and if not, why.
public struct BackendStatus: Sendable, Codable, Equatable {
    public var available: Bool
    /// The runtime behind the backend, e.g. `onnxruntime`.
    public var runtime: String
    public var version: String?
    public var library: String?
    /// Why the backend is unavailable, in words a user can act on.
    public var reason: String?
    /// The backend's own state when it has one (`ready`, `recovering`, …).
    public var state: String?

    public init(
        available: Bool, runtime: String, version: String? = nil, library: String? = nil, reason: String? = nil, state: String? = nil
    ) {
        self.available = available
        self.runtime = runtime
        self.version = version
        self.library = library
        self.reason = reason
        self.state = state
    }
}

/// One device as `/devices` shows it. Backends fill in what they know; `details` carries
/// backend-specific facts (threads, temperatures, firmware…).
public struct DeviceInfo: Sendable, Codable, Equatable {
    public var id: String
    public var kind: DeviceKind
    public var name: String
    public var available: Bool
    public var state: String
    public var runtime: String
    public var runtimeVersion: String?
    public var library: String?
    public var reason: String?
    public var details: [String: String]

    public init(
        id: String, kind: DeviceKind, name: String, available: Bool, state: String, runtime: String,
        runtimeVersion: String? = nil, library: String? = nil, reason: String? = nil, details: [String: String] = [:]
    ) {
        self.id = id
        self.kind = kind
        self.name = name
        self.available = available
        self.state = state
        self.runtime = runtime
        self.runtimeVersion = runtimeVersion
        self.library = library
        self.reason = reason
        self.details = details
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, name, available, state, runtime, runtimeVersion = "runtime_version", library, reason, details
    }
}

/// An inference engine: loads models for one kind of device.
public protocol InferenceBackend: Sendable {
    var kind: DeviceKind { get }
    var status: BackendStatus { get }
    /// The formats this backend loads.
    var formats: Set<ModelFormat> { get }
    func devices() -> [DeviceInfo]
    /// Loads the model file at `path`. Throws `InferenceError`s (`model_load_failed`, …).
    func load(path: String, options: ModelOptions) async throws -> any LoadedModel
    /// Reads a model's signature without keeping it loaded (`hailo8-service inspect`).
    func inspect(path: String) async throws -> ModelSignature
    /// Opens what the backend needs (a Hailo board) before the first load.
    func start() async
    /// Releases the backend's devices and threads, once, at the end.
    func shutdown() async
}

extension InferenceBackend {
    public func start() async {}
    public func shutdown() async {}
}

/// The result of one run on a backend.
public struct RunResult: Sendable {
    public var outputs: [Tensor]
    /// Time spent waiting for a backend thread.
    public var queueTime: Duration
    /// Time spent in the runtime.
    public var inferenceTime: Duration

    public init(outputs: [Tensor], queueTime: Duration, inferenceTime: Duration) {
        self.outputs = outputs
        self.queueTime = queueTime
        self.inferenceTime = inferenceTime
    }
}

/// A model loaded on a backend.
public protocol LoadedModel: Sendable {
    var signature: ModelSignature { get }
    /// Runs once. `inputs` match the signature already (the core validated them). A run not
    /// finished by `deadline` is stopped and throws `deadline_exceeded`.
    func run(_ inputs: [Tensor], outputs: [String], deadline: ContinuousClock.Instant) async throws -> RunResult
    /// Frees the model. Called once, after the last run finished.
    func close() async
    /// Runs worth handing to the backend at once to keep its device busy.
    var preferredInFlight: Int { get }
    /// Why the model cannot run now although it is loaded (its device is recovering from a
    /// fault), or nil when it can. Its runs are refused at once meanwhile.
    var unavailableReason: String? { get }
}

extension LoadedModel {
    public var preferredInFlight: Int { 2 }
    public var unavailableReason: String? { nil }
}
