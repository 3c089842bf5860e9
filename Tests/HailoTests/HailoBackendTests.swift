import Foundation
import InferenceCore
import TestSupport
import Testing

@testable import HailoBackend

@Suite("Hailo backend over the simulator", .timeLimit(.minutes(1)))
struct HailoBackendTests {
    static func frame(seed: Int, size: Int = 64 * 64 * 3) -> [UInt8] {
        var generator = seed &* 2_654_435_761 &+ 1
        return (0..<size).map { _ in
            generator = generator &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: generator >> 16)
        }
    }

    static func run(_ model: any LoadedModel, _ frames: [[UInt8]], deadline: Duration = .seconds(10)) async throws -> [Tensor] {
        let spec = model.signature.inputs[0]
        let input = Tensor(name: spec.name, dtype: .uint8, shape: [frames.count] + spec.shape.dropFirst(), data: frames.flatMap { $0 })
        return try await model.run([input], outputs: [], deadline: .now + deadline).outputs
    }

    static func floats(_ tensor: Tensor) -> [Float] {
        tensor.data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    @Test("the backend claims the simulated devices and describes them")
    func devices() async throws {
        try await SimulatorFixture.withBackend(["HAILO_SIM_DEVICES": "2"]) { backend async throws in
            #expect(backend.status.available && backend.status.state == "ready" && backend.status.version == "4.23.0")
            let devices = backend.devices()
            #expect(devices.map(\.id) == ["0000:01:00.0", "0000:02:00.0"])
            let first = try #require(devices.first)
            #expect(first.name == "Hailo-8" && first.details["architecture"] == "HAILO8" && first.details["temperature_c"] == "48.8")
            #expect(first.details["firmware_version"] == "4.23.0" && first.details["part_number"] == "HM218B1C2FAE")
            #expect(first.details["throttling"] == "disabled" && first.details["power_w"] == nil)
        }
    }

    @Test("64 concurrent requests each get the answer to their own frame")
    func concurrentFIFO() async throws {
        try await SimulatorFixture.withBackend { backend async throws in
            let model = try await backend.load(path: try SimulatorFixture.hef("sim_detector_small.hef"), options: .init())
            #expect(model.signature.inputs == [TensorSpec(name: "detector_small/input_layer1", dtype: .uint8, shape: [-1, 64, 64, 3])])
            #expect(model.signature.outputs == [TensorSpec(name: "detector_small/nms_postprocess", dtype: .float32, shape: [-1, 78])])
            #expect(model.signature.metadata["detector_small/nms_postprocess.format"] == "hailo_nms_by_class")
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for seed in 0..<64 {
                    group.addTask {
                        let frame = Self.frame(seed: seed)
                        let outputs = try await Self.run(model, [frame])
                        return Self.floats(outputs[0]) == SimulatedDetector.expected(for: frame, classes: 3, maxBoxes: 5)
                    }
                }
                var correct = 0
                for try await ok in group where ok { correct += 1 }
                #expect(correct == 64)
            }
            // Every frame's deadline timer ended with the frame.
            #expect((model as? HailoModel)?.timers.live == 0)
        }
    }

    @Test("several frames in one request come back in order")
    func batchOfFrames() async throws {
        try await SimulatorFixture.withBackend { backend async throws in
            let model = try await backend.load(path: try SimulatorFixture.hef("sim_detector_small.hef"), options: .init())
            let frames = (0..<5).map { Self.frame(seed: 100 + $0) }
            let output = try await Self.run(model, frames)[0]
            #expect(output.shape == [5, 78])
            #expect(Self.floats(output) == frames.flatMap { SimulatedDetector.expected(for: $0, classes: 3, maxBoxes: 5) })
        }
    }

    @Test("uint8 outputs are dequantized per channel, outputs are in name order")
    func dequantization() async throws {
        try await SimulatorFixture.withBackend { backend async throws in
            let perChannel = try await backend.load(path: try SimulatorFixture.hef("sim_perchannel.hef"), options: .init())
            let input = Self.frame(seed: 7, size: 4 * 4 * 3)
            let output = try await Self.run(perChannel, [input])[0]
            #expect(output.shape == [1, 2, 2, 4])
            let expected = (0..<16).map { i in (Float(input[i % input.count]) - Float(10 + i % 4)) * 0.5 }
            #expect(Self.floats(output) == expected)

            let two = try await backend.load(path: try SimulatorFixture.hef("sim_two_outputs.hef"), options: .init())
            #expect(two.signature.outputs.map(\.name) == ["two_outputs/out_a", "two_outputs/out_b"])
            #expect(two.signature.outputs.map(\.shape) == [[-1, 8], [-1, 2, 2, 2]])
            let small = Self.frame(seed: 9, size: 8 * 8 * 3)
            let outputs = try await Self.run(two, [small])
            #expect(Self.floats(outputs[0]) == (0..<8).map { Float(small[$0]) })
            #expect(Self.floats(outputs[1]) == (0..<8).map { (Float(small[$0]) - 128) * 0.25 })
        }
    }

    @Test("NMS overrides from the load options reach the vstream")
    func nmsOverrides() async throws {
        try await SimulatorFixture.withBackend { backend async throws in
            var options = ModelOptions()
            options.schedulerPriority = 20
            options.nmsScoreThreshold = 0.85
            let model = try await backend.load(path: try SimulatorFixture.hef("sim_detector_small.hef"), options: options)
            var frame = Self.frame(seed: 3)
            frame[0] = 2  // three boxes, scores 0.9, 0.8, 0.7
            let output = try await Self.run(model, [frame])[0]
            #expect(Self.floats(output) == SimulatedDetector.expected(for: frame, classes: 3, maxBoxes: 5, scoreThreshold: 0.85))
        }
    }

    @Test("a Hailo-8L HEF runs on the Hailo-8 and says what it was compiled for")
    func hailo8LHEF() async throws {
        try await SimulatorFixture.withBackend { backend async throws in
            let model = try await backend.load(path: try SimulatorFixture.hef("sim_detector_8l.hef"), options: .init())
            #expect(model.signature.metadata["hef_architecture"] == "HAILO8L")
            #expect(model.signature.metadata["hef_sdk_version"] == "hailo8-service simulator")
            let frame = Self.frame(seed: 11)
            #expect(Self.floats(try await Self.run(model, [frame])[0]) == SimulatedDetector.expected(for: frame, classes: 3, maxBoxes: 5))
            let inspected = try await backend.inspect(path: try SimulatorFixture.hef("sim_hailo15.hef"))
            #expect(inspected.metadata["hef_architecture"] == "HAILO15H")
        }
    }

    @Test(
        "HEFs the library refuses give their documented message",
        arguments: [
            ("sim_bad_magic.hef", "not supported by this HailoRT"),
            ("sim_corrupt.hef", "corrupted"),
            ("sim_hailo15.hef", "the HEF was compiled for Hailo-15H (HAILO15H); this device is Hailo-8 (HAILO8)"),
        ])
    func refusedHEFs(name: String, phrase: String) async throws {
        try await SimulatorFixture.withBackend { backend async throws in
            await #expect { _ = try await backend.load(path: try SimulatorFixture.hef(name), options: .init()) } throws: { error in
                let error = error as! InferenceError
                return error.code == .modelLoadFailed && error.message.contains(phrase)
            }
            #expect(backend.status.available)
        }
    }

    @Test("two models share the device; unloading one rebuilds the vdevice and the other keeps working")
    func unloadRebuild() async throws {
        try await SimulatorFixture.withBackend { backend async throws in
            let a = try await backend.load(path: try SimulatorFixture.hef("sim_detector_small.hef"), options: .init())
            let b = try await backend.load(path: try SimulatorFixture.hef("sim_perchannel.hef"), options: .init())
            _ = try await Self.run(a, [Self.frame(seed: 1)])
            await b.close()
            let frame = Self.frame(seed: 2)
            #expect(Self.floats(try await Self.run(a, [frame])[0]) == SimulatedDetector.expected(for: frame, classes: 3, maxBoxes: 5))
            #expect(backend.status.state == "ready")
        }
    }

    @Test("a stream abort fails the frame on the device with 503, then the backend recovers")
    func faultRecovery() async throws {
        try await SimulatorFixture.withBackend(["HAILO_SIM_FAULTS": "read:3:63"]) { backend async throws in
            let model = try await backend.load(path: try SimulatorFixture.hef("sim_detector_small.hef"), options: .init())
            for seed in 0..<3 { _ = try await Self.run(model, [Self.frame(seed: seed)]) }
            await #expect { _ = try await Self.run(model, [Self.frame(seed: 3)]) } throws: { error in
                let error = error as! InferenceError
                return error.kind == .unavailable && error.message.contains("HAILO_STREAM_ABORT")
            }
            #expect(try await eventually { backend.status.state == "ready" }, "recovered")
            let frame = Self.frame(seed: 4)
            #expect(Self.floats(try await Self.run(model, [frame])[0]) == SimulatedDetector.expected(for: frame, classes: 3, maxBoxes: 5))
            #expect(backend.devices().first?.details["faults"] == "1")
        }
    }

    @Test("a frame that cannot finish before its deadline is answered 504")
    func deadline() async throws {
        try await SimulatorFixture.withBackend { backend async throws in
            let model = try await backend.load(path: try SimulatorFixture.hef("sim_slow.hef"), options: .init())
            let start = ContinuousClock.now
            // 200 frames at 5 frames/s would take 40 s: the answer comes at the deadline instead
            // (the bound leaves a busy machine seconds of slack).
            await #expect { _ = try await Self.run(model, (0..<200).map { Self.frame(seed: $0) }, deadline: .milliseconds(300)) } throws: {
                error in
                (error as! InferenceError).kind == .deadlineExceeded
            }
            #expect(ContinuousClock.now - start < .seconds(20))
        }
    }

    @Test(
        "device unavailable: the status says why, in words a user can act on",
        arguments: [
            (["HAILO_SIM_DEVICES": "0"], "no Hailo device found"),
            (["HAILO_SIM_NO_DEVICE_NODE": "1"], "--device=/dev/hailo0"),
            (["HAILO_SIM_DRIVER_VERSION": "4.20.0"], "4.20.0"),
        ])
    func unavailable(settings: [String: String], phrase: String) async throws {
        let versionFile = try TestEnvironment.temporaryDirectory().appendingPathComponent("version")
        try "4.20.0\n".write(to: versionFile, atomically: true, encoding: .utf8)
        try await SimulatorFixture.withBackend(settings, configure: { $0.driverVersionFile = versionFile.path }) { backend async throws in
            #expect(!backend.status.available)
            #expect(backend.status.reason?.contains(phrase) == true, "\(backend.status.reason ?? "")")
            await #expect {
                _ = try await backend.load(path: try SimulatorFixture.hef("sim_detector_small.hef"), options: .init())
            } throws: {
                ($0 as! InferenceError).code == .backendUnavailable
            }
        }
    }

    @Test("a temperature alarm is counted on the device")
    func temperatureAlarm() async throws {
        try await SimulatorFixture.withBackend(["HAILO_SIM_TEMPERATURE_ALARM_MS": "50", "HAILO_SIM_TEMPERATURE": "91"]) {
            backend async throws in
            #expect(try await eventually { backend.devices().first?.details["alarm_temperatureAlarm"] != nil })
            #expect(backend.devices().first?.details["alarm_temperatureAlarm"] == "1")
            #expect(backend.devices().first?.details["temperature_c"] == "92.2")
        }
    }
}
