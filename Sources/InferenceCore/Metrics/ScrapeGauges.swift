import Metrics
import Synchronization

/// Gauges whose values are read from the service's state when metrics are scraped, not kept up to
/// date on the request path. A series that is not set in a collection (an unloaded model, a device
/// that went away) is destroyed, so it leaves the export instead of showing a stale value.
final class ScrapeGauges: Sendable {
    struct Key: Hashable {
        var label: String
        var dimensions: [String]
    }

    private let factory: any MetricsFactory
    private let meters = Mutex<[Key: Meter]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Sets every value of one collection; series from the previous one that are missing go.
    func update(_ values: [(label: String, dimensions: [(String, String)], value: Double)]) {
        meters.withLock { meters in
            var seen = Set<Key>()
            for item in values {
                let key = Key(label: item.label, dimensions: item.dimensions.flatMap { [$0.0, $0.1] })
                seen.insert(key)
                let meter: Meter
                if let existing = meters[key] {
                    meter = existing
                } else {
                    meter = Meter(label: item.label, dimensions: item.dimensions, factory: factory)
                    meters[key] = meter
                }
                meter.set(item.value)
            }
            for (key, meter) in meters where !seen.contains(key) {
                meter.destroy()
                meters[key] = nil
            }
        }
    }
}
