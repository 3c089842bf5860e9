import CSPNG
import InferenceCore

/// PNG decoding with libspng: header first (size limits), then RGBA8 with transparency applied,
/// reduced to RGB (alpha is dropped, as `Image.convert("RGB")` does). Blocking: call it from a
/// thread pool.
enum PNGDecoder {
    static func decode(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits) throws(InferenceError) -> RGBImage {
        guard let ctx = spng_ctx_new(0) else { throw InferenceError(.internal, .internalError, "spng_ctx_new failed") }
        defer { spng_ctx_free(ctx) }
        let side = UInt32(clamping: limits.maxDimension)
        spng_set_image_limits(ctx, side, side)
        spng_set_chunk_limits(ctx, limits.maxBytes, limits.maxBytes)
        try check(spng_set_png_buffer(ctx, bytes.baseAddress, bytes.count), "the PNG cannot be read")
        var ihdr = spng_ihdr()
        try check(spng_get_ihdr(ctx, &ihdr), "the PNG header cannot be read")
        let width = Int(ihdr.width), height = Int(ihdr.height)
        try limits.check(width: width, height: height)
        let format = Int32(SPNG_FMT_RGBA8.rawValue)
        var length = 0
        try check(spng_decoded_image_size(ctx, format, &length), "the PNG cannot be decoded")
        guard length == width * height * 4 else { throw .invalidImage("the PNG's decoded size is inconsistent") }
        var rgba = [UInt8](repeating: 0, count: length)
        let status = rgba.withUnsafeMutableBytes {
            spng_decode_image(ctx, $0.baseAddress, length, format, Int32(SPNG_DECODE_TRNS.rawValue))
        }
        try check(status, "the PNG is corrupt or truncated")
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        rgba.withUnsafeBufferPointer { src in
            rgb.withUnsafeMutableBufferPointer { dst in
                for i in 0..<(width * height) {
                    dst[i * 3] = src[i * 4]
                    dst[i * 3 + 1] = src[i * 4 + 1]
                    dst[i * 3 + 2] = src[i * 4 + 2]
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: rgb)
    }

    private static func check(_ status: Int32, _ what: String) throws(InferenceError) {
        guard status != 0 else { return }
        let reason = String(cString: spng_strerror(status))
        // Over the configured limits is 413; a width or height of 0 (an empty image) or past what
        // PNG allows is a broken file, 400.
        if status == Int32(SPNG_EUSER_WIDTH.rawValue) || status == Int32(SPNG_EUSER_HEIGHT.rawValue) {
            throw .imageTooLarge("\(what): \(reason)")
        }
        throw .invalidImage("\(what): \(reason)")
    }
}
