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
        let rowLength = width * 3
        // Horizontally resampled source rows (11-bit fixed point), two kept: consecutive output
        // rows share source rows, so each is resampled once.
        var rows = [Int32](repeating: 0, count: rowLength * 2)
        var cached = (-1, -1)
        source.pixels.withUnsafeBufferPointer { src in
            xOffsets.withUnsafeBufferPointer { xo in
                xWeights.withUnsafeBufferPointer { xw in
                    rows.withUnsafeMutableBufferPointer { buffer in
                        func horizontal(_ row: Int, into slot: Int) {
                            let line = src.baseAddress! + row * sw * 3
                            let out = buffer.baseAddress! + slot * rowLength
                            for dx in 0..<width {
                                let a = xo[dx * 2], b = xo[dx * 2 + 1], fx = xw[dx], gx = one - fx
                                out[dx * 3] = Int32(line[a]) * gx + Int32(line[b]) * fx
                                out[dx * 3 + 1] = Int32(line[a + 1]) * gx + Int32(line[b + 1]) * fx
                                out[dx * 3 + 2] = Int32(line[a + 2]) * gx + Int32(line[b + 2]) * fx
                            }
                        }
                        for dy in 0..<height {
                            let (r0, r1, wy) = taps(dy, scale: scaleY, limit: sh)
                            // Slot 0 holds row r0, slot 1 row r1.
                            if cached.0 != r0 {
                                if cached.1 == r0 {
                                    (buffer.baseAddress! + rowLength).withMemoryRebound(to: Int32.self, capacity: rowLength) { from in
                                        buffer.baseAddress!.update(from: from, count: rowLength)
                                    }
                                } else {
                                    horizontal(r0, into: 0)
                                }
                            }
                            if cached.1 != r1 || cached.0 != r0 { horizontal(r1, into: 1) }
                            cached = (r0, r1)
                            let fy = Int32((wy * Double(one)).rounded()), gy = one - fy
                            let top = buffer.baseAddress!, bottom = buffer.baseAddress! + rowLength
                            let out = destination + (y + dy) * stride + x * 3
                            for i in 0..<rowLength {
                                out[i] = UInt8(truncatingIfNeeded: (top[i] &* gy &+ bottom[i] &* fy &+ (1 << 21)) >> 22)
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
