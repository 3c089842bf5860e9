public import ServiceLifecycle

/// Brings back, while the service runs, the recorded models that failed to load at start: every
/// `interval` it asks the registry to retry those whose wait is over (`retryRestores()`). Stops
/// with the service.
public struct ModelRestoreService: Service {
    let registry: ModelRegistry
    let interval: Duration

    public init(registry: ModelRegistry, interval: Duration = .seconds(5)) {
        self.registry = registry
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                await registry.retryRestores()
            }
        }
    }
}
