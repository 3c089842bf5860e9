import InferenceCore
@testable import InferenceVision
import Testing

@Suite("Letterbox and input tensors", .timeLimit(.minutes(1)))
struct LetterboxTests {
    @Test("1920×1080 into 640×640: 640×360 content, 140 rows of padding above")
    func geometry() {
        let g = LetterboxGeometry(imageWidth: 1920, imageHeight: 1080, inputWidth: 640, inputHeight: 640, mode: .letterbox)
        #expect(g.contentWidth == 640 && g.contentHeight == 360 && g.padX == 0 && g.padY == 140)
        #expect(abs(g.coverScale - 1.0 / 3) < 1e-9)
        let box = g.toImage(Box(xMin: 320, yMin: 140, xMax: 700, yMax: 600))
        #expect(box == Box(xMin: 960, yMin: 0, xMax: 1920, yMax: 1080))
        let stretch = LetterboxGeometry(imageWidth: 100, imageHeight: 50, inputWidth: 64, inputHeight: 64, mode: .stretch)
        #expect(stretch.padX == 0 && stretch.padY == 0 && stretch.contentHeight == 64)
    }

    @Test("the canvas is padded with 114 and keeps a uniform image uniform")
    func canvas() {
        let image = RGBImage(width: 200, height: 100, fill: (10, 200, 30))
        let g = LetterboxGeometry(imageWidth: 200, imageHeight: 100, inputWidth: 64, inputHeight: 64, mode: .letterbox)
        let canvas = Letterbox.apply(image, geometry: g)
        #expect(canvas.count == 64 * 64 * 3)
        #expect(Array(canvas[0..<3]) == [114, 114, 114])
        let centre = (32 * 64 + 32) * 3
        #expect(Array(canvas[centre..<centre + 3]) == [10, 200, 30])
        #expect(Array(canvas[(63 * 64 + 63) * 3..<(63 * 64 + 63) * 3 + 3]) == [114, 114, 114])
    }

    @Test(
        "upscaling row by row gives the same pixels as the column-first order",
        arguments: [(320, 320, 640, 640), (17, 9, 64, 40), (100, 60, 101, 30), (5, 300, 64, 64), (3, 1, 640, 2)])
    func upscaleMatches(sw: Int, sh: Int, width: Int, height: Int) {
        var seed: UInt32 = 7
        let pixels = (0..<sw * sh * 3).map { _ -> UInt8 in
            seed = seed &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: seed >> 24)
        }
        let image = RGBImage(width: sw, height: sh, pixels: pixels)
        var rowsFirst = [UInt8](repeating: 0, count: width * height * 3), columnsFirst = rowsFirst
        rowsFirst.withUnsafeMutableBufferPointer {
            BilinearResizer.upscale(image, width: width, height: height, into: $0.baseAddress!, stride: width * 3, x: 0, y: 0)
        }
        columnsFirst.withUnsafeMutableBufferPointer {
            BilinearResizer.downscale(image, width: width, height: height, into: $0.baseAddress!, stride: width * 3, x: 0, y: 0)
        }
        #expect(rowsFirst == columnsFirst)
    }

    @Test("float32 NCHW scaled to 0…1, uint8 NHWC, BGR and mean/std")
    func tensors() throws {
        let canvas: [UInt8] = [255, 0, 51, 0, 255, 102]  // 2×1 pixels
        let nchw = try InputPlan(
            signature: ModelSignature(inputs: [TensorSpec(name: "x", dtype: .float32, shape: [1, 3, 1, 2])], outputs: []), options: .init())
        let floats = TensorWriter.tensor(canvas, plan: nchw).data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(floats == [1, 0, 0, 1, 0.2, 0.4])
        var options = ModelOptions()
        options.bgr = true
        options.inputDtype = "uint8"
        let nhwc = try InputPlan(
            signature: ModelSignature(inputs: [TensorSpec(name: "x", dtype: .float32, shape: [1, 1, 2, 3])], outputs: []), options: options)
        let tensor = TensorWriter.tensor(canvas, plan: nhwc)
        #expect(tensor.dtype == .uint8 && tensor.shape == [1, 1, 2, 3] && tensor.data == [51, 0, 255, 102, 255, 0])
        var normalised = ModelOptions()
        normalised.mean = [0.5]
        normalised.std = [0.5]
        let plan = try InputPlan(
            signature: ModelSignature(inputs: [TensorSpec(name: "x", dtype: .float32, shape: [1, 3, 1, 2])], outputs: []),
            options: normalised)
        let values = TensorWriter.tensor(canvas, plan: plan).data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(values[0] == 1 && values[1] == -1)
    }

    @Test("dynamic input sizes without a default are refused with advice")
    func dynamic() {
        let signature = ModelSignature(inputs: [TensorSpec(name: "images", dtype: .float32, shape: [-1, 3, -1, -1])], outputs: [])
        #expect(throws: InferenceError.self) { try InputPlan(signature: signature, options: .init()) }
    }
}
