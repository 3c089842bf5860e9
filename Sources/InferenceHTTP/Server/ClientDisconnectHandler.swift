import NIOCore

/// Notices a client that goes away while its request is being served.
///
/// NIO's HTTP server pipeline stops reading from the socket once a request has arrived and until
/// it is answered, so a client's FIN or RST is not seen then: a client that gave up would keep
/// its request queued for a model. This handler sits first in the pipeline, next to the socket,
/// and keeps reading after each read cycle, so the end of the connection is seen at once. It only
/// reads ahead: everything read is passed on as it comes (the HTTP pipeline holds a pipelined
/// request until the one before it is answered, as it always does), and it stops reading ahead
/// once `readAheadLimit` bytes came in since the handlers after it last asked to read.
///
/// The client closing its side (end of input) or the connection closing tells the watch, which
/// cancels the request in flight, as Go's `net/http` cancels a request's context. A client that
/// half-closes its connection after sending a request and still waits for the answer therefore
/// gets none: such clients are rare, and a client that vanished is common.
final class ClientDisconnectHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let defaultReadAheadLimit = 64 * 1024

    private let watch: ConnectionWatch
    private let readAheadLimit: Int
    /// Bytes read since the handlers after this one last asked to read.
    private var readAhead = 0

    init(watch: ConnectionWatch, readAheadLimit: Int = ClientDisconnectHandler.defaultReadAheadLimit) {
        self.watch = watch
        self.readAheadLimit = readAheadLimit
    }

    func read(context: ChannelHandlerContext) {
        readAhead = 0
        context.read()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        readAhead += Self.unwrapInboundIn(data).readableBytes
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.fireChannelReadComplete()
        if readAhead < readAheadLimit {
            context.read()
        }
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
