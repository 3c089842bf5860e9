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
