import Synchronization
import TestSupport
import Testing

@testable import InferenceCore

@Suite("Dynamic batching", .timeLimit(.minutes(1)))
struct BatchCollectorTests {
    /// Runs `y = x + 1000 × row` over a `[N, 2]` float32 batch and records each batch's rows.
    final class Runner: Sendable {
        let batches = Mutex<[Int]>([])
        let slot = Mutex<Bool>(false)

        func execute(_ inputs: [Tensor]) -> RunResult {
            let rows = inputs[0].shape[0]
            batches.withLock { $0.append(rows) }
            let x = inputs[0].data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            let y = x.enumerated().map { $1 + 1000 * Float($0 / 2) }
            let data = y.withUnsafeBytes { Array($0) }
            return RunResult(
                outputs: [Tensor(name: "y", dtype: .float32, shape: [rows, 2], data: data)], queueTime: .zero, inferenceTime: .zero)
        }
    }

    static func tensor(_ values: [Float]) -> Tensor {
        Tensor(name: "x", dtype: .float32, shape: [values.count / 2, 2], data: values.withUnsafeBytes { Array($0) })
    }

    static func floats(_ result: RunResult) -> [Float] {
        result.outputs[0].data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    @Test("requests that wait for the slot share one run, each gets its own rows")
    func sharesRuns() async throws {
        let collector = BatchCollector(maxRows: 8, maxDelay: .zero)
        let scheduler = ModelScheduler(policy: SchedulerPolicy(maxQueue: 16, maxInFlight: 1))
        let runner = Runner()
        let far = ContinuousClock.now + .seconds(30)
        try await scheduler.acquire(client: "hold", deadline: far)  // the slot is busy
        let results = try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
            for i in 0..<4 {
                group.addTask {
                    let result = try await collector.run(
                        [Self.tensor([Float(i), Float(i)])], outputs: [], deadline: far,
                        admit: { try await scheduler.acquire(client: "c", deadline: far) },
                        release: { scheduler.release() },
                        execute: { merged, _ in runner.execute(merged) })
                    return (i, Self.floats(result))
                }
            }
            while scheduler.load.queued < 1 { await Task.yield() }
            #expect(try await eventually { collector.waitingRows == 4 }, "the others join the waiting batch")
            scheduler.release()
            var all: [Int: [Float]] = [:]
            for try await (i, values) in group { all[i] = values }
            return all
        }
        let batches = runner.batches.withLock { $0 }
        #expect(batches.reduce(0, +) == 4)
        #expect(batches.count < 4, "\(batches)")
        for (i, values) in results {
            #expect(values.count == 2 && values[0] == values[1] && Int(values[0]) % 1000 == i)
        }
    }

    @Test("a member that leaves a waiting batch fails alone and the others run; a batch every member left gives up its queue place")
    func membersLeave() async throws {
        let collector = BatchCollector(maxRows: 8, maxDelay: .zero)
        let scheduler = ModelScheduler(policy: SchedulerPolicy(maxQueue: 16, maxInFlight: 1))
        let runner = Runner()
        let far = ContinuousClock.now + .seconds(30)
        @Sendable func submit(_ i: Int) -> Task<[Float], any Error> {
            Task {
                Self.floats(
                    try await collector.run(
                        [Self.tensor([Float(i), Float(i)])], outputs: [], deadline: far,
                        admit: { try await scheduler.acquire(client: "c", deadline: far) },
                        release: { scheduler.release() },
                        execute: { merged, _ in runner.execute(merged) }))
            }
        }
        @Sendable func waitQueued(_ count: Int) async throws {
            #expect(try await eventually { scheduler.load.queued == count }, "\(count) queued")
        }
        try await scheduler.acquire(client: "hold", deadline: far)  // the slot is busy
        let leader = submit(1)
        try await waitQueued(1)
        let others = [submit(2), submit(3)]
        #expect(try await eventually { collector.waitingRows == 3 }, "they join the waiting batch")
        leader.cancel()
        await #expect { try await leader.value } throws: { ($0 as! InferenceError).code == .cancelled }
        scheduler.release()
        for (i, task) in zip([2, 3], others) {
            let values = try await task.value
            #expect(values.count == 2 && Int(values[0]) % 1000 == i)
        }
        #expect(runner.batches.withLock { $0 } == [2], "one run, without the member that left")

        try await scheduler.acquire(client: "hold", deadline: far)
        let alone = submit(4)
        try await waitQueued(1)
        alone.cancel()
        await #expect(throws: InferenceError.self) { try await alone.value }
        try await waitQueued(0)
        scheduler.release()
        #expect(scheduler.load == (0, 0))
        #expect(runner.batches.withLock { $0 } == [2])
    }

    @Test("different shapes never share a batch; a model that breaks the batch dimension is reported")
    func shapesAndErrors() async throws {
        #expect(BatchCollector.Key(inputs: ["x:float32:[2]"], outputs: []) != BatchCollector.Key(inputs: ["x:float32:[3]"], outputs: []))
        let merged = try BatchCollector.concatenate([[Self.tensor([1, 2])], [Self.tensor([3, 4, 5, 6])]])
        #expect(merged[0].shape == [3, 2])
        let broken = RunResult(
            outputs: [Tensor(name: "y", dtype: .float32, shape: [1, 6], data: [UInt8](repeating: 0, count: 24))],
            queueTime: .zero, inferenceTime: .zero)
        #expect { try BatchCollector.split(broken, rows: [1, 2]) } throws: { ($0 as! InferenceError).code == .inferenceFailed }
        let ok = RunResult(
            outputs: [Tensor(name: "y", dtype: .float32, shape: [3, 1], data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])],
            queueTime: .zero, inferenceTime: .zero)
        let parts = try BatchCollector.split(ok, rows: [1, 2])
        #expect(parts.map { $0.outputs[0].shape } == [[1, 1], [2, 1]])
        #expect(parts[1].outputs[0].data == [5, 6, 7, 8, 9, 10, 11, 12])
    }

    @Test("supports: only models whose inputs and outputs all start with a dynamic dimension")
    func supports() {
        let dynamic = ModelSignature(
            inputs: [TensorSpec(name: "x", dtype: .float32, shape: [-1, 3])],
            outputs: [TensorSpec(name: "y", dtype: .float32, shape: [-1, 3])])
        let fixed = ModelSignature(
            inputs: [TensorSpec(name: "x", dtype: .float32, shape: [1, 3])],
            outputs: [TensorSpec(name: "y", dtype: .float32, shape: [-1, 3])])
        #expect(BatchCollector.supports(dynamic))
        #expect(!BatchCollector.supports(fixed))
    }
}
