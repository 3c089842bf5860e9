public import Metrics
import Synchronization

/// Where the service's metrics go: the swift-metrics factory captured when the service was made.
///
/// Libraries never pick a metrics backend: the executable bootstraps `MetricsSystem` once (with
/// Prometheus), and this type takes whatever factory is current when it is created — the global
/// one, or the one a test bound with `withMetricsFactory` around building its service. Every
/// metric afterwards goes to that factory, from whatever thread, so tests that each build their
/// own service with their own factory never see each other's figures.
public final class InferenceMetrics: Sendable {
    public let factory: any MetricsFactory
    private let models = Mutex<[String: ModelMetrics]>([:])
    let gauges: ScrapeGauges

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        self.gauges = ScrapeGauges(factory: factory)
    }

    /// The metrics of one model, made on first use.
    public func model(_ modelID: String) -> ModelMetrics {
        models.withLock { models in
            if let metrics = models[modelID] { return metrics }
            let metrics = ModelMetrics(modelID: modelID, factory: factory)
            models[modelID] = metrics
            return metrics
        }
    }
}
