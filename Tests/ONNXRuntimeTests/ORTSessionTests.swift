import CONNXRuntime
import Foundation
import TestSupport
import Testing

@testable import ONNXRuntime

/// The library every test uses, loaded once through the same search as the service.
let sharedLibrary = Result { () throws -> ORTLibrary in
    try ORTLibrary.load(
        candidates: ORTLibrary.searchPaths(explicit: TestEnvironment.libraryPath, workingDirectory: TestEnvironment.repositoryRoot.path))
}

/// Serialized: these tests call the runtime synchronously, and one at a time leaves the other
/// cooperative thread to the rest of the test run.
@Suite("ONNX Runtime binding", .serialized, .timeLimit(.minutes(1)))
struct ORTSessionTests {
    let library: ORTLibrary

    init() throws {
        library = try sharedLibrary.get()
    }

    @Test("the hand-written OrtApiBase has the ABI's layout")
    func apiBaseLayout() {
        #expect(MemoryLayout<ORTHS_ApiBase>.size == 16)
        #expect(MemoryLayout<ORTHS_ApiBase>.offset(of: \.GetVersionString) == 8)
        #expect(ORTSlot.run == 9 && ORTSlot.releaseSessionOptions == 100 && ORTSlot.addSessionConfigEntry == 130)
    }

    @Test("the library reports a supported version")
    func version() {
        #expect(ORTLibrary.supports(version: library.version))
        #expect(!ORTLibrary.supports(version: "1.15.1"))
        #expect(ORTLibrary.supports(version: "2.0.0"))
    }

    @Test("a path that is not a library fails with the reason")
    func badLibrary() throws {
        let bad = try TestEnvironment.model("bad.onnx")
        #expect {
            try ORTLibrary.load(candidates: ["/nonexistent/libonnxruntime.so", bad])
        } throws: { error in
            let error = error as! ORTLoadError
            return error.attempts.count == 2 && error.attempts[0].contains("/nonexistent/libonnxruntime.so")
        }
    }

    @Test("an explicit library path is the only candidate")
    func explicitPath() {
        #expect(ORTLibrary.searchPaths(explicit: "/x/libonnxruntime.so") == ["/x/libonnxruntime.so"])
        let searched = ORTLibrary.searchPaths(explicit: nil, workingDirectory: TestEnvironment.repositoryRoot.path)
        #expect(searched.first == "libonnxruntime.so")
        #expect(searched.contains { $0.contains("/.venv/lib/python") && $0.contains("onnxruntime/capi/libonnxruntime.so") })
    }

    @Test("the demo detector's metadata: names, types, dynamic dims as -1, custom map")
    func demoMetadata() throws {
        let session = try ORTSession(library: library, path: try TestEnvironment.demoModel())
        #expect(
            session.inputs == [
                ORTTensorInfo(
                    name: "images", elementType: .float, shape: [-1, 3, -1, -1], symbolicDimensions: ["batch", "", "height", "width"])
            ])
        #expect(session.outputs.map(\.name) == ["output0"])
        #expect(session.outputs[0].shape.count == 3 && session.outputs[0].shape[1] == 22)
        #expect(session.metadata.custom["imgsz"] == "[320, 320]")
        #expect(session.metadata.custom["names"]?.contains("FACE_FEMALE") == true)
    }

    @Test("the demo detector runs on a caller-owned buffer")
    func demoRun() throws {
        let session = try ORTSession(library: library, path: try TestEnvironment.demoModel())
        let input = [Float](repeating: 0.5, count: 3 * 320 * 320)
        let outputs = try input.withUnsafeBytes { bytes in
            try session.run(inputs: [ORTInputTensor(name: "images", elementType: .float, shape: [1, 3, 320, 320], data: bytes)])
        }
        #expect(outputs.count == 1)
        #expect(outputs[0].shape == [1, 22, 2100])
        #expect(outputs[0].data.count == 22 * 2100 * 4)
    }

    @Test("y = 2x + 1 with a dynamic batch, and custom metadata")
    func affine() throws {
        let session = try ORTSession(library: library, path: try TestEnvironment.model("affine.onnx"))
        #expect(session.inputs.first?.shape == [-1, 3])
        #expect(session.metadata.custom["purpose"] == "test")
        let x: [Float] = [0, 1, 2, -1, 0.5, 10]
        let out = try x.withUnsafeBytes { bytes in
            try session.run(inputs: [ORTInputTensor(name: "x", elementType: .float, shape: [2, 3], data: bytes)])
        }
        #expect(out[0].shape == [2, 3])
        let y = out[0].data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(y == x.map { 2 * $0 + 1 })
    }

    @Test("int8, uint8, float16 and int64 tensors keep their types and values")
    func types() throws {
        let session = try ORTSession(library: library, path: try TestEnvironment.model("types.onnx"))
        #expect(session.inputs.map(\.elementType) == [.int8, .uint8, .float16, .int64])
        let i8: [Int8] = [-3, 0, 5, 127]
        let u8: [UInt8] = [0, 1, 200, 255]
        let f16: [Float16] = [0.5, -1, 2, 1000]
        let i64: [Int64] = [1, -2, 1 << 40]
        let out = try i8.withUnsafeBytes { a in
            try u8.withUnsafeBytes { b in
                try f16.withUnsafeBytes { c in
                    try i64.withUnsafeBytes { d in
                        try session.run(inputs: [
                            ORTInputTensor(name: "i8", elementType: .int8, shape: [2, 2], data: a),
                            ORTInputTensor(name: "u8", elementType: .uint8, shape: [2, 2], data: b),
                            ORTInputTensor(name: "f16", elementType: .float16, shape: [2, 2], data: c),
                            ORTInputTensor(name: "i64", elementType: .int64, shape: [3], data: d),
                        ])
                    }
                }
            }
        }
        let byName = Dictionary(uniqueKeysWithValues: out.map { ($0.name, $0) })
        #expect(byName["i8_out"]?.data.withUnsafeBytes { Array($0.bindMemory(to: Int8.self)) } == i8.map { 0 &- $0 })
        #expect(byName["u8_out"]?.data == u8)
        #expect(byName["f16_out"]?.elementType == .float16)
        #expect(byName["f16_out"]?.data.withUnsafeBytes { Array($0.bindMemory(to: Float16.self)) } == f16.map { $0 * 2 })
        #expect(byName["i64_out"]?.data.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) } == i64.map { $0 * 3 })
    }

    @Test("a model that is not ONNX fails to load with ORT's code and message")
    func badModel() throws {
        let path = try TestEnvironment.model("bad.onnx")
        #expect {
            try ORTSession(library: library, path: path)
        } throws: { error in
            let error = error as! ORTError
            return error.code == .invalidProtobuf && error.operation == "CreateSession" && error.message.contains("Protobuf")
        }
        #expect(throws: ORTError.self) { try ORTSession(library: library, path: "/nonexistent/model.onnx") }
    }

    @Test("a wrong shape is an error, not a crash")
    func wrongShape() throws {
        let session = try ORTSession(library: library, path: try TestEnvironment.model("affine.onnx"))
        let x: [Float] = [1, 2, 3, 4]
        #expect {
            try x.withUnsafeBytes { bytes in
                try session.run(inputs: [ORTInputTensor(name: "x", elementType: .float, shape: [1, 4], data: bytes)])
            }
        } throws: { error in
            (error as! ORTError).code == .invalidArgument
        }
    }

    @Test("terminating the run options stops a long run, and the session stays usable")
    func terminate() throws {
        let session = try ORTSession(library: library, path: try TestEnvironment.model("slow.onnx"))
        let x = [Float](repeating: 0.01, count: 256 * 256)
        func run(_ iterations: Int64, _ options: ORTRunOptions?) throws -> [ORTOutputTensor] {
            try x.withUnsafeBytes { xb in
                try withUnsafeBytes(of: iterations) { ib in
                    try session.run(
                        inputs: [
                            ORTInputTensor(name: "x", elementType: .float, shape: [256, 256], data: xb),
                            ORTInputTensor(name: "iterations", elementType: .int64, shape: [], data: ib),
                        ], runOptions: options)
                }
            }
        }
        let options = try ORTRunOptions(library: library)
        let start = ContinuousClock.now
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(200)) { options.terminate() }
        #expect { try run(1_000_000, options) } throws: { ($0 as! ORTError).code == .fail }
        #expect(ContinuousClock.now - start < .seconds(30))  // unstopped it runs for minutes; slack for a busy machine
        #expect(try run(3, nil).first?.shape == [256, 256])
    }

    @Test("concurrent runs on one session all give the right answer")
    func concurrentRuns() async throws {
        let session = try ORTSession(library: library, path: try TestEnvironment.model("affine.onnx"))
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<8 {
                group.addTask {
                    try await offPool {
                        let x = [Float](repeating: Float(i), count: 3)
                        let out = try x.withUnsafeBytes {
                            try session.run(inputs: [ORTInputTensor(name: "x", elementType: .float, shape: [1, 3], data: $0)])
                        }
                        return out[0].data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
                            == [Float](repeating: Float(2 * i + 1), count: 3)
                    }
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }
}
