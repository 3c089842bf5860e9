import Metrics
import Synchronization

/// Counters made on first use, one per label value, then kept.
final class OutcomeCounters: Sendable {
    private let make: @Sendable (String) -> Counter
    private let counters = Mutex<[String: Counter]>([:])

    init(make: @escaping @Sendable (String) -> Counter) {
        self.make = make
    }

    func counter(_ value: String) -> Counter {
        counters.withLock { counters in
            if let counter = counters[value] { return counter }
            let counter = make(value)
            counters[value] = counter
            return counter
        }
    }
}
