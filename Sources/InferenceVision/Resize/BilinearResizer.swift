/// Bilinear resampling of interleaved RGB with half-pixel centres (OpenCV's `INTER_LINEAR`),
/// in 11-bit fixed point. Downscales by 2 or more are first halved with 2×2 box averages so that
/// small details are not skipped.
enum BilinearResizer {
    /// Resizes `image` to `width`×`height` into `destination` at (`x`, `y`), whose rows are
    /// `stride` bytes apart.
    static func resize(_ image: RGBImage, width: Int, height: Int,
                       into destination: UnsafeMutablePointer<UInt8>, stride: Int, x: Int, y: Int) {
        var source = image
        while source.width >= 2 * width, source.height >= 2 * height { source = halve(source) }
        let sw = source.width, sh = source.height
        if sw == width && sh == height {
            source.pixels.withUnsafeBufferPointer { src in
                for row in 0..<height {
                    (destination + (y + row) * stride + x * 3).update(from: src.baseAddress! + row * sw * 3, count: sw * 3)
                }
            }
            return
        }
        let one: Int32 = 1 << 11
        var xOffsets = [Int](repeating: 0, count: width * 2)
        var xWeights = [Int32](repeating: 0, count: width)
        for dx in 0..<width {
            let (i0, i1, w) = taps(dx, scale: Double(sw) / Double(width), limit: sw)
            xOffsets[dx * 2] = i0 * 3
            xOffsets[dx * 2 + 1] = i1 * 3
            xWeights[dx] = Int32((w * Double(one)).rounded())
        }
        let scaleY = Double(sh) / Double(height)
        // Vertical first, on whole contiguous rows (vectorised), then horizontal on the result:
        // fewer gathers than the other order when shrinking. Same integer arithmetic either way.
        let sourceLength = sw * 3
        var blended = [Int32](repeating: 0, count: sourceLength)
        source.pixels.withUnsafeBufferPointer { src in
            xOffsets.withUnsafeBufferPointer { xo in
                xWeights.withUnsafeBufferPointer { xw in
                    blended.withUnsafeMutableBufferPointer { row in
                        for dy in 0..<height {
                            let (r0, r1, wy) = taps(dy, scale: scaleY, limit: sh)
                            let fy = Int32((wy * Double(one)).rounded()), gy = one - fy
                            let top = src.baseAddress! + r0 * sourceLength, bottom = src.baseAddress! + r1 * sourceLength
                            for i in 0..<sourceLength {
                                row[i] = Int32(top[i]) &* gy &+ Int32(bottom[i]) &* fy
                            }
                            let out = destination + (y + dy) * stride + x * 3
                            for dx in 0..<width {
                                let a = xo[dx * 2], b = xo[dx * 2 + 1], fx = xw[dx], gx = one - fx
                                out[dx * 3] = UInt8(truncatingIfNeeded: (row[a] &* gx &+ row[b] &* fx &+ (1 << 21)) >> 22)
                                out[dx * 3 + 1] = UInt8(truncatingIfNeeded: (row[a + 1] &* gx &+ row[b + 1] &* fx &+ (1 << 21)) >> 22)
                                out[dx * 3 + 2] = UInt8(truncatingIfNeeded: (row[a + 2] &* gx &+ row[b + 2] &* fx &+ (1 << 21)) >> 22)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The two source indices and the weight of the second, for output index `d`.
    @inline(__always)
    static func taps(_ d: Int, scale: Double, limit: Int) -> (Int, Int, Double) {
        let position = max((Double(d) + 0.5) * scale - 0.5, 0)
        let i0 = min(Int(position), limit - 1)
        let i1 = min(i0 + 1, limit - 1)
        return (i0, i1, position - Double(i0))
    }

    /// Halves both axes with 2×2 averages (a trailing odd row or column is dropped).
    static func halve(_ image: RGBImage) -> RGBImage {
        let w = image.width / 2, h = image.height / 2, sw = image.width
        var out = [UInt8](repeating: 0, count: w * h * 3)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let r0 = src.baseAddress! + (2 * y) * sw * 3, r1 = r0 + sw * 3
                    let o = dst.baseAddress! + y * w * 3
                    for x in 0..<w * 3 {
                        let i = (x / 3) * 6 + x % 3
                        o[x] = UInt8((UInt16(r0[i]) + UInt16(r0[i + 3]) + UInt16(r1[i]) + UInt16(r1[i + 3]) + 2) >> 2)
                    }
                }
            }
        }
        return RGBImage(width: w, height: h, pixels: out)
    }
}
