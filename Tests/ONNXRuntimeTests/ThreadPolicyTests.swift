import Foundation
import InferenceCore
import Logging
import Synchronization
import TestSupport
import Testing

@testable import ONNXBackend

final class Flag: Sendable {
    let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
}

@Suite("CPU thread policy: runs × intra-op threads within the cores", .timeLimit(.minutes(1)))
struct ThreadPolicyTests {
    /// The most threads runs can keep busy at once under `policy`, as the gate allows them.
    static func mostThreads(_ policy: ThreadPolicy) -> Int {
        let wide = policy.cores(for: policy.wideThreads)
        guard let narrow = policy.narrowThreads.map(policy.cores(for:)) else {
            return min(policy.runThreads * wide, policy.capacity / wide * wide)
        }
        // A wide run holds every core it names; narrow ones run side by side up to the run threads.
        return max(wide, min(policy.runThreads * narrow, policy.capacity / narrow * narrow))
    }

    @Test(
        "automatic or one count by hand: never more threads than cores, for any core count",
        arguments: Array(1...64))
    func neverOversubscribed(cores: Int) {
        for intraOp in [nil, 0, 1, 2, 3, 4, 8, 64] as [Int?] {
            for runs in [nil, 1, 2, 3, 5, 16] as [Int?] where intraOp == nil || intraOp == 0 || runs == nil {
                let policy = ThreadPolicy.make(cores: cores, intraOpThreads: intraOp, inferenceThreads: runs)
                let limit = max(cores, intraOp ?? 0)  // one run of more threads than cores was asked for
                #expect(
                    Self.mostThreads(policy) <= limit,
                    "cores \(cores), intra-op \(String(describing: intraOp)), runs \(String(describing: runs)): \(policy)")
                #expect(policy.runThreads >= 1 && policy.wideThreads >= 1)
            }
        }
    }

    @Test("automatic: a run alone gets every core, runs side by side one each, one run thread per core")
    func automatic() {
        #expect(
            ThreadPolicy.make(cores: 2, intraOpThreads: nil, inferenceThreads: nil)
                == ThreadPolicy(runThreads: 2, wideThreads: 2, narrowThreads: 1, capacity: 2))
        #expect(
            ThreadPolicy.make(cores: 8, intraOpThreads: 0, inferenceThreads: nil)
                == ThreadPolicy(runThreads: 8, wideThreads: 8, narrowThreads: 1, capacity: 8))
        #expect(
            ThreadPolicy.make(cores: 1, intraOpThreads: nil, inferenceThreads: nil)
                == ThreadPolicy(runThreads: 1, wideThreads: 1, narrowThreads: nil, capacity: 1))
        // Run threads by hand: the narrow runs divide the cores among them.
        #expect(
            ThreadPolicy.make(cores: 8, intraOpThreads: nil, inferenceThreads: 2)
                == ThreadPolicy(runThreads: 2, wideThreads: 8, narrowThreads: 4, capacity: 8))
        #expect(
            ThreadPolicy.make(cores: 8, intraOpThreads: nil, inferenceThreads: 1)
                == ThreadPolicy(runThreads: 1, wideThreads: 8, narrowThreads: nil, capacity: 8))
        #expect(
            ThreadPolicy.make(cores: 2, intraOpThreads: nil, inferenceThreads: 6)
                == ThreadPolicy(runThreads: 6, wideThreads: 2, narrowThreads: 1, capacity: 2))
    }

    @Test("intra-op threads by hand: as many runs as fit; both by hand: taken as given")
    func byHand() {
        #expect(
            ThreadPolicy.make(cores: 8, intraOpThreads: 2, inferenceThreads: nil)
                == ThreadPolicy(runThreads: 4, wideThreads: 2, narrowThreads: nil, capacity: 8))
        #expect(
            ThreadPolicy.make(cores: 2, intraOpThreads: 4, inferenceThreads: nil)
                == ThreadPolicy(runThreads: 1, wideThreads: 4, narrowThreads: nil, capacity: 4))
        #expect(
            ThreadPolicy.make(cores: 2, intraOpThreads: 2, inferenceThreads: 2)
                == ThreadPolicy(runThreads: 2, wideThreads: 2, narrowThreads: nil, capacity: 4))
        // A model's own intra_op_threads: one session of that many.
        let policy = ThreadPolicy.make(cores: 4, intraOpThreads: nil, inferenceThreads: nil)
        #expect(policy.forModel(intraOpThreads: 3) == ThreadPolicy(runThreads: 4, wideThreads: 3, narrowThreads: nil, capacity: 4))
        #expect(policy.forModel(intraOpThreads: 0).wideThreads == 4 && policy.forModel(intraOpThreads: nil) == policy)
    }

    @Test("the gate: a run alone goes wide; while another waits or runs, narrow; the cores are never overdrawn")
    func gate() async throws {
        let gate = CoreGate(capacity: 2)
        // Alone: wide, holding both cores.
        let first = gate.arrive()
        let wide = gate.acquire(wideCores: 2, narrowCores: 1)
        #expect(wide == CoreGate.Grant(wide: true, cores: 2))
        // A second run arrives while the wide one runs: it waits for a core, then goes narrow.
        let second = gate.arrive()
        let granted = Flag()
        let waiter = Thread {
            let grant = gate.acquire(wideCores: 2, narrowCores: 1)
            granted.value.store(grant == CoreGate.Grant(wide: false, cores: 1), ordering: .sequentiallyConsistent)
        }
        waiter.start()
        try await Task.sleep(for: .milliseconds(100))
        #expect(!granted.isSet && gate.state.free == 0)
        gate.finish(first, wide)
        for _ in 0..<500 where !granted.isSet { try await Task.sleep(for: .milliseconds(10)) }
        #expect(granted.isSet)
        #expect(gate.state == (demand: 1, free: 1))
        gate.finish(second, CoreGate.Grant(wide: false, cores: 1))
        // The run after a shared one stays narrow once; then, still alone, wide again.
        let third = gate.arrive()
        let afterShared = gate.acquire(wideCores: 2, narrowCores: 1)
        #expect(afterShared == CoreGate.Grant(wide: false, cores: 1))
        gate.finish(third, afterShared)
        let fourth = gate.arrive()
        let alone = gate.acquire(wideCores: 2, narrowCores: 1)
        #expect(alone.wide)
        gate.finish(fourth, alone)
        gate.abandon(fourth)  // after finishing: nothing
        let fifth = gate.arrive()
        gate.abandon(fifth)  // never ran: its place is given back
        #expect(gate.state == (demand: 0, free: 2))
    }
}

@Suite("CPU backend under the adaptive policy", .timeLimit(.minutes(1)))
struct AdaptiveBackendTests {
    @Test("runs alone and side by side answer the same; afterwards no run, core or deadline timer is left held")
    func adaptiveRuns() async throws {
        let backend = ONNXBackend(
            configuration: .init(
                libraryPath: TestEnvironment.libraryPath,
                resources: ResourceLimits(cpuQuota: nil, processors: ProcessorCounts(host: 4, affinity: 4), memoryLimit: nil)),
            logger: Logger(label: "test"))
        #expect(backend.policy == ThreadPolicy(runThreads: 4, wideThreads: 4, narrowThreads: 1, capacity: 4))
        let model = try await backend.load(path: try TestEnvironment.model("affine.onnx"), options: .init())
        let x: [Float] = [1, 2, 3]
        let input = Tensor(name: "x", dtype: .float32, shape: [1, 3], data: x.withUnsafeBytes { Array($0) })
        let expected: [Float] = [3, 5, 7]
        func answer() async throws -> [Float] {
            let output = try await model.run([input], outputs: [], deadline: .now + .seconds(30)).outputs[0]
            return output.data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        }
        #expect(try await answer() == expected)  // alone: the wide session
        let answers = try await withThrowingTaskGroup(of: [Float].self) { group in
            for _ in 0..<64 { group.addTask { try await answer() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.count == 64 && answers.allSatisfy { $0 == expected })
        #expect(backend.gate.state == (demand: 0, free: 4))
        #expect(backend.timers.live == 0)
        await model.close()
        await backend.shutdown()
    }
}
