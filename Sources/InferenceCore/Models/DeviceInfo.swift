/// Which kind of device a backend runs models on.
public enum DeviceKind: String, Sendable, Codable, CaseIterable {
    case cpu, hailo
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
