public import InferenceCore

/// Decodes any supported input to RGB, after checking the limits. `minimumScale` lets JPEG
/// decoding shrink in the DCT domain when the model needs fewer pixels. Blocking.
public enum ImageDecoder {
    public static func decode(_ input: ImageInput, limits: ImageLimits, minimumScale: Double = 1) throws(InferenceError) -> RGBImage {
        try limits.check(bytes: input.byteCount)
        switch input {
        case .raw(let frame):
            return try RawFrameConverter.convert(frame, limits: limits)
        case .tensor(let tensor):
            return try TensorImageConverter.convert(tensor, limits: limits)
        case .encoded(let bytes):
            return try bytes.withUnsafeBytes { raw in
                Result { () throws(InferenceError) -> RGBImage in
                    switch ImageFormat(sniffing: raw) {
                    case .jpeg: try JPEGDecoder.decode(raw, limits: limits, minimumScale: minimumScale)
                    case .png: try PNGDecoder.decode(raw, limits: limits)
                    case nil:
                        throw .unsupportedImage(
                            "the image is not a JPEG or PNG (its first bytes look like \(ImageFormat.describe(raw))); send a JPEG, a PNG or a raw rgb24/bgr24/nv12 frame"
                        )
                    }
                }
            }.get()
        }
    }

    /// Decodes for a model input: `scaleFor` gets the full upright size and says how much of it
    /// is needed (JPEG decoding shrinks in the DCT domain down to it). Returns the image and the
    /// full upright size, reading each header once.
    public static func decode(
        _ input: ImageInput, limits: ImageLimits,
        scaleFor: (Int, Int) -> Double
    ) throws(InferenceError) -> (image: RGBImage, width: Int, height: Int) {
        if case .encoded(let bytes) = input, ImageFormat(sniffing: bytes) == .jpeg {
            try limits.check(bytes: bytes.count)
            return try bytes.withUnsafeBytes { raw in
                Result { () throws(InferenceError) in try JPEGDecoder.decode(raw, limits: limits, scaleFor: scaleFor) }
            }.get()
        }
        let image = try decode(input, limits: limits)
        return (image, image.width, image.height)
    }

    /// The width and height of an input without decoding its pixels (after EXIF orientation).
    public static func size(_ input: ImageInput) throws(InferenceError) -> (width: Int, height: Int) {
        switch input {
        case .raw(let frame): return (frame.width, frame.height)
        case .tensor(let tensor): return (tensor.width, tensor.height)
        case .encoded(let bytes):
            return try bytes.withUnsafeBytes { raw in
                Result { () throws(InferenceError) -> (width: Int, height: Int) in
                    switch ImageFormat(sniffing: raw) {
                    case .jpeg: return try JPEGDecoder.size(raw)
                    case .png:
                        guard raw.count >= 24 else { throw .invalidImage("the PNG is truncated") }
                        let w = raw[16..<20].reduce(0) { $0 << 8 | Int($1) }, h = raw[20..<24].reduce(0) { $0 << 8 | Int($1) }
                        return (w, h)
                    case nil:
                        throw .unsupportedImage("the image is not a JPEG or PNG (its first bytes look like \(ImageFormat.describe(raw)))")
                    }
                }
            }.get()
        }
    }
}
