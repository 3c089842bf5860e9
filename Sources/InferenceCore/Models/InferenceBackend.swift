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
