import Foundation
import InferenceCore
import Synchronization

/// One frame on its way through a model's vstreams: the bytes for each input, the results of
/// each output, and a completion called exactly once.
final class HailoFrame: @unchecked Sendable {
    // @unchecked: the counters and `outputs` are only touched under the owning pipeline's lock;
    // `finished` is atomic.
    /// The bytes for each input vstream, in the model's input order.
    let inputs: [[UInt8]]
    var outputs: [[UInt8]?]
    var writesStarted = 0
    var writesDone = 0
    var readsDone = 0
    let deadline: ContinuousClock.Instant
    let enqueued = ContinuousClock.now
    private let finished = Atomic<Bool>(false)
    private let completion: @Sendable (Result<[[UInt8]], InferenceError>) -> Void
    private let started: @Sendable () -> Void
    private let startedFlag = Atomic<Bool>(false)
    /// Fails the frame at its deadline; set before the frame is submitted, ended when it finishes.
    var deadlineTimer: DeadlineTimer?

    init(
        inputs: [[UInt8]], outputCount: Int, deadline: ContinuousClock.Instant,
        started: @escaping @Sendable () -> Void,
        completion: @escaping @Sendable (Result<[[UInt8]], InferenceError>) -> Void
    ) {
        self.inputs = inputs
        self.outputs = Array(repeating: nil, count: outputCount)
        self.deadline = deadline
        self.started = started
        self.completion = completion
    }

    var isFinished: Bool { finished.load(ordering: .acquiring) }

    /// Called by the first writer that takes the frame.
    func markStarted() {
        if !startedFlag.exchange(true, ordering: .relaxed) { started() }
    }

    /// Delivers the result once; later calls are ignored (a frame that missed its deadline still
    /// flows through the device to keep the FIFO aligned, its result is dropped).
    func finish(_ result: Result<[[UInt8]], InferenceError>) {
        guard !finished.exchange(true, ordering: .acquiringAndReleasing) else { return }
        deadlineTimer?.cancel()
        completion(result)
    }
}
