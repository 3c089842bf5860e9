import CTurboJPEG
import InferenceCore

/// JPEG decoding with libjpeg-turbo's TurboJPEG API. Reads the header first (size limits, no
/// allocation for the pixels yet), decodes with DCT-domain scaling to the smallest of 1/8, 1/4,
/// 1/2 and 1 that still covers `minimumScale` of the image (the fast, SIMD-backed factors), and
/// honours the EXIF orientation. Blocking: call it from a thread pool.
enum JPEGDecoder {
    /// The pixel size of a JPEG, as its header says (after EXIF orientation).
    static func size(_ bytes: UnsafeRawBufferPointer) throws(InferenceError) -> (width: Int, height: Int) {
        let handle = try TurboJPEGHandle(decompress: ())
        let header = try handle.header(bytes)
        return Orientation.swapsAxes(EXIFOrientation.read(bytes)) ? (header.height, header.width) : (header.width, header.height)
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits, minimumScale: Double = 1) throws(InferenceError) -> RGBImage {
        try decode(bytes, limits: limits) { _, _ in minimumScale }.image
    }

    /// Reads the header once, asks `scaleFor` (given the upright size) how much of the image is
    /// needed, decodes; returns the image and its full upright size.
    static func decode(
        _ bytes: UnsafeRawBufferPointer, limits: ImageLimits,
        scaleFor: (Int, Int) -> Double
    ) throws(InferenceError) -> (image: RGBImage, width: Int, height: Int) {
        let handle = try TurboJPEGHandle(decompress: ())
        let header = try handle.header(bytes)
        try limits.check(width: header.width, height: header.height)
        let orientation = EXIFOrientation.read(bytes)
        let swaps = Orientation.swapsAxes(orientation)
        let (uprightWidth, uprightHeight) = swaps ? (header.height, header.width) : (header.width, header.height)
        let minimumScale = scaleFor(uprightWidth, uprightHeight)
        let denominator = 8
        var numerator = 8
        for candidate in [1, 2, 4] where Double(candidate) / Double(denominator) >= minimumScale {
            numerator = candidate
            break
        }
        let width = (header.width * numerator + denominator - 1) / denominator
        let height = (header.height * numerator + denominator - 1) / denominator
        // CMYK and YCCK JPEGs (print workflows) decode to CMYK, which TurboJPEG cannot turn into RGB.
        let cmyk = header.colorspace == Int32(TJCS_CMYK.rawValue) || header.colorspace == Int32(TJCS_YCCK.rawValue)
        let channels = cmyk ? 4 : 3
        var status: Int32 = 0
        // Every byte is written by the decoder (or the image is refused), so no zero-fill.
        var pixels = [UInt8](unsafeUninitializedCapacity: width * height * channels) { out, count in
            status = tjDecompress2(
                handle.raw, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt(bytes.count),
                out.baseAddress, Int32(width), 0, Int32(height),
                Int32(cmyk ? TJPF_CMYK.rawValue : TJPF_RGB.rawValue), TJFLAG_FASTDCT | TJFLAG_LIMITSCANS)
            count = status == 0 ? width * height * channels : 0
        }
        guard status == 0 else {
            throw .invalidImage("the JPEG is corrupt or truncated: \(handle.lastError)")
        }
        if cmyk { pixels = Self.rgb(fromInvertedCMYK: pixels) }
        return (Orientation.apply(orientation, to: RGBImage(width: width, height: height, pixels: pixels)), uprightWidth, uprightHeight)
    }

    /// RGB from CMYK as Adobe's applications store it in JPEGs (inverted: 255 is no ink), which
    /// is how nearly every CMYK JPEG is written: R = C·K / 255, and likewise for G and B.
    static func rgb(fromInvertedCMYK cmyk: [UInt8]) -> [UInt8] {
        let pixels = cmyk.count / 4
        return [UInt8](unsafeUninitializedCapacity: pixels * 3) { out, count in
            cmyk.withUnsafeBufferPointer { src in
                for p in 0..<pixels {
                    let k = UInt32(src[p * 4 + 3])
                    for c in 0..<3 { out[p * 3 + c] = UInt8((UInt32(src[p * 4 + c]) * k + 127) / 255) }
                }
            }
            count = pixels * 3
        }
    }
}

/// A TurboJPEG instance, freed when dropped. Used by one thread at a time.
final class TurboJPEGHandle {
    let raw: tjhandle

    init(decompress: ()) throws(InferenceError) {
        guard let handle = tjInitDecompress() else { throw InferenceError(.internal, .internalError, "tjInitDecompress failed") }
        raw = handle
    }

    init(compress: ()) throws(InferenceError) {
        guard let handle = tjInitCompress() else { throw InferenceError(.internal, .internalError, "tjInitCompress failed") }
        raw = handle
    }

    deinit { tjDestroy(raw) }

    var lastError: String { String(cString: tjGetErrorStr2(raw)) }

    func header(_ bytes: UnsafeRawBufferPointer) throws(InferenceError) -> (width: Int, height: Int, colorspace: Int32) {
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let status = tjDecompressHeader3(
            raw, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt(bytes.count),
            &width, &height, &subsampling, &colorspace)
        guard status == 0 else { throw .invalidImage("the JPEG header cannot be read: \(lastError)") }
        return (Int(width), Int(height), colorspace)
    }
}
