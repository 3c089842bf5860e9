internal import CZeroMQ

/// A libzmq context: its I/O threads and the sockets made from it. Used by one thread only
/// (the socket thread that owns it), so it is not `Sendable`.
final class ZMQContext {
    let handle: UnsafeMutableRawPointer

    init() throws(ZMQError) {
        guard let handle = zmq_ctx_new() else { throw ZMQError.last("zmq_ctx_new") }
        self.handle = handle
    }

    /// Waits for the context's sockets to be closed (all of them must be), then frees it.
    func terminate() {
        while zmq_ctx_term(handle) == -1 && zmq_errno() == EINTR {}
    }

    /// libzmq's version, e.g. "4.3.5".
    static var version: String {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }
}
