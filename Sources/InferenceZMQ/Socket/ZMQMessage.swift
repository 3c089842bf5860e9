/// A message a peer sent to one of the ROUTER sockets: the envelope to answer with (the peer's
/// routing id and, from a REQ socket, the empty delimiter) and the body frames.
struct ZMQIncoming: Sendable {
    var socket: Int
    var envelope: [[UInt8]]
    var body: [[UInt8]]
    var receivedAt: ContinuousClock.Instant

    /// Splits a ROUTER message at the first empty frame (REQ peers); without one (DEALER peers)
    /// the envelope is the routing id alone.
    init?(socket: Int, frames: [[UInt8]], receivedAt: ContinuousClock.Instant = .now) {
        guard frames.count >= 1 else { return nil }
        let split = frames.firstIndex(where: \.isEmpty).map { $0 + 1 } ?? 1
        self.socket = socket
        envelope = Array(frames[..<split])
        body = Array(frames[split...])
        self.receivedAt = receivedAt
    }

    /// The peer's routing id, in hex (each connection of a peer gets its own).
    var peer: String {
        let digits = Array("0123456789abcdef")
        return String((envelope.first ?? []).flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    /// The reply to send to this message's peer.
    func reply(_ frames: [[UInt8]]) -> ZMQOutgoing {
        ZMQOutgoing(socket: socket, frames: envelope + frames)
    }
}

/// A message for the socket thread to send.
struct ZMQOutgoing: Sendable {
    var socket: Int
    var frames: [[UInt8]]
}
