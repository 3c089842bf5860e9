/// How many requests of one model may wait and run at once.
public struct SchedulerPolicy: Sendable, Equatable, Codable {
    /// Requests waiting for a run slot; one more is refused at once (429 / 503).
    public var maxQueue: Int
    /// Requests handed to the backend at once: enough to keep the device busy, no more (the
    /// rest wait here, where deadlines and fairness apply).
    public var maxInFlight: Int

    public init(maxQueue: Int = 64, maxInFlight: Int = 2) {
        self.maxQueue = maxQueue
        self.maxInFlight = maxInFlight
    }

    enum CodingKeys: String, CodingKey {
        case maxQueue = "max_queue", maxInFlight = "max_in_flight"
    }
}
