/// Draws detections on an image: a coloured frame per box and its label and score above it.
public enum Annotator {
    static let palette: [(UInt8, UInt8, UInt8)] = [
        (255, 56, 56), (255, 157, 151), (255, 112, 31), (255, 178, 29), (207, 210, 49), (72, 249, 10),
        (146, 204, 23), (61, 219, 134), (26, 147, 52), (0, 212, 187), (44, 153, 168), (0, 194, 255),
    ]

    public static func draw(_ detections: [Detection], on image: RGBImage) -> RGBImage {
        var canvas = image
        let thickness = max(2, min(image.width, image.height) / 300)
        let scale = max(2, min(image.width, image.height) / 250)
        for detection in detections.reversed() {
            let color = palette[detection.classID % palette.count]
            let x0 = Int(detection.box.xMin), y0 = Int(detection.box.yMin)
            let x1 = Int(detection.box.xMax), y1 = Int(detection.box.yMax)
            for t in 0..<thickness {
                fill(&canvas, x0, y0 + t, x1, y0 + t, color)
                fill(&canvas, x0, y1 - t, x1, y1 - t, color)
                fill(&canvas, x0 + t, y0, x0 + t, y1, color)
                fill(&canvas, x1 - t, y0, x1 - t, y1, color)
            }
            let text = "\(detection.label) \(Int((detection.score * 100).rounded()))%"
            let textHeight = (BitmapFont.height + 2) * scale
            let top = y0 - textHeight >= 0 ? y0 - textHeight : y0
            fill(&canvas, x0, top, x0 + text.count * (BitmapFont.width + 1) * scale + scale, top + textHeight - 1, color)
            for (i, character) in text.enumerated() {
                for gy in 0..<BitmapFont.height {
                    for gx in 0..<BitmapFont.width where BitmapFont.isSet(character, x: gx, y: gy) {
                        let px = x0 + scale + (i * (BitmapFont.width + 1) + gx) * scale, py = top + scale + gy * scale
                        fill(&canvas, px, py, px + scale - 1, py + scale - 1, (255, 255, 255))
                    }
                }
            }
        }
        return canvas
    }

    /// Fills the rectangle [x0, x1] × [y0, y1], clipped to the image.
    static func fill(_ image: inout RGBImage, _ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ color: (UInt8, UInt8, UInt8)) {
        let xa = max(0, x0), xb = min(image.width - 1, x1), ya = max(0, y0), yb = min(image.height - 1, y1)
        guard xa <= xb, ya <= yb else { return }
        let width = image.width
        image.pixels.withUnsafeMutableBufferPointer { p in
            for y in ya...yb {
                for x in xa...xb {
                    let o = (y * width + x) * 3
                    p[o] = color.0
                    p[o + 1] = color.1
                    p[o + 2] = color.2
                }
            }
        }
    }
}
