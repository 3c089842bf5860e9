import InferenceCore
import Metrics
import Synchronization

/// The request counter and duration histogram of the HTTP layer, one series per label set, made
/// on first use and kept. Labels are bounded: routes are the router's patterns (not the paths
/// asked for), models only those the core ran, codes the statuses the service answers.
final class HTTPMetrics: Sendable {
    struct Key: Hashable {
        var model: String
        var route: String
        var method: String
        var code: Int
    }

    private struct Series {
        let requests: Counter
        let duration: Timer
    }

    private let factory: any MetricsFactory
    private let series = Mutex<[Key: Series]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func record(_ key: Key, duration: Duration) {
        let series = self.series.withLock { all in
            if let existing = all[key] { return existing }
            let made = Series(
                requests: Counter(label: MetricNames.httpRequests, dimensions: [
                    ("model", key.model), ("route", key.route), ("method", key.method), ("code", String(key.code)),
                ], factory: factory),
                duration: Timer(label: MetricNames.httpDuration, dimensions: [
                    ("model", key.model), ("route", key.route), ("method", key.method),
                ], factory: factory))
            all[key] = made
            return made
        }
        series.requests.increment()
        series.duration.recordNanoseconds(duration.nanoseconds)
    }
}
