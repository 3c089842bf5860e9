/// The EXIF orientation of a JPEG (tag 0x0112 in IFD0 of the `Exif` APP1 segment), 1…8.
/// Reads only the segments before the image data; anything malformed counts as 1 (as shot).
enum EXIFOrientation {
    static func read(_ jpeg: UnsafeRawBufferPointer) -> Int {
        var offset = 2
        while offset + 4 <= jpeg.count, jpeg[offset] == 0xFF {
            let marker = jpeg[offset + 1]
            if marker == 0xDA || marker == 0xD9 { break }  // start of scan / end of image
            let length = Int(jpeg[offset + 2]) << 8 | Int(jpeg[offset + 3])
            guard length >= 2, offset + 2 + length <= jpeg.count else { break }
            if marker == 0xE1, length >= 16,
                jpeg[offset + 4..<offset + 10].elementsEqual([0x45, 0x78, 0x69, 0x66, 0, 0])
            {
                return tiffOrientation(UnsafeRawBufferPointer(rebasing: jpeg[offset + 10..<offset + 2 + length]))
            }
            offset += 2 + length
        }
        return 1
    }

    /// The orientation entry of a TIFF header's first IFD.
    static func tiffOrientation(_ tiff: UnsafeRawBufferPointer) -> Int {
        guard tiff.count >= 8 else { return 1 }
        let little: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return 1
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            return little ? Int(tiff[at]) | Int(tiff[at + 1]) << 8 : Int(tiff[at]) << 8 | Int(tiff[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let a = u16(at), let b = u16(at + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return 1 }
        for entry in 0..<min(count, 512) {
            let at = ifd + 2 + entry * 12
            guard let tag = u16(at) else { return 1 }
            if tag == 0x0112, let type = u16(at + 2), type == 3, let value = u16(at + 8) {
                return (1...8).contains(value) ? value : 1
            }
        }
        return 1
    }
}
