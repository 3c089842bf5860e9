import Foundation

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
                return
                    "model '\(id)': the \(info.record.device.rawValue) backend is not available: \(backend.status.reason ?? "unknown reason")"
            case .failed:
                return "model '\(id)' failed to load and is tried again: \(info.error ?? "unknown error")"
            case .recovering:
                return "model '\(id)': its device is recovering: \(info.error ?? "unknown fault")"
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
