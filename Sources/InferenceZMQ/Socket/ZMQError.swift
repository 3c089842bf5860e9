internal import CZeroMQ

/// A libzmq call that failed: the call, its errno and libzmq's text for it.
public struct ZMQError: Error, Sendable, CustomStringConvertible {
    public var call: String
    public var errno: Int32
    public var message: String

    public init(call: String, errno: Int32, message: String) {
        self.call = call
        self.errno = errno
        self.message = message
    }

    /// The error of the last libzmq call on this thread.
    static func last(_ call: String) -> ZMQError {
        let code = zmq_errno()
        return ZMQError(call: call, errno: code, message: String(cString: zmq_strerror(code)))
    }

    /// True for "try again" (a non-blocking call with nothing to do).
    var wouldBlock: Bool { errno == EAGAIN }

    public var description: String { "\(call) failed: \(message) (errno \(errno))" }
}

/// Turns a libzmq status (-1 on failure) into a thrown `ZMQError` naming the call.
@discardableResult
func zmqCheck(_ status: Int32, _ call: @autoclosure () -> String) throws(ZMQError) -> Int32 {
    guard status != -1 else { throw ZMQError.last(call()) }
    return status
}
