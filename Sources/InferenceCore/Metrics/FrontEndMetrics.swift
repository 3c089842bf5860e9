public import Metrics
import Synchronization

/// The request counter and duration histogram every front end records into
/// (`hailo8_http_requests_total`, `hailo8_http_request_duration_seconds`), one series per label
/// set, made on first use and kept, so that one dashboard shows them all. Labels are bounded:
/// routes are the router's patterns (not the paths asked for) or a front end's name (`zmq`),
/// models only those the core ran, codes the HTTP statuses the answer has or would have.
public final class FrontEndMetrics: Sendable {
    public struct Key: Hashable, Sendable {
        public var model: String
        public var route: String
        public var method: String
        public var code: Int

        public init(model: String, route: String, method: String, code: Int) {
            self.model = model
            self.route = route
            self.method = method
            self.code = code
        }
    }

    private struct Series {
        let requests: Counter
        let duration: Timer
    }

    private let factory: any MetricsFactory
    private let series = Mutex<[Key: Series]>([:])

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    public func record(_ key: Key, duration: Duration) {
        let series = self.series.withLock { all in
            if let existing = all[key] { return existing }
            let made = Series(
                requests: Counter(
                    label: MetricNames.httpRequests,
                    dimensions: [
                        ("model", key.model), ("route", key.route), ("method", key.method), ("code", String(key.code)),
                    ], factory: factory),
                duration: Timer(
                    label: MetricNames.httpDuration,
                    dimensions: [
                        ("model", key.model), ("route", key.route), ("method", key.method),
                    ], factory: factory))
            all[key] = made
            return made
        }
        series.requests.increment()
        series.duration.recordNanoseconds(duration.nanoseconds)
    }
}
