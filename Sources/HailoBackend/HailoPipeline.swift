import Foundation
import HailoRT
import InferenceCore

/// Keeps frames of one model in flight on its vstreams: a writer thread per input vstream and a
/// reader thread per output vstream. Frames come out of a network group in the order they went
/// in, so the k-th frame read on every output belongs to the k-th frame fully written.
final class HailoPipeline: @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `condition`; the vstreams are used by one
    // thread each.
    let vstreams: HailoVStreams
    private let condition = NSCondition()
    private var writeQueues: [[HailoFrame]]
    private var readQueues: [[HailoFrame]]
    /// Frames fully written and not yet fully read.
    private var inFlight = 0
    /// Writers inside a `write` call.
    private var writing = 0
    private var stopped = false
    private var faulted = false
    private let threadsDone = DispatchGroup()
    private let onFault: @Sendable (HailoPipeline, HailoError) -> Void

    init(vstreams: HailoVStreams, name: String, onFault: @escaping @Sendable (HailoPipeline, HailoError) -> Void) {
        self.vstreams = vstreams
        self.onFault = onFault
        writeQueues = Array(repeating: [], count: vstreams.inputs.count)
        readQueues = Array(repeating: [], count: vstreams.outputs.count)
        for index in vstreams.inputs.indices { start("\(name)-w\(index)") { self.writer(index) } }
        for index in vstreams.outputs.indices { start("\(name)-r\(index)") { self.reader(index) } }
    }

    private func start(_ name: String, _ body: @escaping @Sendable () -> Void) {
        threadsDone.enter()
        let thread = Thread { [threadsDone] in
            body()
            threadsDone.leave()
        }
        thread.name = name
        thread.start()
    }

    /// Queues a frame; false when the pipeline no longer accepts work.
    func submit(_ frame: HailoFrame) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped else { return false }
        for index in writeQueues.indices { writeQueues[index].append(frame) }
        condition.broadcast()
        return true
    }

    /// Removes a frame no writer has started (its deadline passed while queued).
    func withdraw(_ frame: HailoFrame) {
        condition.lock()
        defer { condition.unlock() }
        guard frame.writesStarted == 0 else { return }
        for index in writeQueues.indices { writeQueues[index].removeAll { $0 === frame } }
    }

    /// Stops taking new frames, waits for the frames on the device to come back, stops the threads
    /// and returns the frames that were never written (to run them on the next pipeline).
    func drain() -> [HailoFrame] {
        condition.lock()
        let unwritten = takeUnwritten()
        while (inFlight > 0 || writing > 0 || writeQueues.contains { !$0.isEmpty }) && !faulted {
            condition.wait()
        }
        stopped = true
        condition.broadcast()
        condition.unlock()
        threadsDone.wait()
        return unwritten
    }

    /// After a fault: stops everything; returns the frames already on the device (lost) and the
    /// ones never written. The vstreams must be shut down first so that blocked calls return.
    func abort() -> (lost: [HailoFrame], unwritten: [HailoFrame]) {
        condition.lock()
        stopped = true
        let unwritten = takeUnwritten()
        var lost: [HailoFrame] = []
        for frame in (writeQueues.flatMap { $0 } + readQueues.flatMap { $0 }) where !lost.contains(where: { $0 === frame }) {
            lost.append(frame)
        }
        writeQueues = writeQueues.map { _ in [] }
        readQueues = readQueues.map { _ in [] }
        condition.broadcast()
        condition.unlock()
        return (lost, unwritten)
    }

    /// Waits for the threads to end (after `abort` and a shutdown of the vstreams).
    func join() {
        threadsDone.wait()
    }

    /// Frames no writer has started, removed from the write queues. Call with the lock held.
    private func takeUnwritten() -> [HailoFrame] {
        let unwritten = writeQueues.first?.filter { $0.writesStarted == 0 } ?? []
        for index in writeQueues.indices { writeQueues[index].removeAll { $0.writesStarted == 0 } }
        return unwritten
    }

    private func writer(_ index: Int) {
        let input = vstreams.inputs[index]
        condition.lock()
        while true {
            while !stopped && !faulted && writeQueues[index].isEmpty { condition.wait() }
            if stopped || faulted { break }
            let frame = writeQueues[index].removeFirst()
            frame.writesStarted += 1
            writing += 1
            condition.unlock()
            frame.markStarted()
            let result = Self.perform { try frame.inputs[index].withUnsafeBytes { try input.write($0) } }
            condition.lock()
            writing -= 1
            if case .failure(let error) = result {
                fault(error)
                condition.unlock()
                frame.finish(.failure(Self.lostFrame(error)))  // in no queue any more: answer it here
                condition.lock()
                continue
            }
            frame.writesDone += 1
            if frame.writesDone == writeQueues.count {
                inFlight += 1
                for output in readQueues.indices { readQueues[output].append(frame) }
            }
            condition.broadcast()
        }
        condition.unlock()
    }

    private func reader(_ index: Int) {
        let output = vstreams.outputs[index]
        var buffer = [UInt8](repeating: 0, count: output.frameSize)
        condition.lock()
        while true {
            while !stopped && !faulted && readQueues[index].isEmpty { condition.wait() }
            if stopped || faulted { break }
            condition.unlock()
            let result = Self.perform { try buffer.withUnsafeMutableBytes { try output.read(into: $0) } }
            condition.lock()
            if case .failure(let error) = result {
                fault(error)
                continue
            }
            guard !readQueues[index].isEmpty else { continue }  // aborted meanwhile
            let frame = readQueues[index].removeFirst()
            condition.unlock()
            let converted = HailoSignature.convert(buffer, from: output)  // dequantize off the lock
            condition.lock()
            frame.outputs[index] = converted
            frame.readsDone += 1
            if frame.readsDone == readQueues.count {
                inFlight -= 1
                let outputs = frame.outputs.map { $0! }
                condition.broadcast()
                condition.unlock()
                frame.finish(.success(outputs))
                condition.lock()
            }
        }
        condition.unlock()
    }

    /// The answer to a frame the device lost.
    static func lostFrame(_ error: HailoError) -> InferenceError {
        InferenceError(
            .unavailable, .backendUnavailable,
            "the Hailo device failed while running this frame (\(error.status.name): \(error.message)); the service is recovering the device, retry",
            cause: error)
    }

    /// Runs one blocking vstream call, keeping its `HailoError`.
    private static func perform(_ call: () throws -> Void) -> Result<Void, HailoError> {
        do {
            try call()
            return .success(())
        } catch {
            return .failure(error as? HailoError ?? HailoError(status: .internalFailure, operation: "vstream I/O", message: "\(error)"))
        }
    }

    /// Reports the first I/O error (lock held): the device's frames can no longer be matched to
    /// requests, so the whole pipeline stops and the backend recovers.
    private func fault(_ error: HailoError) {
        guard !faulted && !stopped else { return }
        faulted = true
        condition.broadcast()
        let onFault = onFault
        DispatchQueue.global().async { onFault(self, error) }
    }
}
