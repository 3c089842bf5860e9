import InferenceCore
@testable import InferenceVision
import Testing

@Suite("Tensor images: Frigate's frames as RGB", .timeLimit(.minutes(1)))
struct TensorImageTests {
    /// A 2×1 image: red, then blue.
    static let pixels: [UInt8] = [255, 0, 0, 0, 0, 255]

    static func bytes(_ floats: [Float]) -> [UInt8] {
        floats.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }

    @Test("HWC and CHW, uint8 and float32 (0...1 and 0...255) give the same pixels")
    func layouts() throws {
        let planar: [UInt8] = [255, 0, 0, 0, 0, 255]  // R plane, G plane, B plane
        let cases: [TensorImage] = [
            TensorImage(layout: .hwc, scalar: .uint8, width: 2, height: 1, bytes: Self.pixels),
            TensorImage(layout: .chw, scalar: .uint8, width: 2, height: 1, bytes: planar),
            TensorImage(layout: .hwc, scalar: .float32, width: 2, height: 1, bytes: Self.bytes(Self.pixels.map { Float($0) / 255 })),
            TensorImage(layout: .chw, scalar: .float32, width: 2, height: 1, bytes: Self.bytes(planar.map { Float($0) })),
        ]
        for tensor in cases {
            let image = try ImageDecoder.decode(.tensor(tensor), limits: .init())
            #expect(image.width == 2 && image.height == 1 && image.pixels == Self.pixels, "\(tensor.layout) \(tensor.scalar)")
        }
    }

    @Test("a byte count that does not fit is refused")
    func wrongCount() {
        #expect(throws: InferenceError.self) {
            try ImageDecoder.decode(
                .tensor(TensorImage(layout: .hwc, scalar: .float32, width: 2, height: 1, bytes: Self.pixels)), limits: .init())
        }
    }
}
