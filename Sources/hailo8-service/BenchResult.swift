import Foundation
import ONNXBackend

/// One measurement of `bench model`: how many runs finished, in how long, and their latencies.
struct BenchResult {
    /// The CPU backend's threads during a sweep's measurement.
    struct Setting {
        /// `fixed` (thread counts set) or `default` (the service's own policy).
        var policy: String
        var threads: ThreadPolicy
        var spinning: Bool

        var text: String { "\(policy): \(threads), spinning \(spinning ? "on" : "off")" }
        var fields: [String: Any] {
            [
                "policy": policy, "run_threads": threads.runThreads, "intra_op_threads": threads.wideThreads,
                "intra_op_threads_shared": threads.narrowThreads ?? threads.wideThreads, "spinning": spinning,
            ]
        }
    }

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

    func text(model: String, device: String, setting: Setting? = nil) -> String {
        String(
            format: "%@ on %@, %d caller%@: %.1f runs/s, p50 %.3f ms, p99 %.3f ms (%d runs in %.1f s)%@",
            model, device, callers, callers == 1 ? "" : "s", runsPerSecond, percentile(0.5), percentile(0.99),
            latencies.count, elapsed, setting.map { "; " + $0.text } ?? "")
    }

    func json(model: String, device: String, layer: BenchLayer, setting: Setting? = nil) -> String {
        var object: [String: Any] = [
            "model": model, "device": device, "layer": layer.rawValue, "concurrency": callers,
            "runs": latencies.count, "seconds": elapsed, "runs_per_second": runsPerSecond,
            "p50_ms": percentile(0.5), "p99_ms": percentile(0.99),
        ]
        object.merge(setting?.fields ?? [:]) { current, _ in current }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
