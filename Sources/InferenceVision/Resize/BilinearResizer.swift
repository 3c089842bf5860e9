/// Bilinear resampling of interleaved RGB with half-pixel centres (OpenCV's `INTER_LINEAR`),
/// in 11-bit fixed point. Downscales by 2 or more are first halved with 2×2 box averages so that
/// small details are not skipped.
enum BilinearResizer {
    /// Resizes `image` to `width`×`height` into `destination` at (`x`, `y`), whose rows are
    /// `stride` bytes apart.
    static func resize(
        _ image: RGBImage, width: Int, height: Int,
        into destination: UnsafeMutablePointer<UInt8>, stride: Int, x: Int, y: Int
    ) {
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
        if width > sw {
            upscale(source, width: width, height: height, into: destination, stride: stride, x: x, y: y)
        } else {
            downscale(source, width: width, height: height, into: destination, stride: stride, x: x, y: y)
        }
    }

    /// Vertical first, on whole contiguous rows (vectorised), then horizontal on the result:
    /// fewer gathers than the other order when shrinking.
    static func downscale(
        _ source: RGBImage, width: Int, height: Int,
        into destination: UnsafeMutablePointer<UInt8>, stride: Int, x: Int, y: Int
    ) {
        let sw = source.width, sh = source.height
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

    /// The same arithmetic in the other order, for inputs wider than the image (a 320×320 crop
    /// into a 640×640 Hailo input): each source row is resized horizontally once and kept while
    /// output rows need it, and every output row is then a vertical blend of two such rows,
    /// which vectorises. The integer sums are the same, so the pixels are too.
    static func upscale(
        _ source: RGBImage, width: Int, height: Int,
        into destination: UnsafeMutablePointer<UInt8>, stride: Int, x: Int, y: Int
    ) {
        let one: Int32 = 1 << 11
        let sw = source.width, sh = source.height, rowLength = width * 3
        var taps = [(Int, Int, Int32)]()
        taps.reserveCapacity(width)
        for dx in 0..<width {
            let (i0, i1, w) = Self.taps(dx, scale: Double(sw) / Double(width), limit: sw)
            taps.append((i0 * 3, i1 * 3, Int32((w * Double(one)).rounded())))
        }
        // Two horizontally resized rows, and which source rows they hold.
        var rows = [Int32](repeating: 0, count: rowLength * 2)
        var held = (-1, -1)
        let scaleY = Double(sh) / Double(height)
        source.pixels.withUnsafeBufferPointer { src in
            taps.withUnsafeBufferPointer { taps in
                rows.withUnsafeMutableBufferPointer { rows in
                    func resizeRow(_ row: Int, into slot: Int) {
                        let input = src.baseAddress! + row * sw * 3, output = rows.baseAddress! + slot * rowLength
                        for dx in 0..<width {
                            let (a, b, fx) = taps[dx], gx = one - fx
                            output[dx * 3] = Int32(input[a]) &* gx &+ Int32(input[b]) &* fx
                            output[dx * 3 + 1] = Int32(input[a + 1]) &* gx &+ Int32(input[b + 1]) &* fx
                            output[dx * 3 + 2] = Int32(input[a + 2]) &* gx &+ Int32(input[b + 2]) &* fx
                        }
                    }
                    /// The slot holding source row `row`, resized into the slot not holding `keep` if needed.
                    func slot(_ row: Int, keeping keep: Int) -> Int {
                        if held.0 == row { return 0 }
                        if held.1 == row { return 1 }
                        let free = held.0 == keep ? 1 : 0
                        resizeRow(row, into: free)
                        if free == 0 { held.0 = row } else { held.1 = row }
                        return free
                    }
                    for dy in 0..<height {
                        let (r0, r1, wy) = Self.taps(dy, scale: scaleY, limit: sh)
                        let fy = Int32((wy * Double(one)).rounded()), gy = one - fy
                        let top = rows.baseAddress! + slot(r0, keeping: r1) * rowLength
                        let bottom = rows.baseAddress! + slot(r1, keeping: r0) * rowLength
                        let out = destination + (y + dy) * stride + x * 3
                        for i in 0..<rowLength {
                            out[i] = UInt8(truncatingIfNeeded: (top[i] &* gy &+ bottom[i] &* fy &+ (1 << 21)) >> 22)
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
