import Foundation
import Logging
import Metrics
import Prometheus
import TestSupport
import Synchronization
import Testing

@testable import InferenceCore

/// The core's metrics, each test with its own Prometheus registry: the service captures the
/// factory bound by `withMetricsFactory` when it is made, so tests running in parallel never
/// share a figure.
@Suite("Core metrics", .timeLimit(.minutes(1)))
struct CoreMetricsTests {
    static let backend = ModelRegistryTests.backend
    let prometheus = PrometheusCollectorRegistry()
    let service: InferenceService

    init() throws {
        let base = try TestEnvironment.temporaryDirectory()
        let models = base.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        try FakeBackend.write(.affine, to: models.appendingPathComponent("affine.onnx"))
        var factory = PrometheusMetricsFactory(registry: prometheus)
        factory.defaultDurationHistogramBuckets = [.microseconds(50), .microseconds(500), .milliseconds(5), .milliseconds(50), .seconds(1)]
        let logger = Logger(label: "test")
        let registry = ModelRegistry(
            backends: [Self.backend], modelsDirectory: models, dataDirectory: base.appendingPathComponent("data"), logger: logger)
        service = withMetricsFactory(factory) {
            InferenceService(
                backends: [Self.backend], registry: registry, tasks: TaskStore(capacity: 8, timeToLive: .seconds(60)),
                defaultTimeout: .seconds(10), logger: logger)
        }
    }

    func scrape() async throws -> PrometheusText {
        await service.collectMetrics()
        return try PrometheusText(prometheus.emitToString())
    }

    func load(maxInFlight: Int? = nil) async throws {
        var options = ModelOptions()
        options.maxInFlight = maxInFlight
        _ = try await service.registry.load(LoadRequest(source: .path("affine.onnx"), modelID: "aff", options: options))
    }

    func affine(_ values: [Float]) -> InferenceRequest {
        InferenceRequest(modelID: "aff", inputs: [InputTensor(data: values.withUnsafeBytes { Array($0) })])
    }

    @Test("the deadline counts from when the request arrived, as its protocol layer says")
    func deadlineFromArrival() async throws {
        try await load()
        var late = affine([1, 2, 3])
        late.timeout = .seconds(1)
        let scope = RequestScope(requestID: "late", receivedAt: .now - .seconds(2))
        await #expect { try await RequestScope.$current.withValue(scope) { try await service.infer(late) } } throws: { error in
            (error as! InferenceError).code == .deadlineExceeded
        }
        let fresh = RequestScope(requestID: "fresh")
        _ = try await RequestScope.$current.withValue(fresh) { try await service.infer(late) }
        #expect(try await scrape().value("hailo8_inference_requests_total", ["model": "aff", "outcome": "deadline_exceeded"]) == 1)
    }

    @Test("a request given up after admission is `cancelled`, counted as such, never an internal failure")
    func cancelledAfterAdmission() async throws {
        try await load()
        // Cancel the request's own task once the scheduler has admitted it: the backend then
        // refuses the run with Swift's CancellationError, as the ONNX backend's thread pool does.
        let admitted: @Sendable () -> Void = { withUnsafeCurrentTask { $0?.cancel() } }
        let service = service, request = affine([1, 2, 3])
        let outcome = await Task { try await service.infer(request, onAdmitted: admitted) }.result
        #expect(throws: InferenceError.self) { try outcome.get() }
        if case .failure(let error as InferenceError) = outcome { #expect(error.code == .cancelled, "\(error)") }
        let metrics = try await scrape()
        #expect(metrics.value("hailo8_inference_requests_total", ["model": "aff", "outcome": "cancelled"]) == 1)
        #expect(metrics.value("hailo8_inference_requests_total", ["model": "aff", "outcome": "inference_failed"]) == nil)
    }

    @Test("a request fills the stage histograms, the batch size and the outcome counter of its model")
    func stagesRecorded() async throws {
        try await load()
        for _ in 0..<3 { _ = try await service.infer(affine([1, 2, 3])) }
        await #expect(throws: InferenceError.self) { try await service.infer(affine([1, 2])) }
        let metrics = try await scrape()
        for stage in ["queue", "inference", "total"] {
            let labels = ["model": "aff", "stage": stage]
            #expect(metrics.value("hailo8_stage_duration_seconds_count", labels) == 3, "\(stage)")
            #expect(metrics.bucket("hailo8_stage_duration_seconds", labels, le: .infinity) == 3)
            #expect((metrics.value("hailo8_stage_duration_seconds_sum", labels) ?? -1) >= 0)
        }
        // Inference of a 3-float affine model takes well under a second: the 1 s bucket holds all.
        #expect(metrics.bucket("hailo8_stage_duration_seconds", ["model": "aff", "stage": "inference"], le: 1) == 3)
        #expect(metrics.bucket("hailo8_stage_duration_seconds", ["model": "aff", "stage": "inference"], le: 0.00005) != nil)
        #expect(metrics.types["hailo8_stage_duration_seconds"] == "histogram")
        #expect(metrics.value("hailo8_inference_requests_total", ["model": "aff", "outcome": "succeeded"]) == 3)
        #expect(metrics.value("hailo8_inference_requests_total", ["model": "aff", "outcome": "shape_mismatch"]) == 1)
        #expect(metrics.value("hailo8_batch_size_count", ["model": "aff"]) == 3)
        #expect(metrics.value("hailo8_batch_size_sum", ["model": "aff"]) == 3)
    }

    @Test("queue depth and in-flight gauges show the scheduler's load when scraped")
    func schedulerGauges() async throws {
        try await load(maxInFlight: 1)
        let lease = try await service.registry.lease("aff")
        try await lease.scheduler.acquire(client: "a", deadline: .now + .seconds(10))
        let waiter = Task { try await lease.scheduler.acquire(client: "b", deadline: .now + .seconds(10)) }
        while lease.scheduler.load.queued < 1 { try await Task.sleep(for: .milliseconds(1)) }
        var metrics = try await scrape()
        let labels = ["model": "aff", "device": "cpu"]
        #expect(metrics.value("hailo8_model_in_flight", labels) == 1)
        #expect(metrics.value("hailo8_model_queue_depth", labels) == 1)
        #expect(metrics.value("hailo8_model_max_in_flight", labels) == 1)
        #expect(metrics.value("hailo8_model_queue_capacity", labels) == 64)
        #expect(metrics.value("hailo8_models_loaded", ["device": "cpu"]) == 1)
        lease.scheduler.release()
        try await waiter.value
        lease.scheduler.release()
        metrics = try await scrape()
        #expect(metrics.value("hailo8_model_in_flight", labels) == 0)
        #expect(metrics.value("hailo8_model_queue_depth", labels) == 0)
    }

    @Test("service gauges: tasks, devices with one state series set, and an unloaded model's series gone")
    func serviceGauges() async throws {
        try await load()
        var metrics = try await scrape()
        #expect(metrics.value("hailo8_tasks_capacity") == 8)
        #expect(metrics.value("hailo8_tasks_stored") == 0)
        #expect(metrics.value("hailo8_device_available", ["device": "cpu", "kind": "cpu"]) == 1)
        let states = metrics.all("hailo8_device_state", ["device": "cpu"])
        #expect(states.count >= 4)
        #expect(states.filter { $0.value == 1 }.map { $0.labels["state"] } == ["ready"])
        #expect(metrics.value("hailo8_model_queue_depth", ["model": "aff"]) == 0)
        try await service.registry.unload("aff")
        metrics = try await scrape()
        #expect(metrics.all("hailo8_model_queue_depth", ["model": "aff"]).isEmpty)
        #expect(metrics.value("hailo8_models_loaded", ["device": "cpu"]) == 0)
    }

    @Test("the last minute's view counts requests and rate, and percentiles within 8 %")
    func lastMinute() async throws {
        let stats = ModelStats()
        for ms in 1...100 { stats.finished(success: ms != 100, latency: .milliseconds(ms)) }
        let recent = stats.snapshot().lastMinute
        #expect(recent.requests == 100 && recent.failed == 1)
        #expect(recent.seconds >= 1 && recent.seconds < 5)
        #expect(recent.requestsPerSecond == 100 / recent.seconds)
        let p50 = try #require(recent.latencyP50Ms), p99 = try #require(recent.latencyP99Ms)
        #expect(abs(p50 - 50) / 50 < 0.08, "p50 \(p50)")
        #expect(abs(p99 - 99) / 99 < 0.08, "p99 \(p99)")
    }

    @Test("drained() returns at once when idle, and when the last request in flight finishes, not before")
    func drained() async {
        let stats = ModelStats()
        await stats.drained()
        stats.started()
        stats.started()
        let done = Mutex(false)
        let waiting = Task {
            await stats.drained()
            done.withLock { $0 = true }
        }
        stats.finished(success: true, latency: .milliseconds(1))
        try? await Task.sleep(for: .milliseconds(50))
        #expect(!done.withLock { $0 }, "one request is still in flight")
        stats.finished(success: false, latency: .milliseconds(1))
        await waiting.value
        #expect(done.withLock { $0 } && stats.inFlight == 0)
    }

    @Test("request parts and runs by batch size add up as Triton's statistics count them")
    func requestParts() {
        let stats = ModelStats()
        stats.ran(queue: .microseconds(5), input: .microseconds(2), inference: .microseconds(30), output: .microseconds(1), inferences: 2)
        stats.ran(queue: .microseconds(7), input: .microseconds(3), inference: .microseconds(30), output: .microseconds(1), inferences: 1)
        stats.executed(batchSize: 3, input: .microseconds(4), inference: .microseconds(30), output: .microseconds(2))
        stats.executed(batchSize: 1, input: .microseconds(3), inference: .microseconds(20), output: .microseconds(1))
        stats.executed(batchSize: 1, input: .microseconds(3), inference: .microseconds(20), output: .microseconds(1))
        let s = stats.snapshot()
        #expect(s.queueNanoseconds == 12_000 && s.computeInputNanoseconds == 5_000)
        #expect(s.inferenceNanoseconds == 60_000 && s.computeOutputNanoseconds == 2_000)
        #expect(s.inferences == 3)
        #expect(s.executions.map(\.batchSize) == [1, 3])
        #expect(s.executions.map(\.count) == [2, 1])
        #expect(s.executions[0].inferenceNanoseconds == 40_000 && s.executions[1].outputNanoseconds == 2_000)
    }

    @Test("the minute window forgets requests older than a minute")
    func windowForgets() {
        var window = RecentWindow()
        window.add(ms: 5, success: true, second: 10)
        window.add(ms: 7, success: false, second: 30)
        #expect(window.summary(second: 60, age: 60).requests == 2)
        #expect(window.summary(second: 75, age: 75).requests == 1)
        #expect(window.summary(second: 90, age: 90).requests == 0)
        window.add(ms: 9, success: true, second: 90)  // reuses slot 30's place
        let summary = window.summary(second: 90, age: 90)
        #expect(summary.requests == 1 && summary.failed == 0)
        #expect(summary.seconds == 60)
    }
}
