import Foundation
import InferenceCore
import TestSupport
import Testing

@testable import HailoBackend

/// Retries, rebuilds and shutdown racing each other on the simulator: a retry scheduled by an
/// earlier attempt to open the devices must never run after a newer one succeeded or after
/// shutdown.
@Suite("Hailo recovery races", .timeLimit(.minutes(1)))
struct HailoRaceTests {
    static let detector = "sim_detector_small.hef"

    static func expectServes(_ model: any LoadedModel, seed: Int) async throws {
        let frame = HailoBackendTests.frame(seed: seed)
        let got = HailoBackendTests.floats(try await HailoBackendTests.run(model, [frame])[0])
        #expect(got == SimulatedDetector.expected(for: frame, classes: 3, maxBoxes: 5))
    }

    @Test("an unload during recovery: the recovery's pending retry does not open the devices again")
    func unloadDuringRecovery() async throws {
        // The 3rd read aborts the streams; the rebuild's first configure (the 3rd of the process)
        // fails, so a retry is scheduled two seconds later; the unload rebuilds at once and succeeds.
        let backend = try await SimulatorFixture.backend(["HAILO_SIM_FAULTS": "read:2:63,configure:2:8"]) {
            $0.initialBackoff = 2
            $0.maximumBackoff = 2
        }
        let a = try await backend.load(path: try SimulatorFixture.hef(Self.detector), options: .init())
        let b = try await backend.load(path: try SimulatorFixture.hef("sim_perchannel.hef"), options: .init())
        for seed in 0..<2 { _ = try await HailoBackendTests.run(a, [HailoBackendTests.frame(seed: seed)]) }
        _ = try? await HailoBackendTests.run(a, [HailoBackendTests.frame(seed: 2)])  // the fault
        #expect(try await eventually { backend.status.state == "recovering" })
        await b.close()  // rebuilds with `a` alone, before the retry is due
        #expect(backend.status.state == "ready")
        try await Task.sleep(for: .milliseconds(2500))  // past the retry's time
        #expect(backend.status.state == "ready")
        try await Self.expectServes(a, seed: 10)
        await backend.shutdown()
    }

    @Test("shutdown while a retry waits: the devices are not opened afterwards")
    func shutdownDuringRetryWait() async throws {
        // Every open fails (the board is claimed), retried every 0.2 s: however busy the machine,
        // retries are pending when shutdown comes, and none may run after it.
        let faults = Array(repeating: "create_vdevice:0:74", count: 16).joined(separator: ",")
        let backend = try await SimulatorFixture.backend(["HAILO_SIM_FAULTS": faults]) {
            $0.initialBackoff = 0.2
            $0.maximumBackoff = 0.2
        }
        let manager = try #require(backend.manager)
        #expect(try await eventually { manager.openAttempts >= 2 }, "the failed open was never retried")
        await backend.shutdown()
        let attempts = manager.openAttempts
        try await Task.sleep(for: .milliseconds(1000))  // five retry periods
        #expect(manager.openAttempts == attempts)
        #expect(!manager.isOpen)
    }

    @Test("a device fault while a model is being unloaded: the other model serves again")
    func faultDuringUnload() async throws {
        let backend = try await SimulatorFixture.backend(["HAILO_SIM_FAULTS": "read:6:63"])
        let a = try await backend.load(path: try SimulatorFixture.hef(Self.detector), options: .init())
        let b = try await backend.load(path: try SimulatorFixture.hef("sim_perchannel.hef"), options: .init())
        async let frames: [Bool] = withTaskGroup(of: Bool.self) { group in
            for seed in 0..<16 {
                group.addTask { (try? await HailoBackendTests.run(a, [HailoBackendTests.frame(seed: seed)])) != nil }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        await b.close()
        let answered = await frames
        #expect(answered.count == 16)
        #expect(try await eventually { backend.status.state == "ready" })
        try await Self.expectServes(a, seed: 20)
        await backend.shutdown()
    }
}
