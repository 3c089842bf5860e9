public import InferenceCore
import NIOCore
import NIOPosix

/// The threads that decode, letterbox, post-process and draw: blocking C calls and tight loops
/// that must not occupy Swift's cooperative pool.
public final class VisionPipeline: Sendable {
    let pool: NIOThreadPool

    /// One pipeline for the process, one thread per core; never shut down.
    public static let shared = VisionPipeline(threads: System.coreCount)

    public init(threads: Int) {
        pool = NIOThreadPool(numberOfThreads: max(1, threads))
        pool.start()
    }

    public func shutdown() async throws {
        try await pool.shutdownGracefully()
    }

    /// Runs `body` on a pipeline thread.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws(InferenceError) -> T) async throws(InferenceError) -> T {
        do {
            return try await pool.runIfActive { try body() }
        } catch let error as InferenceError {
            throw error
        } catch is CancellationError {
            // The request was given up (its client went away) before a thread took the work.
            throw InferenceError(.unavailable, .cancelled, "the request was cancelled before its image was processed")
        } catch {
            throw InferenceError(.unavailable, .internalError, "the image pipeline is not running: \(error)", cause: error)
        }
    }

    /// Decodes and letterboxes an image into the plan's input tensor.
    public func prepare(_ input: ImageInput, plan: InputPlan, limits: ImageLimits) async throws(InferenceError) -> PreparedImage {
        try await run { () throws(InferenceError) -> PreparedImage in try Self.prepareNow(input, plan: plan, limits: limits) }
    }

    /// `prepare` on the calling thread (for benchmarks and tools; blocking).
    public static func prepareNow(_ input: ImageInput, plan: InputPlan, limits: ImageLimits) throws(InferenceError) -> PreparedImage {
        let start = ContinuousClock.now
        func fit(_ width: Int, _ height: Int) -> LetterboxGeometry {
            LetterboxGeometry(imageWidth: width, imageHeight: height, inputWidth: plan.width, inputHeight: plan.height, mode: plan.resize)
        }
        let (image, width, height) = try ImageDecoder.decode(input, limits: limits) { fit($0, $1).coverScale }
        let geometry = fit(width, height)
        let decoded = ContinuousClock.now
        let canvas = Letterbox.apply(image, geometry: geometry)
        let tensor = TensorWriter.tensor(canvas, plan: plan)
        return PreparedImage(tensor: tensor, geometry: geometry, decodeTime: decoded - start, preprocessTime: .now - decoded)
    }
}

/// An image turned into a model input.
public struct PreparedImage: Sendable {
    public var tensor: Tensor
    public var geometry: LetterboxGeometry
    public var decodeTime: Duration
    public var preprocessTime: Duration
}

extension VisionPipeline {
    /// The image, decoded at full size, with `detections` drawn on it, as JPEG.
    public func annotate(_ input: ImageInput, detections: [Detection], limits: ImageLimits) async throws(InferenceError) -> [UInt8] {
        try await run { () throws(InferenceError) -> [UInt8] in
            try JPEGEncoder.encode(Annotator.draw(detections, on: try ImageDecoder.decode(input, limits: limits)))
        }
    }
}
