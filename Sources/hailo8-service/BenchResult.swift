import Foundation

/// One measurement of `bench model`: how many runs finished, in how long, and their latencies.
struct BenchResult {
    let callers: Int
    /// Seconds from the first run's start to the last run's end.
    let elapsed: Double
    /// Milliseconds, sorted.
    let latencies: [Double]

    var runsPerSecond: Double { Double(latencies.count) / elapsed }

    /// The latency below which `fraction` of the runs finished (nearest rank).
    func percentile(_ fraction: Double) -> Double {
        guard !latencies.isEmpty else { return .nan }
        let rank = Int((fraction * Double(latencies.count)).rounded(.up)) - 1
        return latencies[min(max(rank, 0), latencies.count - 1)]
    }

    func text(model: String, device: String) -> String {
        String(format: "%@ on %@, %d caller%@: %.1f runs/s, p50 %.3f ms, p99 %.3f ms (%d runs in %.1f s)",
               model, device, callers, callers == 1 ? "" : "s", runsPerSecond, percentile(0.5), percentile(0.99),
               latencies.count, elapsed)
    }

    func json(model: String, device: String, layer: BenchLayer) -> String {
        let object: [String: Any] = [
            "model": model, "device": device, "layer": layer.rawValue, "concurrency": callers,
            "runs": latencies.count, "seconds": elapsed, "runs_per_second": runsPerSecond,
            "p50_ms": percentile(0.5), "p99_ms": percentile(0.99),
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
