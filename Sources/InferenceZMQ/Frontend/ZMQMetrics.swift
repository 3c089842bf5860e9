import InferenceCore
import Metrics
import Synchronization

/// Counts the front end's requests in the HTTP layer's families (`hailo8_http_requests_total`,
/// `hailo8_http_request_duration_seconds`) with route `zmq`, the request kind as the method
/// (`model_request`, `model_data`, `inference`) and the HTTP status the same failure would get,
/// so that one dashboard shows every front end.
final class ZMQMetrics: Sendable {
    struct Key: Hashable {
        var model: String
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
                    ("model", key.model), ("route", "zmq"), ("method", key.method), ("code", String(key.code)),
                ], factory: factory),
                duration: Timer(label: MetricNames.httpDuration, dimensions: [
                    ("model", key.model), ("route", "zmq"), ("method", key.method),
                ], factory: factory))
            all[key] = made
            return made
        }
        series.requests.increment()
        series.duration.recordNanoseconds(duration.nanoseconds)
    }

    /// The HTTP status the native API answers for an error of this kind.
    static func status(_ kind: InferenceError.Kind) -> Int { kind.httpStatus }
}
