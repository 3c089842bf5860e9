import InferenceCore
import Metrics
public import Prometheus

/// The Prometheus side of the service's metrics: a factory for `MetricsSystem` whose histograms
/// resolve sub-millisecond times, over the registry that `GET /metrics` renders.
public enum PrometheusExport {
    /// Buckets of every duration histogram: 50 µs to 10 s.
    public static let durationBuckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    /// Buckets of the batch size histogram.
    public static let batchSizeBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128]

    /// The factory to bootstrap `MetricsSystem` with (once, in the executable), or to bind with
    /// `withMetricsFactory` in a test.
    public static func factory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = durationBuckets
        factory.valueHistogramBuckets[MetricNames.batchSize] = batchSizeBuckets
        return factory
    }

    /// The media type of the text exposition format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
}
