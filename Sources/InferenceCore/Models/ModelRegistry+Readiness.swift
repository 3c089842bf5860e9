import Foundation

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

extension ModelRegistry {
    /// The models of the models file and `--preload` that are not ready now, with the reason:
    /// not loaded (its file is missing or was rejected), still loading, failed (to be tried
    /// again), or its backend not available. A model unloaded by hand is no longer waited for.
    public func modelsNotReady() -> [String] {
        let models = Dictionary(list().map { ($0.record.modelID, $0) }, uniquingKeysWith: { first, _ in first })
        return expected.sorted().compactMap { id in
            guard let info = models[id] else {
                return "model '\(id)' (to load at start) is not loaded: see the log for why"
            }
            switch info.state {
            case .ready:
                guard let backend = backends[info.record.device], !backend.status.available else { return nil }
                return "model '\(id)': the \(info.record.device.rawValue) backend is not available: \(backend.status.reason ?? "unknown reason")"
            case .failed:
                return "model '\(id)' failed to load and is tried again: \(info.error ?? "unknown error")"
            case .loading, .unloading:
                return "model '\(id)' is \(info.state.rawValue)"
            }
        }
    }

    /// The id `prepare` gives a request, for one whose file could not even be looked at.
    static func expectedID(of request: LoadRequest) -> String {
        if let id = request.modelID { return id }
        switch request.source {
        case .path(let path): return defaultID(for: URL(fileURLWithPath: path).lastPathComponent)
        case .upload(_, let fileName): return defaultID(for: sanitized(fileName))
        }
    }
}

extension InferenceService {
    /// Ready when a backend can serve and every model to load at start is ready on an available
    /// device (`ModelRegistry.modelsNotReady()`).
    public func readiness() async -> Readiness {
        var waiting: [String] = []
        if !isServing {
            waiting.append("no backend can run models: " + backends.map { "\($0.kind.rawValue): \($0.status.reason ?? "unavailable")" }.joined(separator: "; "))
        }
        waiting += await registry.modelsNotReady()
        return Readiness(waitingFor: waiting)
    }
}
