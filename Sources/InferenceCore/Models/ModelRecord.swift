public import Foundation

/// Which device a load request asks for.
public enum DeviceChoice: String, Sendable, Codable {
    case auto, cpu, hailo
}

/// What is remembered of a loaded model across restarts (`<data-dir>/models.json`).
public struct ModelRecord: Sendable, Codable, Equatable {
    public var modelID: String
    /// Path of the file relative to the models root, or relative to the data directory for
    /// uploads (`uploads/…`).
    public var source: String
    public var uploaded: Bool
    public var device: DeviceKind
    public var format: ModelFormat
    public var labels: [String]?
    public var options: ModelOptions
    public var fingerprint: String

    enum CodingKeys: String, CodingKey {
        case modelID = "model_id", source, uploaded, device, format, labels, options, fingerprint
    }
}

/// A request to load a model, from a path in the models root or from uploaded bytes.
public struct LoadRequest: Sendable {
    public enum Source: Sendable {
        case path(String)
        case upload(bytes: [UInt8], fileName: String)
    }

    public var source: Source
    public var modelID: String?
    public var device: DeviceChoice
    public var labels: [String]?
    public var options: ModelOptions

    public init(
        source: Source, modelID: String? = nil, device: DeviceChoice = .auto, labels: [String]? = nil, options: ModelOptions = .init()
    ) {
        self.source = source
        self.modelID = modelID
        self.device = device
        self.labels = labels
        self.options = options
    }
}

/// The state of a model in the registry.
public enum ModelState: String, Sendable, Codable {
    /// Being loaded by its backend.
    case loading
    case ready
    /// Recorded but could not be loaded (e.g. after a restart without its backend).
    case failed
    /// Refusing new requests while the ones in flight finish.
    case unloading
    /// Loaded, but its device is recovering from a fault: requests are refused with 503 and
    /// `Retry-After` until it is back (`error` says why).
    case recovering
}

/// A model as the registry lists it.
public struct ModelInfo: Sendable {
    public var record: ModelRecord
    public var state: ModelState
    public var signature: ModelSignature?
    /// Why a `failed` model could not be loaded, or why a `recovering` one cannot run now.
    public var error: String?
    public var loadedAt: Date?
    public var stats: ModelStats.Snapshot
    /// The model's queue: its limits and what is in it now.
    public var scheduler: SchedulerSnapshot?
    /// What the registry's `ModelPlanner` made of the model when it loaded (nil without one).
    public var plan: (any Sendable)?

    /// Labels given at load, else those the model carries.
    public var labels: [String]? { record.labels ?? signature?.labels }
}

/// A model's scheduler as `/status` and `/models` show it.
public struct SchedulerSnapshot: Sendable {
    public var policy: SchedulerPolicy
    public var inFlight: Int
    public var queued: Int

    init(policy: SchedulerPolicy, load: (inFlight: Int, queued: Int)) {
        self.policy = policy
        self.inFlight = load.inFlight
        self.queued = load.queued
    }
}

/// Reads and writes the list of loaded models.
struct ModelStore: Sendable {
    let file: URL

    func load() throws -> [ModelRecord] {
        guard FileManager.default.fileExists(atPath: file.path) else { return [] }
        return try JSONDecoder().decode(Contents.self, from: Data(contentsOf: file)).models
    }

    func save(_ records: [ModelRecord]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try DurableFile.write(try encoder.encode(Contents(models: records)), to: file)
    }

    private struct Contents: Codable {
        var models: [ModelRecord]
    }
}
