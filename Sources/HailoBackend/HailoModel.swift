import Foundation
import HailoRT
import InferenceCore

/// A HEF configured on the backend's vdevice. Runs frames through its current pipeline; while
/// the device is being rebuilt (after a fault, or to free an unloaded model) frames wait here.
final class HailoModel: LoadedModel, @unchecked Sendable {
    // @unchecked: `pipeline`, `held` and `vstreams` are guarded by `lock`; the rest is immutable.
    let signature: ModelSignature
    let name: String
    let hefBytes: [UInt8]
    let options: ModelOptions
    /// Frames in flight that keep the device busy under the scheduler (its burst is the batch).
    var preferredInFlight: Int { max(8, 2 * (options.batchSize ?? 1)) }
    private weak var manager: HailoDeviceManager?
    private let lock = NSLock()
    private var pipeline: HailoPipeline?
    private var vstreams: HailoVStreams?
    private var held: [HailoFrame] = []
    /// Deadline timers of frames not yet answered.
    let timers = DeadlineTimer.Count()

    init(signature: ModelSignature, name: String, hefBytes: [UInt8], options: ModelOptions, manager: HailoDeviceManager) {
        self.signature = signature
        self.name = name
        self.hefBytes = hefBytes
        self.options = options
        self.manager = manager
    }

    // MARK: Running

    func run(_ inputs: [Tensor], outputs: [String], deadline: ContinuousClock.Instant) async throws -> RunResult {
        let frameCounts = Set(inputs.map { $0.shape.first ?? 1 })
        guard frameCounts.count == 1, let frames = frameCounts.first, frames >= 1 else {
            throw InferenceError(
                .unprocessable, .shapeMismatch, "every input must hold the same number (≥ 1) of frames, got \(inputs.map(\.shape))")
        }
        let start = ContinuousClock.now
        let firstWrite = FirstWrite()
        let results = try await runFrames(inputs, frames: frames, deadline: deadline) { firstWrite.mark() }
        let wanted = outputs.isEmpty ? signature.outputs.map(\.name) : outputs
        let tensors = wanted.compactMap { name -> Tensor? in
            guard let index = signature.outputs.firstIndex(where: { $0.name == name }) else { return nil }
            let spec = signature.outputs[index]
            return Tensor(
                name: name, dtype: spec.dtype, shape: [frames] + spec.shape.dropFirst(),
                data: results.flatMap { $0[index] })
        }
        let queued = (firstWrite.instant ?? start) - start
        return RunResult(outputs: tensors, queueTime: queued, inferenceTime: .now - start - queued)
    }

    /// Each frame's outputs, in order. One frame (the usual request) goes as it is: no copy of
    /// its bytes, no child task.
    private func runFrames(
        _ inputs: [Tensor], frames: Int, deadline: ContinuousClock.Instant,
        started: @escaping @Sendable () -> Void
    ) async throws -> [[[UInt8]]] {
        if frames == 1 { return [try await runFrame(inputs.map(\.data), deadline: deadline, started: started)] }
        return try await withThrowingTaskGroup(of: (Int, [[UInt8]]).self) { group in
            for frame in 0..<frames {
                let bytes = inputs.map { tensor in
                    let size = tensor.data.count / frames
                    return Array(tensor.data[(frame * size)..<((frame + 1) * size)])
                }
                group.addTask { (frame, try await self.runFrame(bytes, deadline: deadline, started: started)) }
            }
            var ordered = [[[UInt8]]](repeating: [], count: frames)
            for try await (frame, outputs) in group { ordered[frame] = outputs }
            return ordered
        }
    }

    /// One frame: queued on the pipeline (or held while the device is rebuilt), answered when
    /// every output has been read, or when the deadline passes.
    private func runFrame(_ inputs: [[UInt8]], deadline: ContinuousClock.Instant, started: @escaping @Sendable () -> Void) async throws
        -> [[UInt8]]
    {
        try await withCheckedThrowingContinuation { continuation in
            let frame = HailoFrame(inputs: inputs, outputCount: signature.outputs.count, deadline: deadline, started: started) { result in
                continuation.resume(with: result.mapError { $0 as any Error })
            }
            // The frame ends its timer when it finishes; weak, so that the timer does not keep the
            // model or the frame's bytes alive.
            frame.deadlineTimer = DeadlineTimer(deadline: deadline, count: timers) { [weak self, weak frame] in
                guard let frame, !frame.isFinished else { return }
                let waiting = self?.withdraw(frame) ?? false
                frame.finish(
                    .failure(
                        waiting
                            ? InferenceError(
                                .unavailable, .backendUnavailable,
                                "the Hailo device is recovering; the frame could not run before the request's deadline")
                            : InferenceError(
                                .deadlineExceeded, .deadlineExceeded, "the Hailo device did not answer before the request's deadline")))
            }.start()
            submit(frame)
        }
    }

    private func submit(_ frame: HailoFrame) {
        lock.lock()
        if let pipeline, pipeline.submit(frame) {
            lock.unlock()
            return
        }
        // No pipeline: the device is being rebuilt. After an unload that takes moments, and the
        // frame waits; after a fault it may take long, and the frame is refused now.
        let reason = pipeline == nil ? unavailableReason : nil
        if reason == nil { held.append(frame) }
        lock.unlock()
        if let reason { frame.finish(.failure(Self.recovering(reason))) }
    }

    var unavailableReason: String? { manager?.faultReason }

    static func recovering(_ reason: String) -> InferenceError {
        InferenceError(.unavailable, .backendUnavailable, "the Hailo device is recovering (\(reason)); retry shortly")
    }

    /// Takes a frame back if no writer started it; true when it was waiting for a pipeline.
    private func withdraw(_ frame: HailoFrame) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if let index = held.firstIndex(where: { $0 === frame }) {
            held.remove(at: index)
            return true
        }
        pipeline?.withdraw(frame)
        return pipeline == nil
    }

    // MARK: Attaching to the device (called on the backend's control thread)

    /// Starts a pipeline on new vstreams and hands it the frames that were waiting.
    func attach(_ vstreams: HailoVStreams, onFault: @escaping @Sendable (HailoPipeline, HailoError) -> Void) {
        let pipeline = HailoPipeline(vstreams: vstreams, name: "hailo-\(name)", onFault: onFault)
        lock.lock()
        self.pipeline = pipeline
        self.vstreams = vstreams
        let waiting = held.filter { !$0.isFinished }
        held = []
        lock.unlock()
        for frame in waiting where !pipeline.submit(frame) {
            frame.finish(.failure(InferenceError(.unavailable, .backendUnavailable, "the Hailo pipeline stopped")))
        }
    }

    /// Stops the pipeline after the frames on the device came back; unwritten frames wait for
    /// the next pipeline. Releases the vstreams.
    func detachDraining() {
        let (pipeline, vstreams) = takePipeline()
        guard let pipeline else { return }
        let unwritten = pipeline.drain()
        hold(unwritten)
        vstreams?.release()
    }

    /// After a device fault: fails the frames that were on the device, keeps the unwritten ones.
    /// The caller has already shut the network group down so that blocked I/O returns.
    func detachAborting(_ error: HailoError) {
        let (pipeline, vstreams) = takePipeline()
        guard let pipeline else { return }
        vstreams?.group.shutdown()
        let (lost, unwritten) = pipeline.abort()
        for frame in lost { frame.finish(.failure(HailoPipeline.lostFrame(error))) }
        pipeline.join()
        hold(unwritten)
        vstreams?.release()
    }

    /// Detaches the current pipeline and its vstreams (new frames are held from now on).
    private func takePipeline() -> (HailoPipeline?, HailoVStreams?) {
        lock.lock()
        defer { lock.unlock() }
        let taken = (pipeline, vstreams)
        pipeline = nil
        vstreams = nil
        return taken
    }

    /// Fails every waiting frame (the model is gone, or the device cannot be recovered).
    func failHeld(_ error: InferenceError) {
        lock.lock()
        let waiting = held
        held = []
        lock.unlock()
        waiting.forEach { $0.finish(.failure(error)) }
    }

    private func hold(_ frames: [HailoFrame]) {
        lock.lock()
        held.insert(contentsOf: frames, at: 0)
        lock.unlock()
    }

    func isAttached(to pipeline: HailoPipeline) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return self.pipeline === pipeline
    }

    /// Unloads through the backend (which rebuilds the vdevice to free the network group).
    func close() async {
        await manager?.unload(self)
    }
}

/// When the first frame of a request started on the device.
final class FirstWrite: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var value: ContinuousClock.Instant?

    func mark() {
        lock.lock()
        if value == nil { value = .now }
        lock.unlock()
    }

    var instant: ContinuousClock.Instant? {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
