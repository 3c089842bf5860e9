import InferenceCore

/// Turns raw frames into `RGBImage`s, checking that the byte count fits the stated size.
enum RawFrameConverter {
    static func convert(_ frame: ImageInput.RawFrame, limits: ImageLimits) throws(InferenceError) -> RGBImage {
        try limits.check(width: frame.width, height: frame.height)
        let (w, h) = (frame.width, frame.height)
        switch frame.format {
        case .rgb24, .bgr24:
            guard frame.bytes.count == w * h * 3 else {
                throw .invalidImage("a \(frame.format.rawValue) frame of \(w)x\(h) needs \(w * h * 3) bytes, got \(frame.bytes.count)")
            }
            guard frame.format == .bgr24 else { return RGBImage(width: w, height: h, pixels: frame.bytes) }
            var pixels = frame.bytes
            for i in stride(from: 0, to: pixels.count, by: 3) { pixels.swapAt(i, i + 2) }
            return RGBImage(width: w, height: h, pixels: pixels)
        case .nv12:
            guard w % 2 == 0, h % 2 == 0 else { throw .invalidImage("an nv12 frame needs an even width and height, got \(w)x\(h)") }
            guard frame.bytes.count == w * h * 3 / 2 else {
                throw .invalidImage("an nv12 frame of \(w)x\(h) needs \(w * h * 3 / 2) bytes, got \(frame.bytes.count)")
            }
            return nv12(frame.bytes, width: w, height: h)
        }
    }

    /// BT.601 limited range, integer arithmetic (as most video decoders produce it).
    static func nv12(_ bytes: [UInt8], width w: Int, height h: Int) -> RGBImage {
        var out = [UInt8](repeating: 0, count: w * h * 3)
        bytes.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let uvBase = w * h
                for y in 0..<h {
                    for x in 0..<w {
                        let c = 298 * (Int(src[y * w + x]) - 16)
                        let uv = uvBase + (y / 2) * w + (x & ~1)
                        let d = Int(src[uv]) - 128, e = Int(src[uv + 1]) - 128
                        let o = (y * w + x) * 3
                        dst[o] = clamp((c + 409 * e + 128) >> 8)
                        dst[o + 1] = clamp((c - 100 * d - 208 * e + 128) >> 8)
                        dst[o + 2] = clamp((c + 516 * d + 128) >> 8)
                    }
                }
            }
        }
        return RGBImage(width: w, height: h, pixels: out)
    }

    @inline(__always) static func clamp(_ v: Int) -> UInt8 { UInt8(max(0, min(255, v))) }
}
