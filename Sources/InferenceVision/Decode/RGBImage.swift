/// A decoded image: 8-bit RGB, interleaved, rows packed (`width * 3` bytes each).
public struct RGBImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "pixels must hold width*height*3 bytes")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A blank image of one colour.
    public init(width: Int, height: Int, fill: (UInt8, UInt8, UInt8) = (0, 0, 0)) {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in stride(from: 0, to: pixels.count, by: 3) {
            pixels[i] = fill.0
            pixels[i + 1] = fill.1
            pixels[i + 2] = fill.2
        }
        self.init(width: width, height: height, pixels: pixels)
    }
}
