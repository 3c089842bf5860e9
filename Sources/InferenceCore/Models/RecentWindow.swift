import Foundation

/// Requests finished in the last minute, in one-second slots, each with a log-scaled latency
/// histogram: enough for requests/s and p50/p99 over the minute at any request rate, in constant
/// memory (~60 × 210 counters) and constant time per request.
struct RecentWindow: Sendable {
    /// A summary of the last `span` seconds.
    struct Summary: Sendable, Equatable {
        var requests: Int
        var failed: Int
        var seconds: Double
        var p50Ms: Double?
        var p99Ms: Double?
    }

    static let span = 60
    /// Bucket `i` holds latencies in [base·growth^i, base·growth^(i+1)) ms: 10 µs to ~100 s, ±4 %.
    static let base = 0.01
    static let growth = 1.08
    static let buckets = Int((log(1e7) / log(growth)).rounded(.up)) + 1

    private struct Slot {
        var second = -1
        var requests = 0
        var failed = 0
        var histogram: [UInt32]
    }

    private var slots: [Slot]

    init() {
        slots = Array(repeating: Slot(histogram: []), count: Self.span)
    }

    static func bucket(ms: Double) -> Int {
        guard ms > base else { return 0 }
        return min(buckets - 1, Int(log(ms / base) / log(growth)))
    }

    /// The geometric middle of a bucket, in ms.
    static func value(ofBucket index: Int) -> Double {
        base * pow(growth, Double(index) + 0.5)
    }

    mutating func add(ms: Double, success: Bool, second: Int) {
        let index = second % Self.span
        if slots[index].second != second {
            slots[index].second = second
            slots[index].requests = 0
            slots[index].failed = 0
            if slots[index].histogram.isEmpty {
                slots[index].histogram = Array(repeating: 0, count: Self.buckets)
            } else {
                for i in slots[index].histogram.indices { slots[index].histogram[i] = 0 }
            }
        }
        slots[index].requests += 1
        if !success { slots[index].failed += 1 }
        slots[index].histogram[Self.bucket(ms: ms)] &+= 1
    }

    /// The last `span` seconds up to `now` (the current second counts), over at most `age` seconds.
    func summary(second now: Int, age: Double) -> Summary {
        var merged = [UInt32](repeating: 0, count: Self.buckets)
        var requests = 0
        var failed = 0
        for slot in slots where slot.second >= 0 && slot.second > now - Self.span && slot.second <= now {
            requests += slot.requests
            failed += slot.failed
            for i in merged.indices { merged[i] &+= slot.histogram[i] }
        }
        func percentile(_ p: Double) -> Double? {
            guard requests > 0 else { return nil }
            let rank = max(1, Int((Double(requests) * p).rounded(.up)))
            var seen = 0
            for (i, count) in merged.enumerated() {
                seen += Int(count)
                if seen >= rank { return Self.value(ofBucket: i) }
            }
            return nil
        }
        return Summary(
            requests: requests, failed: failed, seconds: min(Double(Self.span), max(age, 1)),
            p50Ms: percentile(0.5), p99Ms: percentile(0.99))
    }
}
