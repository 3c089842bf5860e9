import InferenceCore

extension Tensor {
    /// The elements as `Float`s (float32 as is; float16 and float64 converted).
    func floats() throws(InferenceError) -> [Float] {
        switch dtype {
        case .float32:
            let count = data.count / 4
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                data.withUnsafeBytes {
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<count * 4]))
                }
                initialized = count
            }
        case .float16:
            return (0..<data.count / 2).map { i in
                Float(Float16(bitPattern: data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self) }))
            }
        case .float64:
            return (0..<data.count / 8).map { i in Float(data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: i * 8, as: Double.self) })
            }
        default:
            throw InferenceError(
                .unprocessable, .notADetectionModel, "output '\(name)' is \(dtype.rawValue); detection decoders need float outputs")
        }
    }
}
