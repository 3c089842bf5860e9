import ArgumentParser
import Foundation
import InferenceCore

/// Runs one model back-to-back from concurrent callers and times every run.
struct BenchRunner: Sendable {
    let service: InferenceService
    let lease: ModelRegistry.Lease
    let layer: BenchLayer
    let request: InferenceRequest
    let tensors: [Tensor]

    init(service: InferenceService, lease: ModelRegistry.Lease, layer: BenchLayer, shape: [Int]) throws {
        self.service = service
        self.lease = lease
        self.layer = layer
        guard lease.model.signature.inputs.count == 1, let spec = lease.model.signature.inputs.first else {
            throw ValidationError("bench model takes models with exactly one input")
        }
        let data = Self.sample(dtype: spec.dtype, count: shape.reduce(1, *))
        request = InferenceRequest(modelID: "bench", inputs: [InputTensor(name: spec.name, dtype: spec.dtype, shape: shape, data: data)])
        tensors = [Tensor(name: spec.name, dtype: spec.dtype, shape: shape, data: data)]
        _ = try TensorBinder.bind(request.inputs, to: lease.model.signature)
    }

    /// `text` (comma-separated) when given, else the model's input shape with its dynamic
    /// dimensions filled from the model's defaults, then with 1.
    static func shape(_ text: String?, _ signature: ModelSignature?) throws -> [Int] {
        if let text {
            let dims = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !dims.isEmpty, dims.allSatisfy({ $0 > 0 }) else {
                throw ValidationError("--shape takes positive integers, e.g. 1,3,320,320")
            }
            return dims
        }
        guard let signature, let spec = signature.inputs.first else { throw ValidationError("the model has no inputs") }
        let defaults = signature.defaultInputShapes[spec.name]
        return spec.shape.enumerated().map { index, dim in
            if dim > 0 { return dim }
            if let defaults, index < defaults.count, defaults[index] > 0 { return defaults[index] }
            return 1
        }
    }

    /// Deterministic input bytes: floats in [0, 1), integers from a fixed sequence.
    static func sample(dtype: ElementType, count: Int) -> [UInt8] {
        var generator = SplitMix(seed: 20250101)
        switch dtype {
        case .float32:
            let values = (0..<count).map { _ in Float(generator.next() >> 40) / Float(1 << 24) }
            return values.withUnsafeBytes { Array($0) }
        case .uint8, .int8:
            return (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        default:
            return [UInt8](repeating: 0, count: count * dtype.byteSize)
        }
    }

    /// `callers` loops that run until `seconds` have passed; every run must succeed.
    func measure(callers: Int, seconds: Double) async throws -> BenchResult {
        let start = ContinuousClock.now
        let end = start + .milliseconds(Int(seconds * 1000))
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<callers {
                group.addTask {
                    var times: [Double] = []
                    while ContinuousClock.now < end {
                        let began = ContinuousClock.now
                        try await runOnce()
                        times.append((ContinuousClock.now - began).seconds * 1000)
                    }
                    return times
                }
            }
            var all: [Double] = []
            for try await times in group { all += times }
            return all
        }
        return BenchResult(callers: callers, elapsed: (ContinuousClock.now - start).seconds, latencies: latencies.sorted())
    }

    private func runOnce() async throws {
        switch layer {
        case .service:
            _ = try await service.infer(request)
        case .model:
            _ = try await lease.model.run(tensors, outputs: [], deadline: .now + .seconds(30))
        }
    }
}

/// A small fast generator, so that inputs are the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
