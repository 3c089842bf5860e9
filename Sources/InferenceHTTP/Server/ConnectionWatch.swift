import Synchronization

/// What the request handlers know of their connection: whether the client is still there.
///
/// One per HTTP connection, made when the connection is set up. `ClientDisconnectHandler` calls
/// `connectionClosed()` when the client goes away; a request running under
/// `cancellingOnClose(_:)` then has its task cancelled, so work it still waits for (a model's
/// queue, a run slot) is given up instead of run for nobody.
final class ConnectionWatch: Sendable {
    /// The watch of the connection whose request the current task is serving.
    @TaskLocal static var current: ConnectionWatch?

    private struct State {
        var closed = false
        /// The task serving the connection's current request, while it does.
        var task: RunningTask?
    }

    /// A task reference that crosses to the event loop's thread; safe because it is only used
    /// under the lock, while the task runs (see `cancellingOnClose`).
    private struct RunningTask: @unchecked Sendable {
        let task: UnsafeCurrentTask
    }

    private let state = Mutex(State())

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Runs `body`; when the connection closes meanwhile, the task running it is cancelled.
    /// Throws `ClientDisconnected` without running `body` when the connection is already closed.
    ///
    /// The task is the connection's own (Hummingbird serves a connection's requests one after
    /// another in one task), and it is cancelled only while `body` runs: the reference is taken
    /// and dropped under the lock `connectionClosed()` cancels under, so it never outlives the
    /// call it was taken in.
    func cancellingOnClose<T>(_ body: () async throws -> T) async throws -> T {
        let open = withUnsafeCurrentTask { task in
            let running = task.map(RunningTask.init)
            return state.withLock { state in
                guard !state.closed else { return false }
                state.task = running
                return true
            }
        }
        guard open else { throw ClientDisconnected() }
        defer { state.withLock { $0.task = nil } }
        return try await body()
    }

    /// The client is gone: cancels the request being served, if one is.
    func connectionClosed() {
        state.withLock { state in
            state.closed = true
            state.task?.task.cancel()
            state.task = nil
        }
    }
}

/// The request's client closed its connection before the answer was ready.
struct ClientDisconnected: Error {}
