import InferenceCore

extension HealthController {
    /// A model's last minute by the clock, for people (Prometheus has the full histograms).
    struct LastMinute: Encodable {
        var requests: Int
        var failed: Int
        var seconds: Double
        var requestsPerSecond: Double
        var latencyMs: [String: Double]

        enum CodingKeys: String, CodingKey {
            case requests, failed, seconds, requestsPerSecond = "requests_per_second", latencyMs = "latency_ms"
        }

        init(_ recent: ModelStats.RecentStats) {
            requests = recent.requests
            failed = recent.failed
            seconds = ModelStatus.rounded(recent.seconds)
            requestsPerSecond = ModelStatus.rounded(recent.requestsPerSecond)
            var latency: [String: Double] = [:]
            latency["p50"] = recent.latencyP50Ms.map(ModelStatus.rounded)
            latency["p99"] = recent.latencyP99Ms.map(ModelStatus.rounded)
            latencyMs = latency
        }
    }

    /// A device's state and what the backend measures of it.
    struct DeviceStatus: Encodable {
        var id: String
        var kind: String
        var state: String
        var available: Bool
        var temperatureC: Double?
        var powerW: Double?

        enum CodingKeys: String, CodingKey {
            case id, kind, state, available, temperatureC = "temperature_c", powerW = "power_w"
        }

        init(_ info: DeviceInfo) {
            id = info.id
            kind = info.kind.rawValue
            state = info.state
            available = info.available
            temperatureC = info.details["temperature_c"].flatMap { Double($0) }
            powerW = info.details["power_w"].flatMap { Double($0) }
        }
    }
}
