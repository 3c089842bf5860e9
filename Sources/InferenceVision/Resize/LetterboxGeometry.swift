/// Where an image lands inside the model input, and the way back to the image's pixels.
public struct LetterboxGeometry: Sendable, Equatable {
    public var imageWidth: Int
    public var imageHeight: Int
    public var inputWidth: Int
    public var inputHeight: Int
    /// Size of the resized image inside the input.
    public var contentWidth: Int
    public var contentHeight: Int
    /// Left and top padding.
    public var padX: Int
    public var padY: Int

    public init(imageWidth: Int, imageHeight: Int, inputWidth: Int, inputHeight: Int, mode: ResizeMode) {
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.inputWidth = inputWidth
        self.inputHeight = inputHeight
        switch mode {
        case .stretch:
            contentWidth = inputWidth
            contentHeight = inputHeight
        case .letterbox:
            let ratio = min(Double(inputWidth) / Double(imageWidth), Double(inputHeight) / Double(imageHeight))
            contentWidth = max(1, min(inputWidth, Int((Double(imageWidth) * ratio).rounded())))
            contentHeight = max(1, min(inputHeight, Int((Double(imageHeight) * ratio).rounded())))
        }
        padX = (inputWidth - contentWidth) / 2
        padY = (inputHeight - contentHeight) / 2
    }

    /// The fraction of the image's pixels the input needs on the larger axis: JPEG decoding may
    /// shrink down to it.
    public var coverScale: Double {
        max(Double(contentWidth) / Double(imageWidth), Double(contentHeight) / Double(imageHeight))
    }

    /// A box in input pixels, mapped to image pixels and clamped to the image. A coordinate a
    /// model answered as NaN becomes 0, so that every box is finite and converts to whole pixels.
    public func toImage(_ box: Box) -> Box {
        let sx = Double(contentWidth) / Double(imageWidth), sy = Double(contentHeight) / Double(imageHeight)
        func clamp(_ v: Double, _ limit: Int) -> Double { v.isNaN ? 0 : min(max(v, 0), Double(limit)) }
        func x(_ v: Double) -> Double { clamp((v - Double(padX)) / sx, imageWidth) }
        func y(_ v: Double) -> Double { clamp((v - Double(padY)) / sy, imageHeight) }
        return Box(xMin: x(box.xMin), yMin: y(box.yMin), xMax: x(box.xMax), yMax: y(box.yMax))
    }
}
