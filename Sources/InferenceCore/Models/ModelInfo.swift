public import Foundation

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
