import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

@testable import InferenceHTTP

/// The connection-level parts of the server: noticing a client that goes away, and answering
/// `Expect: 100-continue`. The same parts are exercised over real sockets in
/// tests/integration/test_overload.py and test_service.py.
@Suite("Connections: client disconnects and Expect: 100-continue", .timeLimit(.minutes(1)))
struct ConnectionTests {
    /// Stands for the HTTP pipeline after the handler: records the events that reach it.
    final class Sink: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        var received: [UInt8] = []
        var events: [ChannelEvent] = []
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received += Self.unwrapInboundIn(data).readableBytesView
        }
        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let event = event as? ChannelEvent { events.append(event) }
        }
    }

    func channel(watch: ConnectionWatch) throws -> (EmbeddedChannel, Sink) {
        let sink = Sink()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([ClientDisconnectHandler(watch: watch), sink])
        return (channel, sink)
    }

    @Test("end of input tells the watch and is passed on; so does the connection closing")
    func endOfInput() throws {
        let watch = ConnectionWatch()
        let (channel, sink) = try channel(watch: watch)
        try channel.writeInbound(ByteBuffer(bytes: [1, 2, 3]))
        #expect(sink.received == [1, 2, 3] && !watch.isClosed)
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(watch.isClosed)
        #expect(sink.events == [.inputClosed])

        let other = ConnectionWatch()
        let (second, _) = try self.channel(watch: other)
        second.pipeline.fireChannelActive()
        #expect(!other.isClosed)
        _ = try second.finish()
        #expect(other.isClosed)
        _ = try channel.finish()
    }

    @Test("a closing connection cancels the request running under its watch, and refuses the next")
    func watchCancels() async throws {
        let watch = ConnectionWatch()
        let started = AsyncStream<Void>.makeStream()
        let request = Task {
            try await watch.cancellingOnClose {
                started.continuation.yield()
                try await Task.sleep(for: .seconds(60))
            }
        }
        for await _ in started.stream { break }
        let start = ContinuousClock.now
        watch.connectionClosed()
        await #expect(throws: CancellationError.self) { try await request.value }
        #expect(ContinuousClock.now - start < .seconds(30))
        await #expect(throws: ClientDisconnected.self) {
            try await watch.cancellingOnClose { Issue.record("ran after the connection closed") }
        }
    }

    @Test("a request finished before the connection closed is not affected by the close")
    func watchReleases() async throws {
        let watch = ConnectionWatch()
        #expect(try await watch.cancellingOnClose { 42 } == 42)
        watch.connectionClosed()
        #expect(!Task.isCancelled)
    }

    @Test("Expect: 100-continue is answered with 100 Continue before the request goes on; other requests get nothing")
    func expectContinue() throws {
        let channel = EmbeddedChannel(handler: ExpectContinueHandler())
        var head = HTTPRequest(method: .post, scheme: nil, authority: "x", path: "/inference")
        head.headerFields[.expect] = "100-Continue"
        try channel.writeInbound(HTTPRequestPart.head(head))
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == .head(HTTPResponse(status: .continue)))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == .head(head))
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        _ = try channel.readOutbound(as: HTTPResponsePart.self)
        _ = try channel.readOutbound(as: HTTPResponsePart.self)

        try channel.writeInbound(HTTPRequestPart.head(HTTPRequest(method: .post, scheme: nil, authority: "x", path: "/inference")))
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == nil)
        #expect(try channel.readInbound(as: HTTPRequestPart.self) != nil)
        _ = try channel.finish()
    }

    @Test("a pipelined request's 100 Continue waits for the answer before it to end, and is not sent once its own answer began")
    func expectContinuePipelined() throws {
        let channel = EmbeddedChannel(handler: ExpectContinueHandler())
        var expecting = HTTPRequest(method: .post, scheme: nil, authority: "x", path: "/inference")
        expecting.headerFields[.expect] = "100-continue"
        try channel.writeInbound(HTTPRequestPart.head(HTTPRequest(method: .get, scheme: nil, authority: "x", path: "/health")))
        try channel.writeInbound(HTTPRequestPart.head(expecting))
        try channel.writeInbound(HTTPRequestPart.head(expecting))
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
        try channel.writeOutbound(HTTPResponsePart.body(ByteBuffer(string: "{}")))
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == .head(HTTPResponse(status: .ok)))
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == .body(ByteBuffer(string: "{}")))
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == nil, "no 100 inside the first answer")
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == .end(nil))
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == .head(HTTPResponse(status: .continue)), "the second request's turn")
        // The second is answered at once (say, refused by size): the third gets its 100 after it.
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .contentTooLarge)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        _ = try channel.readOutbound(as: HTTPResponsePart.self)
        _ = try channel.readOutbound(as: HTTPResponsePart.self)
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == .head(HTTPResponse(status: .continue)))
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        _ = try channel.readOutbound(as: HTTPResponsePart.self)
        _ = try channel.readOutbound(as: HTTPResponsePart.self)
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == nil)
        _ = try channel.finish()
    }
}
