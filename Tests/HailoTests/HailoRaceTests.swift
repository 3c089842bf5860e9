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

    @Test("an unload during recovery: the recovery's pending retry is cancelled and never opens the devices again")
    func unloadDuringRecovery() async throws {
        // The 3rd read aborts the streams; the rebuild's first configure (the 3rd of the process)
        // fails, so a retry waits on the test's clock; the unload rebuilds at once and succeeds.
        let clock = ManualClock()
        let backend = try await SimulatorFixture.backend(["HAILO_SIM_FAULTS": "read:2:63,configure:2:8"]) { $0.clock = clock }
        let manager = try #require(backend.manager)
        let a = try await backend.load(path: try SimulatorFixture.hef(Self.detector), options: .init())
        let b = try await backend.load(path: try SimulatorFixture.hef("sim_perchannel.hef"), options: .init())
        for seed in 0..<2 { _ = try await HailoBackendTests.run(a, [HailoBackendTests.frame(seed: seed)]) }
        _ = try? await HailoBackendTests.run(a, [HailoBackendTests.frame(seed: 2)])  // the fault
        #expect(try await eventually { backend.status.state == "recovering" && clock.sleepers == 1 })
        await b.close()  // rebuilds with `a` alone, before the retry is due
        #expect(backend.status.state == "ready")
        #expect(clock.sleepers == 0, "the rebuild cancels the pending retry")
        let attempts = await manager.openAttempts
        clock.advance(by: .seconds(60))  // past the retry's time
        #expect(await manager.openAttempts == attempts)
        #expect(backend.status.state == "ready")
        try await Self.expectServes(a, seed: 10)
        await backend.shutdown()
    }

    @Test("shutdown while a retry waits: the retry is cancelled and the devices are not opened afterwards")
    func shutdownDuringRetryWait() async throws {
        // Every open fails (the board is claimed); each retry waits on the test's clock.
        let faults = Array(repeating: "create_vdevice:0:74", count: 16).joined(separator: ",")
        let clock = ManualClock()
        let backend = try await SimulatorFixture.backend(["HAILO_SIM_FAULTS": faults]) { $0.clock = clock }
        let manager = try #require(backend.manager)
        #expect(try await eventually { clock.sleepers == 1 })
        clock.advance(by: .seconds(1))  // the first retry runs, fails, and waits again
        #expect(try await eventually { await manager.openAttempts == 2 && clock.sleepers == 1 }, "the failed open was never retried")
        await backend.shutdown()
        #expect(clock.sleepers == 0, "shutdown cancels the pending retry")
        clock.advance(by: .seconds(60))
        #expect(await manager.openAttempts == 2)
        #expect(await !manager.isOpen)
    }

    @Test("device work runs on the control thread, never on Swift's cooperative pool")
    func controlThread() async throws {
        let backend = try await SimulatorFixture.backend()
        let manager = try #require(backend.manager)
        #expect(!manager.control.isCurrent)
        #expect(await manager.isolatedOnControlThread())
        await backend.shutdown()
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
