import Foundation
import Synchronization

/// Dynamic batching for a model whose inputs and outputs all have a dynamic first dimension.
///
/// The first request of a batch leads it: it waits for a run slot of the model's scheduler (and
/// at most `maxDelay` for company), while later compatible requests (same inputs but for the
/// first dimension, same outputs requested) join it, up to `maxRows`. When the leader gets its
/// slot the batch closes and runs once, its inputs concatenated along the first dimension, and
/// each member gets its own rows of every output. With no load a request runs alone at once; under
/// load, requests that would wait for a slot anyway share one run.
public final class BatchCollector: Sendable {
    public let maxRows: Int
    public let maxDelay: Duration

    struct Key: Hashable {
        var inputs: [String]
        var outputs: [String]
    }

    final class Batch: @unchecked Sendable {
        // @unchecked: `members`, `rows` and `closed` are only touched under the collector's lock.
        var members: [Member] = []
        var rows = 0
        var closed = false
        let full = AsyncStream<Void>.makeStream()
    }

    struct Member {
        let inputs: [Tensor]
        let rows: Int
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<RunResult, any Error>?
    }

    private let open = Mutex<[Key: Batch]>([:])

    public init(maxRows: Int, maxDelay: Duration) {
        self.maxRows = max(1, maxRows)
        self.maxDelay = maxDelay
    }

    /// Whether a model's signature allows batching along the first dimension.
    public static func supports(_ signature: ModelSignature) -> Bool {
        !signature.inputs.isEmpty
            && (signature.inputs + signature.outputs).allSatisfy { $0.shape.first == -1 }
    }

    /// Runs `inputs` as part of a batch. `admit` waits for a run slot (and must be balanced by
    /// `release`); `execute` runs the concatenated batch.
    public func run(
        _ inputs: [Tensor], outputs: [String], deadline: ContinuousClock.Instant,
        admit: @escaping @Sendable () async throws -> Void, release: @escaping @Sendable () -> Void,
        execute: @escaping @Sendable ([Tensor], ContinuousClock.Instant) async throws -> RunResult
    ) async throws -> RunResult {
        let rows = inputs.first?.shape.first ?? 1
        let key = Key(inputs: inputs.map { "\($0.name):\($0.dtype.rawValue):\($0.shape.dropFirst())" }, outputs: outputs)
        if rows >= maxRows {
            try await admit()
            defer { release() }
            return try await execute(inputs, deadline)
        }
        // Join an open batch with room, or lead a new one.
        let joined: Batch? = open.withLock { batches in
            guard let batch = batches[key], !batch.closed, batch.rows + rows <= maxRows else { return nil }
            return batch
        }
        if let batch = joined {
            return try await withCheckedThrowingContinuation { continuation in
                let added: Bool = open.withLock { _ in
                    guard !batch.closed, batch.rows + rows <= maxRows else { return false }
                    batch.members.append(Member(inputs: inputs, rows: rows, deadline: deadline, continuation: continuation))
                    batch.rows += rows
                    if batch.rows >= maxRows { batch.full.continuation.yield() }
                    return true
                }
                if !added {  // closed meanwhile: run alone
                    Task {
                        do {
                            try await admit()
                            defer { release() }
                            continuation.resume(returning: try await execute(inputs, deadline))
                        } catch {
                            continuation.resume(throwing: error)
                        }
                    }
                }
            }
        }
        let batch = Batch()
        batch.members = [Member(inputs: inputs, rows: rows, deadline: deadline, continuation: nil)]
        batch.rows = rows
        open.withLock { $0[key] = batch }
        return try await lead(batch, key: key, admit: admit, release: release, execute: execute)
    }

    private func lead(
        _ batch: Batch, key: Key,
        admit: @Sendable () async throws -> Void, release: @Sendable () -> Void,
        execute: @Sendable ([Tensor], ContinuousClock.Instant) async throws -> RunResult
    ) async throws -> RunResult {
        let members: [Member]
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
            members = close(batch, key: key)
            for member in members.dropFirst() { member.continuation?.resume(throwing: error) }
            throw error
        }
        defer { release() }
        members = close(batch, key: key)
        let outcome: Result<[RunResult], any Error>
        do {
            let merged = try Self.concatenate(members.map(\.inputs))
            let result = try await execute(merged, members.map(\.deadline).min()!)
            outcome = .success(try Self.split(result, rows: members.map(\.rows)))
        } catch {
            outcome = .failure(error)
        }
        for (index, member) in members.enumerated().dropFirst() {
            member.continuation?.resume(with: outcome.map { $0[index] })
        }
        return try outcome.get()[0]
    }

    private func close(_ batch: Batch, key: Key) -> [Member] {
        open.withLock { batches in
            batch.closed = true
            if batches[key] === batch { batches[key] = nil }
            return batch.members
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
                throw InferenceError(.internal, .inferenceFailed,
                    "output '\(output.name)' has shape \(output.shape), not \(total) rows: the model cannot be batched (load it with max_batch_size 1)")
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
