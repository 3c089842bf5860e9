public import ServiceLifecycle

/// Finishes the task store when the service stops: runs in the same `ServiceGroup` as the HTTP
/// server and after it in order, so that on SIGTERM it is shut down first, while the server still
/// answers: queued tasks are marked failed (`shutdown`) and stay retrievable, running ones get
/// `grace` to finish, then the server stops.
public struct TaskShutdownService: Service {
    let tasks: TaskStore
    let grace: Duration

    public init(tasks: TaskStore, grace: Duration) {
        self.tasks = tasks
        self.grace = grace
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await tasks.shutdown(grace: grace)
    }
}
