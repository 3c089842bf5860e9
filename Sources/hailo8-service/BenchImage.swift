import ArgumentParser
import Foundation
import InferenceCore
import InferenceVision

/// `hailo8-service bench image FILE`: times decode + letterbox of one image to a square uint8
/// NHWC input on one thread (the work the service does before each inference).
struct BenchImage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image", abstract: "Time decoding and letterboxing an image on one thread (see bench/).")

    @Argument(help: "A JPEG or PNG file.") var image: String
    @Option(help: "Side of the square model input.") var size = 640
    @Option(help: "Timed iterations (after 20 warm-up runs).") var iterations = 300

    func run() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: image)))
        let signature = ModelSignature(inputs: [TensorSpec(name: "input", dtype: .uint8, shape: [1, size, size, 3])], outputs: [])
        let plan = try InputPlan(signature: signature, options: .init())
        let limits = ImageLimits()
        for _ in 0..<20 { _ = try VisionPipeline.prepareNow(.encoded(bytes), plan: plan, limits: limits) }
        var times: [Double] = []
        var decode: [Double] = []
        for _ in 0..<iterations {
            let start = ContinuousClock.now
            let prepared = try VisionPipeline.prepareNow(.encoded(bytes), plan: plan, limits: limits)
            times.append((ContinuousClock.now - start).seconds * 1000)
            decode.append(prepared.decodeTime.seconds * 1000)
        }
        times.sort()
        decode.sort()
        let (w, h) = try ImageDecoder.size(.encoded(bytes))
        print(
            String(
                format: "swift  %@ %dx%d -> %d: median %.3f ms, p90 %.3f ms (decode median %.3f ms)",
                (image as NSString).lastPathComponent, w, h, size, times[times.count / 2], times[times.count * 9 / 10],
                decode[decode.count / 2]))
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
