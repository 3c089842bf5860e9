import CTurboJPEG
public import InferenceCore

/// Encodes RGB images as baseline JPEG (4:2:0) with TurboJPEG. Blocking.
public enum JPEGEncoder {
    public static func encode(_ image: RGBImage, quality: Int = 85) throws(InferenceError) -> [UInt8] {
        let handle = try TurboJPEGHandle(compress: ())
        var buffer: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            tjCompress2(
                handle.raw, pixels.baseAddress, Int32(image.width), 0, Int32(image.height), Int32(TJPF_RGB.rawValue),
                &buffer, &size, Int32(TJSAMP_420.rawValue), Int32(quality), 0)
        }
        defer { if let buffer { tjFree(buffer) } }
        guard status == 0, let buffer else {
            throw InferenceError(.internal, .internalError, "JPEG encoding failed: \(handle.lastError)")
        }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
    }
}
