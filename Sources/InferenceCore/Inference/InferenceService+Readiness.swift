/// Whether the service is ready to take traffic: what `GET /v2/health/ready` answers, what a
/// Kubernetes readiness probe and a balancer's health check ask.
public struct Readiness: Sendable, Equatable {
    /// True when a backend can run models and every model the service was told to load at start
    /// is ready on an available device.
    public var ready: Bool { waitingFor.isEmpty }
    /// Why it is not ready, one line per cause; empty when ready.
    public var waitingFor: [String]

    public init(waitingFor: [String]) {
        self.waitingFor = waitingFor
    }
}

extension InferenceService {
    /// Ready when a backend can serve and every model to load at start is ready on an available
    /// device (`ModelRegistry.modelsNotReady()`).
    public func readiness() async -> Readiness {
        var waiting: [String] = []
        if !isServing {
            let reasons = backends.map { "\($0.kind.rawValue): \($0.status.reason ?? "unavailable")" }
            waiting.append("no backend can run models: " + reasons.joined(separator: "; "))
        }
        waiting += await registry.modelsNotReady()
        return Readiness(waitingFor: waiting)
    }
}
