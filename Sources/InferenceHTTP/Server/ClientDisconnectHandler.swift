import NIOCore

/// Notices a client that goes away while its request is being served.
///
/// Hummingbird's server turns on half-closure (a client's FIN arrives as `ChannelEvent.inputClosed`
/// and the connection stays open), and nobody reads the connection's inbound stream while a
/// request is being handled, so a client that gave up would keep its request queued for a model
/// until the answer was written. This handler sits first in the pipeline and tells the
/// connection's watch when the client closes its side (end of input) or the connection closes,
/// which cancels the request in flight, as Go's `net/http` cancels a request's context. Events
/// pass on unchanged. A client that half-closes its connection after sending a request and still
/// waits for the answer therefore gets none: such clients are rare, a client that vanished is not.
final class ClientDisconnectHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let watch: ConnectionWatch

    init(watch: ConnectionWatch) {
        self.watch = watch
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed? = event as? ChannelEvent {
            watch.connectionClosed()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        watch.connectionClosed()
        context.fireChannelInactive()
    }
}
