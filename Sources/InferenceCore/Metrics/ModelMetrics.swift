import Metrics

/// The per-request metrics of one model, created once and kept (creating a metric asks the
/// factory, which takes a lock and looks the name up).
public final class ModelMetrics: Sendable {
    public let modelID: String
    private let stages: [MetricNames.Stage: Timer]
    private let batchSize: Recorder
    private let outcomes: OutcomeCounters
    /// The outcome of nearly every request, looked up once.
    private let succeededCount: Counter

    init(modelID: String, factory: any MetricsFactory) {
        self.modelID = modelID
        var stages: [MetricNames.Stage: Timer] = [:]
        for stage in MetricNames.Stage.allCases {
            stages[stage] = Timer(
                label: MetricNames.stageDuration,
                dimensions: [("model", modelID), ("stage", stage.rawValue)], factory: factory)
        }
        self.stages = stages
        self.batchSize = Recorder(label: MetricNames.batchSize, dimensions: [("model", modelID)], aggregate: true, factory: factory)
        let outcomes = OutcomeCounters { outcome in
            Counter(label: MetricNames.inferences, dimensions: [("model", modelID), ("outcome", outcome)], factory: factory)
        }
        self.outcomes = outcomes
        self.succeededCount = outcomes.counter("succeeded")
    }

    public func record(_ stage: MetricNames.Stage, _ duration: Duration) {
        stages[stage]!.recordNanoseconds(duration.nanoseconds)
    }

    /// A request that succeeded: the stages the core measures, its outcome, and the size of the
    /// run it was part of when it ran alone (a batched run records its size once, for all).
    public func succeeded(_ timing: InferenceResult.Timing, batchSize size: Int?) {
        record(.queue, timing.queue)
        record(.inference, timing.inference)
        record(.total, timing.total)
        if let size { recordBatch(size: size) }
        succeededCount.increment()
    }

    /// The image stages of the vision path.
    public func recordImage(decode: Duration, preprocess: Duration, postprocess: Duration) {
        record(.decode, decode)
        record(.preprocess, preprocess)
        record(.postprocess, postprocess)
    }

    /// How many rows (first-dimension entries) ran together in one backend run: 1 for a request
    /// that ran alone, the batch's rows for a dynamic batch (recorded once per batch).
    public func recordBatch(size: Int) {
        batchSize.record(size)
    }

    /// A request finished: `succeeded`, or the code of its error (`queue_full`, …).
    public func count(outcome: String) {
        outcomes.counter(outcome).increment()
    }
}
