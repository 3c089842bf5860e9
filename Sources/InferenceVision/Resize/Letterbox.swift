/// Fits an image into a model input: a `width`×`height` RGB canvas padded with 114.
public enum Letterbox {
    public static let padValue: UInt8 = 114

    /// The canvas (interleaved RGB, `inputWidth * inputHeight * 3` bytes).
    public static func apply(_ image: RGBImage, geometry: LetterboxGeometry) -> [UInt8] {
        let stride = geometry.inputWidth * 3
        var canvas = [UInt8](repeating: padValue, count: stride * geometry.inputHeight)
        canvas.withUnsafeMutableBufferPointer { out in
            BilinearResizer.resize(
                image, width: geometry.contentWidth, height: geometry.contentHeight,
                into: out.baseAddress!, stride: stride, x: geometry.padX, y: geometry.padY)
        }
        return canvas
    }
}
