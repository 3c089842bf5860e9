/// An image as a request carries it: encoded bytes (JPEG/PNG), a raw frame a client has
/// already decoded, or a tensor a client has already laid out.
public enum ImageInput: Sendable {
    case encoded([UInt8])
    case raw(RawFrame)
    case tensor(TensorImage)

    /// Raw frame layouts.
    public enum PixelFormat: String, Sendable, CaseIterable {
        /// 3 bytes per pixel, R G B.
        case rgb24
        /// 3 bytes per pixel, B G R (OpenCV's order).
        case bgr24
        /// A full-size Y plane followed by an interleaved half-size UV plane (BT.601, limited range).
        case nv12
    }

    public struct RawFrame: Sendable {
        public var format: PixelFormat
        public var width: Int
        public var height: Int
        public var bytes: [UInt8]

        public init(format: PixelFormat, width: Int, height: Int, bytes: [UInt8]) {
            self.format = format
            self.width = width
            self.height = height
            self.bytes = bytes
        }
    }

    /// The bytes' size, for limits.
    var byteCount: Int {
        switch self {
        case .encoded(let bytes): bytes.count
        case .raw(let frame): frame.bytes.count
        case .tensor(let tensor): tensor.bytes.count
        }
    }
}
