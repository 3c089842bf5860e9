import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOHTTPTypes
import Logging
import NIOCore

extension HTTPServerBuilder {
    /// Hummingbird's HTTP/1.1 server, with two additions every connection gets: requests are
    /// cancelled when their client goes away (`ClientDisconnectHandler`), and `Expect:
    /// 100-continue` is answered (`ExpectContinueHandler`) so clients such as curl send large
    /// bodies at once instead of waiting a second for an answer that never comes. Connections
    /// silent for `idleTimeout` while idle or while a request is read are closed.
    static func inferenceHTTP1(idleTimeout: Duration) -> HTTPServerBuilder {
        .init { responder in
            WatchedHTTP1Channel(
                inner: HTTP1Channel(
                    responder: responder,
                    configuration: .init(additionalChannelHandlers: [ExpectContinueHandler()], idleTimeout: TimeAmount(idleTimeout))))
        }
    }
}

/// An `HTTP1Channel` whose connections each have a `ConnectionWatch`, current while their
/// requests are served.
struct WatchedHTTP1Channel: ServerChildChannel {
    struct Value: ServerChildChannelValue {
        let inner: HTTP1Channel.Value
        let watch: ConnectionWatch
        var channel: any Channel { inner.channel }
    }

    let inner: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let watch = ConnectionWatch()
        do {
            try channel.pipeline.syncOperations.addHandler(ClientDisconnectHandler(watch: watch), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger).map { Value(inner: $0, watch: watch) }
    }

    func handle(value: Value, logger: Logger) async {
        await ConnectionWatch.$current.withValue(value.watch) {
            await inner.handle(value: value.inner, logger: logger)
        }
    }
}

/// Answers `Expect: 100-continue` with `100 Continue`: at once when the request is the only one
/// on its connection waiting for an answer, else as soon as the answer before it has ended (a
/// pipelined request's 100 must not land inside the previous answer), and never once the
/// request's own answer has begun. Every request body is read (or refused by size after it is
/// read, as without the header), so the answer is always to go on.
final class ExpectContinueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The requests whose answer has not ended, oldest first: whether each still waits for its 100.
    private var unanswered = CircularBuffer<Bool>()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = Self.unwrapInboundIn(data) {
            unanswered.append(head.headerFields[.expect]?.lowercased() == "100-continue")
            if unanswered.count == 1 { continueIfAwaited(context) }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = Self.unwrapOutboundIn(data)
        if case .head(let response) = part, response.status.kind != .informational, !unanswered.isEmpty {
            unanswered[unanswered.startIndex] = false  // answered without the body: no 100 after this
        }
        context.write(data, promise: promise)
        if case .end = part, !unanswered.isEmpty {
            unanswered.removeFirst()
            continueIfAwaited(context)
        }
    }

    private func continueIfAwaited(_ context: ChannelHandlerContext) {
        guard unanswered.first == true else { return }
        unanswered[unanswered.startIndex] = false
        context.writeAndFlush(Self.wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
    }
}
