/// Applies an EXIF orientation (1…8) to a decoded image, so that it stands as it was shot.
enum Orientation {
    /// Whether the orientation swaps width and height.
    static func swapsAxes(_ orientation: Int) -> Bool { orientation >= 5 }

    static func apply(_ orientation: Int, to image: RGBImage) -> RGBImage {
        guard (2...8).contains(orientation) else { return image }
        let sw = image.width, sh = image.height
        let (dw, dh) = swapsAxes(orientation) ? (sh, sw) : (sw, sh)
        var out = [UInt8](repeating: 0, count: dw * dh * 3)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<dh {
                    for x in 0..<dw {
                        let (sx, sy): (Int, Int)
                        switch orientation {
                        case 2: (sx, sy) = (sw - 1 - x, y)
                        case 3: (sx, sy) = (sw - 1 - x, sh - 1 - y)
                        case 4: (sx, sy) = (x, sh - 1 - y)
                        case 5: (sx, sy) = (y, x)
                        case 6: (sx, sy) = (y, sh - 1 - x)
                        case 7: (sx, sy) = (sw - 1 - y, sh - 1 - x)
                        default: (sx, sy) = (sw - 1 - y, x)  // 8
                        }
                        let s = (sy * sw + sx) * 3, d = (y * dw + x) * 3
                        dst[d] = src[s]
                        dst[d + 1] = src[s + 1]
                        dst[d + 2] = src[s + 2]
                    }
                }
            }
        }
        return RGBImage(width: dw, height: dh, pixels: out)
    }
}
