import Foundation
import Synchronization

/// Dynamic batching for a model whose inputs and outputs all have a dynamic first dimension.
///
/// The first request of a batch opens it, and the batch waits for a run slot of the model's
/// scheduler (and at most `maxDelay` for company) on its own task, while later compatible requests
/// (same inputs but for the first dimension, same outputs requested) join it, up to `maxRows`.
/// When the batch gets its slot it closes and runs once, its members' inputs concatenated along
/// the first dimension, and each member gets its own rows of every output. With no load a request
/// runs alone at once; under load, requests that would wait for a slot anyway share one run.
///
/// A member whose task is cancelled (its client went away) while the batch waits leaves it and
/// fails with `cancelled`; the others are not affected, and a batch that every member left gives
/// up its place in the queue. Once the batch runs, its members get their answers.
public final class BatchCollector: Sendable {
    public let maxRows: Int
    public let maxDelay: Duration

    struct Key: Hashable {
        var inputs: [String]
        var outputs: [String]
    }

    final class Batch: @unchecked Sendable {
        // @unchecked: everything but `full` is only touched under the collector's lock.
        var members: [Member] = []
        var rows = 0
        var closed = false
        var waiting: Task<Void, Never>?
        let full = AsyncStream<Void>.makeStream()
    }

    struct Member {
        let id: UInt64
        let inputs: [Tensor]
        let rows: Int
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<RunResult, any Error>
    }

    private struct State {
        var open: [Key: Batch] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    public init(maxRows: Int, maxDelay: Duration) {
        self.maxRows = max(1, maxRows)
        self.maxDelay = maxDelay
    }

    /// The rows of the batches that wait for their run (tests wait on it instead of sleeping).
    var waitingRows: Int {
        state.withLock { state in state.open.values.filter { !$0.closed }.reduce(0) { $0 + $1.rows } }
    }

    /// Whether a model's signature allows batching along the first dimension.
    public static func supports(_ signature: ModelSignature) -> Bool {
        !signature.inputs.isEmpty
            && (signature.inputs + signature.outputs).allSatisfy { $0.shape.first == -1 }
    }

    /// What one run of a batch took: its rows, the concatenation of the members' inputs, the
    /// run's result, and the cutting of the outputs into the members' rows.
    public typealias Executed = @Sendable (_ rows: Int, _ input: Duration, _ result: RunResult, _ output: Duration) -> Void

    /// Runs `inputs` as part of a batch. `admit` waits for a run slot (and must be balanced by
    /// `release`); `execute` runs the concatenated batch; `executed` hears of every successful run.
    public func run(
        _ inputs: [Tensor], outputs: [String], deadline: ContinuousClock.Instant,
        admit: @escaping @Sendable () async throws -> Void, release: @escaping @Sendable () -> Void,
        execute: @escaping @Sendable ([Tensor], ContinuousClock.Instant) async throws -> RunResult,
        executed: Executed? = nil
    ) async throws -> RunResult {
        let rows = inputs.first?.shape.first ?? 1
        if rows >= maxRows {
            try await admit()
            defer { release() }
            let result = try await execute(inputs, deadline)
            executed?(rows, .zero, result, .zero)
            return result
        }
        guard !Task.isCancelled else { throw ModelScheduler.cancelled }
        let key = Key(inputs: inputs.map { "\($0.name):\($0.dtype.rawValue):\($0.shape.dropFirst())" }, outputs: outputs)
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let member = Member(id: id, inputs: inputs, rows: rows, deadline: deadline, continuation: continuation)
                state.withLock { state in
                    if let batch = state.open[key], !batch.closed, batch.rows + rows <= maxRows {
                        batch.members.append(member)
                        batch.rows += rows
                        if batch.rows >= maxRows { batch.full.continuation.yield() }
                        return
                    }
                    let batch = Batch()
                    batch.members = [member]
                    batch.rows = rows
                    state.open[key] = batch
                    batch.waiting = Task {
                        await self.runWhenAdmitted(batch, key: key, admit: admit, release: release, execute: execute, executed: executed)
                    }
                }
            }
        } onCancel: {
            leave(id, key: key)
        }
    }

    /// Takes a member out of its batch while the batch still waits, failing it with `cancelled`.
    private func leave(_ id: UInt64, key: Key) {
        let left: Member? = state.withLock { state in
            guard let batch = state.open[key], !batch.closed, let index = batch.members.firstIndex(where: { $0.id == id }) else {
                return nil  // running already, or not in a batch yet
            }
            let member = batch.members.remove(at: index)
            batch.rows -= member.rows
            if batch.members.isEmpty {
                batch.closed = true
                state.open[key] = nil
                batch.waiting?.cancel()  // gives up its place in the model's queue
            }
            return member
        }
        left?.continuation.resume(throwing: ModelScheduler.cancelled)
    }

    private func runWhenAdmitted(
        _ batch: Batch, key: Key,
        admit: @Sendable () async throws -> Void, release: @Sendable () -> Void,
        execute: @Sendable ([Tensor], ContinuousClock.Instant) async throws -> RunResult,
        executed: Executed?
    ) async {
        do {
            if maxDelay > .zero {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { [maxDelay] in try? await Task.sleep(for: maxDelay) }
                    group.addTask { for await _ in batch.full.stream { break } }
                    await group.next()
                    group.cancelAll()
                }
            }
            try await admit()
        } catch {
            for member in close(batch, key: key) { member.continuation.resume(throwing: error) }
            return
        }
        defer { release() }
        let members = close(batch, key: key)
        guard !members.isEmpty else { return }
        let outcome: Result<[RunResult], any Error>
        do {
            let started = ContinuousClock.now
            let merged = try Self.concatenate(members.map(\.inputs))
            let concatenated = ContinuousClock.now
            let result = try await execute(merged, members.map(\.deadline).min()!)
            let ran = ContinuousClock.now
            let parts = try Self.split(result, rows: members.map(\.rows))
            executed?(members.reduce(0) { $0 + $1.rows }, concatenated - started, result, .now - ran)
            outcome = .success(parts)
        } catch {
            outcome = .failure(error)
        }
        for (index, member) in members.enumerated() {
            member.continuation.resume(with: outcome.map { $0[index] })
        }
    }

    /// Closes the batch to new members and takes the members it has.
    private func close(_ batch: Batch, key: Key) -> [Member] {
        state.withLock { state in
            batch.closed = true
            if state.open[key] === batch { state.open[key] = nil }
            let members = batch.members
            batch.members = []
            return members
        }
    }

    /// Concatenates the members' tensors input by input along the first dimension.
    static func concatenate(_ members: [[Tensor]]) throws -> [Tensor] {
        guard members.count > 1 else { return members[0] }
        return members[0].indices.map { index in
            var tensor = members[0][index]
            tensor.shape[0] = members.reduce(0) { $0 + $1[index].shape[0] }
            tensor.data = members.flatMap { $0[index].data }
            return tensor
        }
    }

    /// Cuts each output into the members' rows.
    static func split(_ result: RunResult, rows: [Int]) throws -> [RunResult] {
        guard rows.count > 1 else { return [result] }
        let total = rows.reduce(0, +)
        var perMember = [[Tensor]](repeating: [], count: rows.count)
        for output in result.outputs {
            guard output.shape.first == total, total > 0 else {
                throw InferenceError(
                    .internal, .inferenceFailed,
                    "output '\(output.name)' has shape \(output.shape), not \(total) rows: the model cannot be batched (load it with max_batch_size 1)"
                )
            }
            let rowBytes = output.data.count / total
            var offset = 0
            for (member, count) in rows.enumerated() {
                var part = output
                part.shape[0] = count
                part.data = Array(output.data[offset..<(offset + count * rowBytes)])
                offset += count * rowBytes
                perMember[member].append(part)
            }
        }
        return perMember.map { RunResult(outputs: $0, queueTime: result.queueTime, inferenceTime: result.inferenceTime) }
    }
}
