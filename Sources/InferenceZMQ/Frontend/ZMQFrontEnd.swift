import InferenceCore
public import InferenceVision
public import Logging
public import ServiceLifecycle
import Synchronization

/// Frigate's remote detector protocol over ZeroMQ (Frigate 0.17+, detector type `zmq`): a ROUTER
/// socket bound to each endpoint, served by a dedicated thread; each request runs as a task
/// through the same registry, scheduler (peers take turns by routing id), deadlines and metrics
/// as the HTTP routes. A `Service`: at graceful shutdown it stops reading, answers what it has
/// started and closes the sockets.
public struct ZMQFrontEnd: Service {
    let vision: VisionService
    let configuration: ZMQConfiguration
    let logger: Logger
    let onListening: @Sendable (_ endpoints: [String]) async -> Void

    /// `onListening` is called once the sockets are bound, with the endpoints bound (with the
    /// port the system chose for `tcp://host:*`).
    public init(
        vision: VisionService, configuration: ZMQConfiguration, logger: Logger,
        onListening: @escaping @Sendable (_ endpoints: [String]) async -> Void = { _ in }
    ) {
        self.vision = vision
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let thread = try ZMQSocketThread(endpoints: configuration.endpoints, maxMessageSize: configuration.maxMessageSize, logger: logger)
        let bound = try await thread.start()
        logger.info("ZeroMQ front end listening (Frigate's zmq detector)", metadata: ["endpoints": "\(bound.joined(separator: ", "))"])
        await onListening(bound)
        let detector = FrigateDetector(
            vision: vision, models: FrigateModels(registry: vision.inference.registry, logger: logger),
            configuration: configuration, logger: logger)
        // Counted with the HTTP routes' metrics, route `zmq`, the request kind as the method.
        let metrics = FrontEndMetrics(factory: vision.inference.metrics.factory)
        let pending = PendingCount()
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await message in thread.incoming {
                    guard pending.value.add(1, ordering: .relaxed).newValue <= configuration.maxPending else {
                        pending.value.subtract(1, ordering: .relaxed)
                        thread.send(
                            message.reply(
                                FrigateReply.failure(
                                    "the service has too many ZeroMQ requests in progress", code: InferenceError.Code.queueFull.rawValue)))
                        continue
                    }
                    group.addTask {
                        defer { pending.value.subtract(1, ordering: .relaxed) }
                        thread.send(message.reply(await serve(message, detector: detector, metrics: metrics)))
                    }
                }
            }
        } onGracefulShutdown: {
            thread.stopReceiving()
        }
        await thread.stop()
        logger.info("ZeroMQ front end stopped")
    }

    /// One request, in its own request scope and as its peer's client.
    func serve(_ message: ZMQIncoming, detector: FrigateDetector, metrics: FrontEndMetrics) async -> [[UInt8]] {
        let peer = message.peer
        let scope = RequestScope(requestID: "zmq-\(peer)-\(UInt32.random(in: .min ... .max))", receivedAt: message.receivedAt)
        let answer = await RequestScope.$current.withValue(scope) {
            await RequestClient.$current.withValue("zmq:\(peer)") {
                await detector.answer(message.body, peer: peer)
            }
        }
        let method = answer.kind
        let duration = ContinuousClock.now - message.receivedAt
        let code = answer.error.map { $0.kind.httpStatus } ?? 200
        metrics.record(.init(model: scope.modelID ?? "", route: "zmq", method: method, code: code), duration: duration)
        var metadata: Logger.Metadata = [
            "route": "zmq", "method": "\(method)", "peer": "\(peer)", "status": "\(code)",
            "model_id": "\(scope.modelID ?? answer.modelID ?? "-")", "duration_ms": "\(duration.milliseconds)",
            "request_id": "\(scope.requestID)",
        ]
        if let error = answer.error {
            metadata["error"] = "\(error.code): \(error.message)"
            logger.log(level: code >= 500 ? .warning : .info, "ZeroMQ request failed", metadata: metadata)
        } else {
            logger.debug("request", metadata: metadata)
        }
        return answer.frames
    }
}

/// Requests being answered, shared by the tasks that answer them.
final class PendingCount: Sendable {
    let value = Atomic<Int>(0)
}
