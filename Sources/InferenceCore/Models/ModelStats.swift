public import Foundation
import Synchronization

/// Request counters and recent latencies of one model. Updated from any task; cheap to read.
///
/// Two views of the latencies: the most recent `window` requests (KServe's statistics and the
/// `latency_ms` of `/status`), and the last minute by the clock (`lastMinute`: requests/s and
/// percentiles that go back to nothing when a model is idle).
public final class ModelStats: Sendable {
    /// The requests that finished in the last minute (fewer seconds when the model is younger).
    public struct RecentStats: Sendable, Codable, Equatable {
        public var requests: Int = 0
        public var failed: Int = 0
        /// The seconds the figures cover: 60, or the model's age when it is younger.
        public var seconds: Double = 0
        public var requestsPerSecond: Double = 0
        public var latencyP50Ms: Double?
        public var latencyP99Ms: Double?

        public init() {}
    }

    public struct Snapshot: Sendable, Codable, Equatable {
        public var requests: Int
        public var succeeded: Int
        public var failed: Int
        public var inFlight: Int
        /// Percentiles of the total latency of the most recent requests, in milliseconds.
        public var latencyP50Ms: Double?
        public var latencyP99Ms: Double?
        public var latencyMeanMs: Double?
        public var latencyWindow: Int
        /// Cumulative latencies since the model was loaded, in nanoseconds: of succeeded and of
        /// failed requests, and of the parts of succeeded ones: waiting (queue), preparing the
        /// inputs, the runtime, and handing back the outputs.
        public var succeededNanoseconds: Int64 = 0
        public var failedNanoseconds: Int64 = 0
        public var queueNanoseconds: Int64 = 0
        public var computeInputNanoseconds: Int64 = 0
        public var inferenceNanoseconds: Int64 = 0
        public var computeOutputNanoseconds: Int64 = 0
        /// Inferences of succeeded requests: a request of n rows to a batching model counts n.
        public var inferences: Int = 0
        /// Runs of the model (a dynamic batch is one run), by batch size, smallest first.
        public var executions: [Execution] = []
        /// When the last request finished.
        public var lastFinishedAt: Date?
        /// Requests finished in the last minute.
        public var lastMinute = RecentStats()
    }

    /// The runs of one batch size and their cumulative times.
    public struct Execution: Sendable, Codable, Equatable {
        public var batchSize: Int
        public var count: Int = 0
        public var inputNanoseconds: Int64 = 0
        public var inferenceNanoseconds: Int64 = 0
        public var outputNanoseconds: Int64 = 0

        public init(batchSize: Int) {
            self.batchSize = batchSize
        }
    }

    private struct State {
        var requests = 0
        var succeeded = 0
        var failed = 0
        var inFlight = 0
        var latencies: [Double] = []
        var next = 0
        var succeededNanoseconds: Int64 = 0
        var failedNanoseconds: Int64 = 0
        var queueNanoseconds: Int64 = 0
        var computeInputNanoseconds: Int64 = 0
        var inferenceNanoseconds: Int64 = 0
        var computeOutputNanoseconds: Int64 = 0
        var inferences = 0
        var executions: [Int: Execution] = [:]
        var lastFinishedAt: Date?
        var recent = RecentWindow()
        /// Who waits for the model to have no request in flight (an unload).
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// How many recent latencies are kept for the percentiles.
    public static let window = 1024
    private let state = Mutex(State())
    private let createdAt = ContinuousClock.now

    public init() {}

    public func started() {
        state.withLock {
            $0.requests += 1
            $0.inFlight += 1
        }
    }

    public func finished(success: Bool, latency: Duration) {
        let ms = latency.milliseconds
        let second = Int((ContinuousClock.now - createdAt).components.seconds)
        let drained = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.inFlight -= 1
            if success {
                state.succeeded += 1
                state.succeededNanoseconds &+= latency.nanoseconds
            } else {
                state.failed += 1
                state.failedNanoseconds &+= latency.nanoseconds
            }
            state.lastFinishedAt = Date()
            if state.latencies.count < Self.window {
                state.latencies.append(ms)
            } else {
                state.latencies[state.next] = ms
            }
            state.next = (state.next + 1) % Self.window
            state.recent.add(ms: ms, success: success, second: second)
            guard state.inFlight == 0 else { return [] }
            defer { state.drainWaiters = [] }
            return state.drainWaiters
        }
        for waiter in drained { waiter.resume() }
    }

    /// Returns when no request is in flight: at once if none is, else when the last one finishes.
    /// Not cancellable: an unload once begun waits for its requests.
    public func drained() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state in
                if state.inFlight == 0 { return true }
                state.drainWaiters.append(waiter)
                return false
            }
            if idle { waiter.resume() }
        }
    }

    /// Adds the parts of a succeeded request of `inferences` rows: its wait, the preparation of
    /// its inputs, the run it was part of, and the hand-back of its outputs.
    public func ran(queue: Duration, input: Duration, inference: Duration, output: Duration, inferences: Int = 1) {
        state.withLock {
            $0.queueNanoseconds &+= queue.nanoseconds
            $0.computeInputNanoseconds &+= input.nanoseconds
            $0.inferenceNanoseconds &+= inference.nanoseconds
            $0.computeOutputNanoseconds &+= output.nanoseconds
            $0.inferences += inferences
        }
    }

    /// Adds one run of the model on `batchSize` rows (one request, or a dynamic batch of several).
    public func executed(batchSize: Int, input: Duration, inference: Duration, output: Duration) {
        state.withLock {
            var execution = $0.executions[batchSize] ?? Execution(batchSize: batchSize)
            execution.count += 1
            execution.inputNanoseconds &+= input.nanoseconds
            execution.inferenceNanoseconds &+= inference.nanoseconds
            execution.outputNanoseconds &+= output.nanoseconds
            $0.executions[batchSize] = execution
        }
    }

    public var inFlight: Int { state.withLock { $0.inFlight } }

    public func snapshot() -> Snapshot {
        let age = ContinuousClock.now - createdAt
        let (s, sorted) = state.withLock { ($0, $0.latencies) }
        let recent = s.recent.summary(second: Int(age.components.seconds), age: age.milliseconds / 1000)
        var lastMinute = RecentStats()
        lastMinute.requests = recent.requests
        lastMinute.failed = recent.failed
        lastMinute.seconds = recent.seconds
        lastMinute.requestsPerSecond = Double(recent.requests) / recent.seconds
        lastMinute.latencyP50Ms = recent.p50Ms
        lastMinute.latencyP99Ms = recent.p99Ms
        let latencies = sorted.sorted()
        func percentile(_ p: Double) -> Double? {
            latencies.isEmpty ? nil : latencies[min(latencies.count - 1, Int((Double(latencies.count) * p).rounded(.down)))]
        }
        return Snapshot(
            requests: s.requests, succeeded: s.succeeded, failed: s.failed, inFlight: s.inFlight,
            latencyP50Ms: percentile(0.5), latencyP99Ms: percentile(0.99),
            latencyMeanMs: latencies.isEmpty ? nil : latencies.reduce(0, +) / Double(latencies.count),
            latencyWindow: latencies.count,
            succeededNanoseconds: s.succeededNanoseconds, failedNanoseconds: s.failedNanoseconds,
            queueNanoseconds: s.queueNanoseconds, computeInputNanoseconds: s.computeInputNanoseconds,
            inferenceNanoseconds: s.inferenceNanoseconds, computeOutputNanoseconds: s.computeOutputNanoseconds,
            inferences: s.inferences, executions: s.executions.values.sorted { $0.batchSize < $1.batchSize },
            lastFinishedAt: s.lastFinishedAt, lastMinute: lastMinute)
    }
}

extension Duration {
    /// The duration in (fractional) milliseconds.
    public var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    /// The duration in whole nanoseconds (saturating).
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole &+ attoseconds / 1_000_000_000
    }
}
