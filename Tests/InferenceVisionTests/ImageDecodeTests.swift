import Foundation
import InferenceCore
@testable import InferenceVision
import TestSupport
import Testing

@Suite("Image decoding and limits", .timeLimit(.minutes(1)))
struct ImageDecodeTests {
    /// A `width`×`height` JPEG: left half red, right half blue.
    static func jpeg(width: Int = 64, height: Int = 32) throws -> [UInt8] {
        var image = RGBImage(width: width, height: height, fill: (0, 0, 255))
        Annotator.fill(&image, 0, 0, width / 2 - 1, height - 1, (255, 0, 0))
        return try JPEGEncoder.encode(image, quality: 95)
    }

    /// Inserts an `Exif` APP1 segment with the given orientation right after SOI.
    static func withOrientation(_ jpeg: [UInt8], _ orientation: UInt8) -> [UInt8] {
        let tiff: [UInt8] = [0x4D, 0x4D, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0, 0, 0]
        let payload = Array("Exif".utf8) + [0, 0] + tiff
        let length = payload.count + 2
        return [0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload + jpeg.dropFirst(2)
    }

    static func pixel(_ image: RGBImage, _ x: Int, _ y: Int) -> (Int, Int, Int) {
        let o = (y * image.width + x) * 3
        return (Int(image.pixels[o]), Int(image.pixels[o + 1]), Int(image.pixels[o + 2]))
    }

    @Test("JPEG round trip keeps size and colours")
    func jpegRoundTrip() throws {
        let image = try ImageDecoder.decode(.encoded(try Self.jpeg()), limits: .init())
        #expect(image.width == 64 && image.height == 32)
        let left = Self.pixel(image, 8, 16), right = Self.pixel(image, 56, 16)
        #expect(left.0 > 200 && left.2 < 60)
        #expect(right.2 > 200 && right.0 < 60)
    }

    @Test(
        "DCT scaling decodes at the smallest of 1/8, 1/4, 1/2, 1 that covers the input",
        arguments: [
            (1.0, 64), (0.6, 64), (0.5, 32), (0.3, 32), (0.25, 16), (0.1, 8),
        ])
    func dctScaling(scale: Double, width: Int) throws {
        let image = try ImageDecoder.decode(.encoded(try Self.jpeg()), limits: .init(), minimumScale: scale)
        #expect(image.width == width)
    }

    @Test("EXIF orientation 6 turns the image a quarter clockwise, 3 half a turn")
    func exifOrientation() throws {
        let rotated = try ImageDecoder.decode(.encoded(Self.withOrientation(try Self.jpeg(), 6)), limits: .init())
        #expect(rotated.width == 32 && rotated.height == 64)
        // Red (the left half) ends up on top after a clockwise quarter turn.
        #expect(Self.pixel(rotated, 16, 8).0 > 200 && Self.pixel(rotated, 16, 56).2 > 200)
        let size = try ImageDecoder.size(.encoded(Self.withOrientation(try Self.jpeg(), 6)))
        #expect(size.width == 32 && size.height == 64)
        let upsideDown = try ImageDecoder.decode(.encoded(Self.withOrientation(try Self.jpeg(), 3)), limits: .init())
        #expect(Self.pixel(upsideDown, 8, 16).2 > 200 && Self.pixel(upsideDown, 56, 16).0 > 200)
    }

    @Test("PNG with alpha decodes to RGB")
    func pngAlpha() throws {
        let image = try ImageDecoder.decode(.encoded(try TestEnvironment.image("astronaut-alpha.png")), limits: .init())
        #expect(image.width == 512 && image.height == 512)
        let reference = try ImageDecoder.decode(.encoded(try TestEnvironment.image("astronaut.png")), limits: .init())
        #expect(image.pixels == reference.pixels)
    }

    @Test("a 60000×60000 header is refused before decoding")
    func hugeHeader() throws {
        var jpeg = try Self.jpeg(width: 16, height: 16)
        let sof = try #require((0..<jpeg.count - 1).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        for offset in [sof + 5, sof + 7] { jpeg[offset] = 0xEA; jpeg[offset + 1] = 0x60 }  // 60000
        let error = #expect(throws: InferenceError.self) { try ImageDecoder.decode(.encoded(jpeg), limits: .init()) }
        #expect(error?.code == .imageTooLarge)
    }

    @Test("truncated, garbage and empty inputs are refused with their codes")
    func badInputs() throws {
        let jpeg = try Self.jpeg()
        let truncated = #expect(throws: InferenceError.self) {
            try ImageDecoder.decode(.encoded(Array(jpeg.prefix(jpeg.count / 2))), limits: .init())
        }
        #expect(truncated?.code == .invalidImage)
        let png = try TestEnvironment.image("coffee.png")
        let truncatedPNG = #expect(throws: InferenceError.self) {
            try ImageDecoder.decode(.encoded(Array(png.prefix(5000))), limits: .init())
        }
        #expect(truncatedPNG?.code == .invalidImage)
        let gif = #expect(throws: InferenceError.self) { try ImageDecoder.decode(.encoded(Array("GIF89a....".utf8)), limits: .init()) }
        #expect(gif?.code == .unsupportedImageFormat)
        let empty = #expect(throws: InferenceError.self) { try ImageDecoder.decode(.encoded([]), limits: .init()) }
        #expect(empty?.code == .invalidImage)
        let big = #expect(throws: InferenceError.self) { try ImageDecoder.decode(.encoded(jpeg), limits: .init(maxBytes: 100)) }
        #expect(big?.code == .imageTooLarge)
    }

    @Test("raw frames: bgr24 is swapped, nv12 grey stays grey, wrong sizes are refused")
    func rawFrames() throws {
        let bgr = try ImageDecoder.decode(.raw(.init(format: .bgr24, width: 2, height: 1, bytes: [1, 2, 3, 4, 5, 6])), limits: .init())
        #expect(bgr.pixels == [3, 2, 1, 6, 5, 4])
        let grey = try ImageDecoder.decode(
            .raw(.init(format: .nv12, width: 4, height: 2, bytes: [UInt8](repeating: 126, count: 8) + [128, 128, 128, 128])),
            limits: .init())
        #expect(grey.pixels.allSatisfy { abs(Int($0) - 128) <= 1 })
        #expect(throws: InferenceError.self) {
            try ImageDecoder.decode(.raw(.init(format: .rgb24, width: 4, height: 4, bytes: [0, 0, 0])), limits: .init())
        }
    }
}
