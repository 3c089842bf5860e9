import Foundation
import TestSupport
import Testing

@testable import HailoRT

@Suite("HailoRT binding over the simulator", .timeLimit(.minutes(1)))
struct HailoBindingTests {
    @Test("the loader resolves every symbol and checks the library version")
    func load() throws {
        let library = try SimulatorFixture.library()
        #expect(library.version == HailoVersion(major: 4, minor: 23, revision: 0))
        #expect(library.statusMessage(.timeout) == "HAILO_TIMEOUT")
    }

    @Test("a library outside 4.20 to 4.23 is refused, naming its version and the supported ones")
    func unsupportedVersion() throws {
        #expect { try SimulatorFixture.library(["HAILO_SIM_LIBRARY_VERSION": "4.19.0"]) } throws: { error in
            let message = (error as! HailoLoadError).description
            return message.contains("4.19.0") && message.contains("4.20 to 4.23")
        }
    }

    @Test("a 4.20 library loads with the 4.20 layout and has no names for statuses 91 to 93")
    func version420() throws {
        let library = try SimulatorFixture.library(["HAILO_SIM_LIBRARY_VERSION": "4.20.1"])
        #expect(library.version == HailoVersion(major: 4, minor: 20, revision: 1) && library.profile == .v4_20)
        #expect(library.statusMessage(.invalidHEF) == "HAILO_INVALID_HEF")
        #expect(library.statusMessage(.hefNotCompatibleWithDevice) == nil)
        #expect(try SimulatorFixture.library(["HAILO_SIM_LIBRARY_VERSION": "4.22.0"]).profile == .v4_21)
    }

    @Test("a library that lacks symbols is refused with the list of missing ones")
    func missingSymbols() throws {
        // libonnxruntime from the test environment's wheel is a real shared library with none of them.
        let candidates = ["libm.so.6"]
        #expect { try HailoLibrary.load(candidates: candidates, loggerDirectory: nil) } throws: { error in
            let message = (error as! HailoLoadError).description
            return message.contains("hailo_create_vdevice") && message.contains("hailo_vstream_read_raw_buffer")
        }
    }

    @Test("a missing library is reported with the paths tried")
    func missingLibrary() {
        #expect { try HailoLibrary.load(candidates: ["/nonexistent/libhailort.so.4.23.0"], loggerDirectory: nil) } throws: { error in
            (error as! HailoLoadError).description.contains("/nonexistent/libhailort.so.4.23.0")
        }
        #expect(HailoLibrary.searchPaths(explicit: nil).prefix(2) == ["libhailort.so.4.23.0", "/usr/lib/libhailort.so.4.23.0"])
        #expect(HailoLibrary.searchPaths(explicit: "/x/lib.so") == ["/x/lib.so"])
    }

    @Test("statuses keep unknown codes and carry advice")
    func statuses() {
        #expect(HailoStatus(rawValue: 74).name == "HAILO_OUT_OF_PHYSICAL_DEVICES")
        #expect(HailoStatus(rawValue: 200).name == "HAILO_STATUS_200")
        let mismatch = HailoError.advice(for: .invalidDriverVersion, driverVersion: "4.20.0", libraryVersion: "4.23.0")
        #expect(mismatch.contains("4.20.0") && mismatch.contains("4.23.0"))
        #expect(HailoError(status: .driverOperationFailed, operation: "x").message.contains("--device=/dev/hailo0"))
        #expect(HailoError(status: .hefNotCompatibleWithDevice, operation: "x").message.contains("architecture"))
        #expect(HailoError(status: .deviceInUse, operation: "x").message.contains("another process"))
    }

    @Test("scan, identify and temperature of a simulated board")
    func devices() throws {
        let library = try SimulatorFixture.library(["HAILO_SIM_DEVICES": "2"])
        #expect(try library.scanDevices() == ["0000:01:00.0", "0000:02:00.0"])
        let device = try HailoDevice(library: library, id: "0000:02:00.0")
        let identity = try device.identify()
        #expect(identity.boardName == "Hailo-8" && identity.architecture == "HAILO8")
        #expect(identity.firmwareVersion == HailoVersion(major: 4, minor: 23, revision: 0))
        #expect(!identity.serialNumber.isEmpty && identity.partNumber == "HM218B1C2FAE")
        #expect(try device.temperature() == 48.75)
        #expect(try device.throttling() == false)
        #expect { try device.power() } throws: { ($0 as! HailoError).status == .notSupported }
    }

    @Test("a HEF's vstreams, and one frame through a detector, byte for byte")
    func oneFrame() throws {
        let library = try SimulatorFixture.library()
        let vdevice = try HailoVDevice(library: library)
        defer { vdevice.release() }
        let hef = try HailoHEF(
            library: library, bytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: try SimulatorFixture.hef("sim_detector_small.hef")))))
        #expect(try hef.networkGroupNames() == ["detector_small"])
        let group = try vdevice.configure(hef, batchSize: 2)
        let vstreams = try group.makeVStreams()
        defer { vstreams.release() }
        #expect(vstreams.inputs.map(\.frameSize) == [64 * 64 * 3])
        let output = try #require(vstreams.outputs.first)
        #expect(output.info.layout == .nmsByClass(classes: 3, maxBoxesPerClass: 5))
        #expect(output.frameSize == 3 * (1 + 5 * 5) * 4)
        var frame = [UInt8](repeating: 0, count: 64 * 64 * 3)
        frame[0] = 1  // two boxes; sum 1 → class 1
        try frame.withUnsafeBytes { try vstreams.inputs[0].write($0) }
        var buffer = [UInt8](repeating: 0, count: output.frameSize)
        try buffer.withUnsafeMutableBytes { try output.read(into: $0) }
        #expect(
            buffer.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
                == SimulatedDetector.expected(for: frame, classes: 3, maxBoxes: 5))
    }

    @Test("creating a second vdevice on a claimed board fails with 74 and advice")
    func deviceInUse() throws {
        let library = try SimulatorFixture.library()
        let first = try HailoVDevice(library: library)
        defer { first.release() }
        #expect { try HailoVDevice(library: library) } throws: { error in
            let error = error as! HailoError
            return error.status == .outOfPhysicalDevices && error.operation == "hailo_create_vdevice"
                && error.message.contains("another process")
        }
        #expect { try HailoVDevice(library: library, deviceIDs: ["0000:01:00.0"]) } throws: { ($0 as! HailoError).status == .deviceInUse }
    }
}

/// The simulator's deterministic detector, written independently from its C code.
enum SimulatedDetector {
    /// The floats of an NMS_BY_CLASS frame the simulator produces for input `frame`.
    static func expected(for frame: [UInt8], classes: Int, maxBoxes: Int, scoreThreshold: Float = 0) -> [Float] {
        let sum = frame.reduce(0) { $0 + Int($1) }
        let target = sum % classes
        let count = min(1 + Int(frame[0]) % 3, maxBoxes)
        var floats: [Float] = []
        for c in 0..<classes {
            if c != target {
                floats.append(0)
                continue
            }
            var boxes: [[Float]] = []
            for j in 0..<count {
                let j = Double(j)
                let box = [0.10 + 0.10 * j, 0.20, 0.50 + 0.10 * j, 0.60 + 0.05 * j, 0.90 - 0.10 * j].map { Float($0) }
                if box[4] >= scoreThreshold { boxes.append(box) }
            }
            floats.append(Float(boxes.count))
            floats += boxes.flatMap { $0 }
        }
        return floats + [Float](repeating: 0, count: classes * (1 + 5 * maxBoxes) - floats.count)
    }
}
