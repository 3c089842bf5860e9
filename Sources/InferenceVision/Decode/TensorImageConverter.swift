import InferenceCore

/// Turns tensor images into `RGBImage`s, checking that the byte count fits the stated size.
enum TensorImageConverter {
    static func convert(_ tensor: TensorImage, limits: ImageLimits) throws(InferenceError) -> RGBImage {
        try limits.check(width: tensor.width, height: tensor.height)
        guard tensor.bytes.count == tensor.expectedByteCount else {
            throw .invalidImage(
                "a \(tensor.layout.rawValue) \(tensor.scalar.rawValue) tensor of \(tensor.width)x\(tensor.height)x3 needs \(tensor.expectedByteCount) bytes, got \(tensor.bytes.count)"
            )
        }
        let plane = tensor.width * tensor.height
        if tensor.scalar == .uint8 && tensor.layout == .hwc {
            return RGBImage(width: tensor.width, height: tensor.height, pixels: tensor.bytes)
        }
        var pixels = [UInt8](repeating: 0, count: plane * 3)
        tensor.bytes.withUnsafeBytes { source in
            pixels.withUnsafeMutableBufferPointer { out in
                // Element i of the output (HWC) comes from element index(i) of the source.
                let planar = tensor.layout == .chw
                @inline(__always) func index(_ i: Int) -> Int { planar ? (i % 3) * plane + i / 3 : i }
                switch tensor.scalar {
                case .uint8:
                    let values = source.bindMemory(to: UInt8.self)
                    for i in 0..<out.count { out[i] = values[index(i)] }
                case .float32:
                    var floats = [Float](repeating: 0, count: plane * 3)
                    floats.withUnsafeMutableBytes { $0.copyMemory(from: source) }
                    for i in floats.indices { floats[i] = Float(bitPattern: UInt32(littleEndian: floats[i].bitPattern)) }
                    let scale: Float = (floats.max() ?? 0) <= 1 ? 255 : 1
                    for i in 0..<out.count {
                        let value = floats[index(i)] * scale
                        out[i] = value.isNaN ? 0 : UInt8(max(0, min(255, value.rounded())))
                    }
                }
            }
        }
        return RGBImage(width: tensor.width, height: tensor.height, pixels: pixels)
    }
}
