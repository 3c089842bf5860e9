import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

@testable import InferenceHTTP

/// The connection-level parts of the server: noticing a client that goes away, and answering
/// `Expect: 100-continue`. The same parts are exercised over real sockets in
/// tests/integration/test_overload.py and test_service.py.
@Suite("Connections: client disconnects and Expect: 100-continue")
struct ConnectionTests {
    /// Counts the reads that reach the socket (it sits where the socket is: first).
    final class ReadCounter: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        var reads = 0
        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    /// Stands for the HTTP pipeline while a request is in flight: takes what comes, asks for nothing.
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

    func channel(watch: ConnectionWatch, limit: Int) throws -> (EmbeddedChannel, ReadCounter, Sink) {
        let counter = ReadCounter()
        let sink = Sink()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([counter, ClientDisconnectHandler(watch: watch, readAheadLimit: limit), sink])
        return (channel, counter, sink)
    }

    @Test("keeps reading while the handlers after it do not, up to the read-ahead limit, passing everything on in order")
    func readsAhead() throws {
        let watch = ConnectionWatch()
        let (channel, counter, sink) = try channel(watch: watch, limit: 10)
        channel.read()
        #expect(counter.reads == 1)
        try channel.writeInbound(ByteBuffer(bytes: [1, 2, 3, 4]))
        #expect(counter.reads == 2, "read again after a cycle nobody asked to follow")
        try channel.writeInbound(ByteBuffer(bytes: [5, 6, 7, 8, 9, 10, 11, 12]))
        #expect(counter.reads == 2, "12 bytes read ahead: past the limit of 10, it stops")
        #expect(sink.received == Array(1...12))
        channel.read()
        #expect(counter.reads == 3, "the handlers after it asking to read start it over")
        try channel.writeInbound(ByteBuffer(bytes: [13]))
        #expect(counter.reads == 4)
        #expect(!watch.isClosed)
        _ = try channel.finish()
    }

    @Test("end of input tells the watch and is passed on; so does the connection closing")
    func endOfInput() throws {
        let watch = ConnectionWatch()
        let (channel, _, sink) = try channel(watch: watch, limit: 10)
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(watch.isClosed)
        #expect(sink.events == [.inputClosed])

        let other = ConnectionWatch()
        let (second, _, _) = try self.channel(watch: other, limit: 10)
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

        try channel.writeInbound(HTTPRequestPart.head(HTTPRequest(method: .post, scheme: nil, authority: "x", path: "/inference")))
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == nil)
        #expect(try channel.readInbound(as: HTTPRequestPart.self) != nil)
        _ = try channel.finish()
    }
}
