/// An image a client sends as a tensor it has already decoded and laid out (Frigate's `zmq`
/// detector sends its motion crop this way): 3 channels in RGB order, interleaved (HWC) or
/// planar (CHW), uint8 or float32. Float values are read as 0...1 (divided by 255) when none
/// exceeds 1, else as 0...255.
public struct TensorImage: Sendable {
    public enum Layout: String, Sendable { case hwc, chw }
    public enum Scalar: String, Sendable {
        case uint8, float32

        public var size: Int { self == .uint8 ? 1 : 4 }
    }

    public var layout: Layout
    public var scalar: Scalar
    public var width: Int
    public var height: Int
    /// The elements in C order, float32 little-endian.
    public var bytes: [UInt8]

    public init(layout: Layout, scalar: Scalar, width: Int, height: Int, bytes: [UInt8]) {
        self.layout = layout
        self.scalar = scalar
        self.width = width
        self.height = height
        self.bytes = bytes
    }

    /// Bytes the stated size needs.
    public var expectedByteCount: Int { width * height * 3 * scalar.size }
}
