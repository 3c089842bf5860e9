import Foundation
import Logging
import Synchronization
internal import CZeroMQ

/// The thread that owns the libzmq context and the ROUTER sockets. libzmq sockets are not
/// thread-safe and `zmq_poll` blocks, so one dedicated thread (never Swift's cooperative pool)
/// polls the sockets, hands each message to Swift concurrency through `incoming`, and sends the
/// replies that tasks queue with `send(_:)`. A pipe in the same poll wakes it when a reply is
/// queued or when it is told to stop.
final class ZMQSocketThread: Sendable {
    enum Phase { case starting, running, draining, closing, closed }

    private struct State {
        var phase = Phase.starting
        var outbox: [ZMQOutgoing] = []
        var ended: CheckedContinuation<Void, Never>?
    }

    let endpoints: [String]
    let maxMessageSize: Int
    let logger: Logger
    let incoming: AsyncStream<ZMQIncoming>
    private let continuation: AsyncStream<ZMQIncoming>.Continuation
    private let state = Mutex(State())
    /// Read and write ends of the wake-up pipe, non-blocking.
    private let wake: (read: Int32, write: Int32)

    init(endpoints: [String], maxMessageSize: Int, logger: Logger) throws {
        self.endpoints = endpoints
        self.maxMessageSize = maxMessageSize
        self.logger = logger
        (incoming, continuation) = AsyncStream.makeStream(of: ZMQIncoming.self)
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw ZMQError(call: "pipe", errno: errno, message: String(cString: strerror(errno))) }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        wake = (fds[0], fds[1])
    }

    /// Starts the thread, which makes the sockets and binds them; returns the endpoints bound
    /// (with the ports chosen for `:*`) or throws the first error.
    func start() async throws -> [String] {
        try await withCheckedThrowingContinuation { (started: CheckedContinuation<[String], any Error>) in
            let thread = Thread { self.main(started) }
            thread.name = "hailo8-zmq"
            thread.start()
        }
    }

    /// Queues a reply; the thread sends it at its next turn. Dropped once the thread has closed.
    func send(_ message: ZMQOutgoing) {
        state.withLock { state in
            guard state.phase != .closed else { return }
            state.outbox.append(message)
            wakeUp()
        }
    }

    /// Stops reading requests (the replies still queued and to come are sent) and ends `incoming`.
    func stopReceiving() {
        state.withLock { state in
            guard state.phase == .running || state.phase == .starting else { return }
            state.phase = .draining
            wakeUp()
        }
        continuation.finish()
    }

    /// Sends what is queued, closes the sockets and returns when the thread has ended.
    func stop() async {
        continuation.finish()
        await withCheckedContinuation { (ended: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                guard state.phase != .closed else { return true }
                state.phase = .closing
                state.ended = ended
                wakeUp()
                return false
            }
            if resumeNow { ended.resume() }
        }
    }

    /// Called with the state locked, so that the pipe is never written after it is closed.
    private func wakeUp() {
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)  // a full pipe already holds a wake-up
    }

    // MARK: The thread

    private func main(_ started: CheckedContinuation<[String], any Error>) {
        var sockets: [ZMQSocket] = []
        let context: ZMQContext
        do {
            context = try ZMQContext()
        } catch {
            finish(sockets: [], context: nil)
            started.resume(throwing: error)
            return
        }
        var bound: [String] = []
        do {
            for endpoint in endpoints {
                let socket = try ZMQSocket(context, kind: .router)
                sockets.append(socket)
                try socket.setLingerZero()
                try socket.setMaxMessageSize(maxMessageSize)
                try socket.bind(endpoint)
                bound.append(socket.lastEndpoint ?? endpoint)
            }
        } catch {
            finish(sockets: sockets, context: context)
            started.resume(throwing: error)
            return
        }
        let shouldRun = state.withLock { state -> Bool in
            guard state.phase == .starting else { return false }
            state.phase = .running
            return true
        }
        started.resume(returning: bound)
        if shouldRun { poll(sockets) }
        finish(sockets: sockets, context: context)
    }

    private func poll(_ sockets: [ZMQSocket]) {
        var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
        items.append(zmq_pollitem_t(socket: nil, fd: wake.read, events: Int16(ZMQ_POLLIN), revents: 0))
        var scratch = [UInt8](repeating: 0, count: 256)
        while true {
            let (outbox, phase) = state.withLock { state in
                defer { state.outbox.removeAll(keepingCapacity: true) }
                return (state.outbox, state.phase)
            }
            for message in outbox {
                do {
                    try sockets[message.socket].sendMultipart(message.frames)
                } catch {
                    logger.warning("ZeroMQ reply not sent", metadata: ["error": "\(error)"])
                }
            }
            if phase == .closing { return }
            let receiving = phase == .running
            for index in sockets.indices { items[index].events = receiving ? Int16(ZMQ_POLLIN) : 0 }
            if zmq_poll(&items, Int32(items.count), -1) == -1 {
                let error = ZMQError.last("zmq_poll")
                if error.errno == EINTR { continue }
                logger.error("the ZeroMQ front end stopped", metadata: ["error": "\(error)"])
                return
            }
            if items[sockets.count].revents & Int16(ZMQ_POLLIN) != 0 {
                while read(wake.read, &scratch, scratch.count) > 0 {}
            }
            guard receiving else { continue }
            for (index, socket) in sockets.enumerated() where items[index].revents & Int16(ZMQ_POLLIN) != 0 {
                // A bounded batch per socket and turn, so that replies are not held back.
                for _ in 0..<64 {
                    do {
                        guard let frames = try socket.receiveMultipart() else { break }
                        if let message = ZMQIncoming(socket: index, frames: frames) { continuation.yield(message) }
                    } catch {
                        logger.warning("ZeroMQ receive failed", metadata: ["endpoint": "\(endpoints[index])", "error": "\(error)"])
                        break
                    }
                }
            }
        }
    }

    private func finish(sockets: [ZMQSocket], context: ZMQContext?) {
        for socket in sockets { socket.close() }
        context?.terminate()
        continuation.finish()
        let ended = state.withLock { state in
            state.phase = .closed
            state.outbox.removeAll()
            close(wake.read)
            close(wake.write)
            return state.ended.take()
        }
        ended?.resume()
    }
}
