import Dispatch
import InferenceCore
import NIOPosix
import ONNXRuntime
import Synchronization

/// A model loaded in ORT sessions. Runs go through the backend's run threads and its core gate
/// (which picks the wide or the narrow session); each run gets its own `OrtRunOptions`,
/// terminated by a timer when the request's deadline passes.
final class ONNXModel: LoadedModel {
    /// The model's sessions: `wide` for a run alone, `narrow` (when the policy has one) for runs
    /// side by side.
    struct Sessions: Sendable {
        var wide: ORTSession
        var narrow: ORTSession?
        var policy: ThreadPolicy

        func session(for grant: CoreGate.Grant) -> ORTSession { grant.wide ? wide : narrow ?? wide }
    }

    let sessions: Sessions
    let signature: ModelSignature
    let backend: ONNXBackend
    /// One run per backend thread: more would only wait in the pool's queue.
    let preferredInFlight: Int

    init(sessions: Sessions, signature: ModelSignature, backend: ONNXBackend) {
        self.sessions = sessions
        self.signature = signature
        self.backend = backend
        self.preferredInFlight = backend.policy.runThreads
    }

    func run(_ inputs: [Tensor], outputs: [String], deadline: ContinuousClock.Instant) async throws -> RunResult {
        let enqueued = ContinuousClock.now
        let (sessions, gate, timers, signature) = (sessions, backend.gate, backend.timers, signature)
        let ticket = gate.arrive()
        defer { gate.abandon(ticket) }
        return try await backend.pool.runIfActive {
            let grant = gate.acquire(
                wideCores: sessions.policy.cores(for: sessions.policy.wideThreads),
                narrowCores: sessions.policy.narrowThreads.map(sessions.policy.cores(for:)))
            defer { gate.finish(ticket, grant) }
            let started = ContinuousClock.now
            guard started < deadline else {
                throw InferenceError(
                    .deadlineExceeded, .deadlineExceeded,
                    "the request's deadline passed after \((started - enqueued).milliseconds.rounded()) ms in the queue, before it could run"
                )
            }
            let results = try Self.run(
                session: sessions.session(for: grant), signature: signature, inputs: inputs, outputNames: outputs,
                deadline: deadline, timers: timers)
            return RunResult(outputs: results, queueTime: started - enqueued, inferenceTime: .now - started)
        }
    }

    /// Nothing to do now: the registry calls this after the last run finished, and the session
    /// is released with the last reference to the model.
    func close() async {}

    /// One blocking `Run`, on a pool thread.
    static func run(
        session: ORTSession, signature: ModelSignature, inputs: [Tensor], outputNames: [String], deadline: ContinuousClock.Instant,
        timers: DeadlineTimer.Count? = nil
    ) throws -> [Tensor] {
        let runOptions: ORTRunOptions
        do {
            runOptions = try ORTRunOptions(library: session.library)
        } catch {
            throw InferenceError(.internal, .inferenceFailed, error.description, cause: error)
        }
        let fired = Atomic<Bool>(false)
        let timer = DeadlineTimer(deadline: deadline, count: timers) {
            fired.store(true, ordering: .relaxed)
            runOptions.terminate()
        }.start()
        defer { timer.cancel() }
        do {
            let results = try withBuffers(inputs[...], []) { buffers in
                try session.run(
                    inputs: zip(inputs, buffers).map { tensor, buffer in
                        ORTInputTensor(
                            name: tensor.name, elementType: ONNXSignature.ortType(tensor.dtype), shape: tensor.shape.map(Int64.init),
                            data: buffer)
                    }, outputNames: outputNames, runOptions: runOptions)
            }
            return try results.map { (output) throws(InferenceError) in
                guard let dtype = ONNXSignature.elementType(output.elementType) else {
                    throw InferenceError(.internal, .inferenceFailed, "output '\(output.name)' has unsupported type \(output.elementType)")
                }
                return Tensor(name: output.name, dtype: dtype, shape: output.shape.map { Int($0) }, data: output.data)
            }
        } catch let error as ORTError {
            if fired.load(ordering: .relaxed) {
                throw InferenceError(.deadlineExceeded, .deadlineExceeded, "the run was stopped at the request's deadline")
            }
            throw signature.runError(error, inputs)
        }
    }

    /// Calls `body` with a raw buffer over each tensor's bytes (kept alive for the call).
    static func withBuffers<R>(
        _ tensors: ArraySlice<Tensor>, _ buffers: [UnsafeRawBufferPointer], _ body: ([UnsafeRawBufferPointer]) throws -> R
    ) rethrows -> R {
        guard let first = tensors.first else { return try body(buffers) }
        return try first.data.withUnsafeBytes { buffer in
            try withBuffers(tensors.dropFirst(), buffers + [buffer], body)
        }
    }
}

extension ModelSignature {
    /// What a failed run (not one stopped at its deadline) tells the client. ONNX Runtime's
    /// argument checks (`INVALID_ARGUMENT`) refuse the input: 422. A failure inside the graph
    /// (`FAIL`, `RUNTIME_EXCEPTION`) on an input whose free sizes the client chose, past the batch
    /// dimension (e.g. an image 2×2 where the model's height and width are free, but a `Concat` in
    /// it needs more), is the input too: 422 `shape_mismatch` naming it. Anything else is the
    /// service's failure: 500.
    func runError(_ error: ORTError, _ inputs: [Tensor]) -> InferenceError {
        let message = "ONNX Runtime: \(error.message)"
        if error.code == .invalidArgument { return InferenceError(.unprocessable, .inferenceFailed, message, cause: error) }
        if error.code == .fail || error.code == .runtimeException {
            for input in inputs {
                guard let spec = self.inputs.first(where: { $0.name == input.name }) else { continue }
                let free = spec.shape.indices.dropFirst().filter { spec.shape[$0] < 0 }
                guard !free.isEmpty else { continue }
                return InferenceError(
                    .unprocessable, .shapeMismatch,
                    "the model cannot run on input '\(input.name)' of shape \(input.shape): its dimensions "
                        + "\(free.map(String.init).joined(separator: ", ")) are free, but its graph does not take these sizes "
                        + "(\(message))",
                    cause: error)
            }
        }
        return InferenceError(.internal, .inferenceFailed, message, cause: error)
    }
}
