internal import CZeroMQ

/// One libzmq socket. libzmq sockets are not thread-safe: a socket is made, used and closed by
/// the one thread that owns it.
final class ZMQSocket {
    enum Kind: Int32 {
        case router = 6  // ZMQ_ROUTER
    }

    let handle: UnsafeMutableRawPointer
    private(set) var isClosed = false

    init(_ context: ZMQContext, kind: Kind) throws(ZMQError) {
        guard let handle = zmq_socket(context.handle, kind.rawValue) else { throw ZMQError.last("zmq_socket") }
        self.handle = handle
    }

    func set(_ option: Int32, _ value: Int32, name: String) throws(ZMQError) {
        var value = value
        try zmqCheck(zmq_setsockopt(handle, option, &value, MemoryLayout<Int32>.size), "zmq_setsockopt(\(name))")
    }

    func set(_ option: Int32, _ value: Int64, name: String) throws(ZMQError) {
        var value = value
        try zmqCheck(zmq_setsockopt(handle, option, &value, MemoryLayout<Int64>.size), "zmq_setsockopt(\(name))")
    }

    /// Closes at once, dropping unsent messages.
    func setLingerZero() throws(ZMQError) { try set(ZMQ_LINGER, Int32(0), name: "ZMQ_LINGER") }

    /// Messages larger than `bytes` make libzmq drop the connection that sent them.
    func setMaxMessageSize(_ bytes: Int) throws(ZMQError) { try set(ZMQ_MAXMSGSIZE, Int64(bytes), name: "ZMQ_MAXMSGSIZE") }

    func bind(_ endpoint: String) throws(ZMQError) {
        try zmqCheck(zmq_bind(handle, endpoint), "zmq_bind(\(endpoint))")
    }

    /// The endpoint actually bound last (with the port chosen for `tcp://host:*`).
    var lastEndpoint: String? {
        var buffer = [CChar](repeating: 0, count: 1024)
        var size = buffer.count
        guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else { return nil }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// One whole multipart message, or nil when none is waiting. Never blocks.
    func receiveMultipart() throws(ZMQError) -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        var message = zmq_msg_t()
        try zmqCheck(zmq_msg_init(&message), "zmq_msg_init")
        defer { zmq_msg_close(&message) }
        while true {
            if zmq_msg_recv(&message, handle, ZMQ_DONTWAIT) == -1 {
                let error = ZMQError.last("zmq_msg_recv")
                // A message's parts arrive together: only the first can be missing.
                if error.wouldBlock && frames.isEmpty { return nil }
                if error.errno == EINTR { continue }
                throw error
            }
            let size = zmq_msg_size(&message)
            if let data = zmq_msg_data(&message), size > 0 {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.append([])
            }
            if zmq_msg_more(&message) == 0 { return frames }
        }
    }

    /// Sends a multipart message without blocking. A ROUTER drops a message for a peer that is
    /// gone or whose queue is full (no error), as libzmq documents.
    func sendMultipart(_ frames: [[UInt8]]) throws(ZMQError) {
        for (index, frame) in frames.enumerated() {
            let flags = ZMQ_DONTWAIT | (index < frames.count - 1 ? ZMQ_SNDMORE : 0)
            let status = frame.withUnsafeBytes { bytes in zmq_send(handle, bytes.baseAddress, bytes.count, flags) }
            try zmqCheck(status, "zmq_send")
        }
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        zmq_close(handle)
    }
}
