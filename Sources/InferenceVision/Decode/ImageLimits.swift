import InferenceCore
/// Limits checked before any pixel is decoded: the size of the encoded bytes, and the pixel
/// count read from the header.
public struct ImageLimits: Sendable, Equatable {
    /// Largest encoded image, in bytes.
    public var maxBytes: Int
    /// Largest width × height.
    public var maxPixels: Int
    /// Largest width or height.
    public var maxDimension: Int

    public init(maxBytes: Int = 32 << 20, maxPixels: Int = 40_000_000, maxDimension: Int = 16_384) {
        self.maxBytes = maxBytes
        self.maxPixels = maxPixels
        self.maxDimension = maxDimension
    }

    func check(bytes: Int) throws(InferenceError) {
        guard bytes > 0 else { throw .invalidImage("the image is empty") }
        guard bytes <= maxBytes else {
            throw .imageTooLarge("the image is \(bytes) bytes; the limit is \(maxBytes)")
        }
    }

    func check(width: Int, height: Int) throws(InferenceError) {
        guard width > 0, height > 0 else { throw .invalidImage("the image header gives a size of \(width)x\(height)") }
        guard width <= maxDimension, height <= maxDimension, width * height <= maxPixels else {
            throw .imageTooLarge("the image is \(width)x\(height) pixels; the limit is \(maxPixels) pixels and \(maxDimension) per side")
        }
    }
}
