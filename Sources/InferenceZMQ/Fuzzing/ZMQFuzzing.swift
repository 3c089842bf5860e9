import InferenceCore
import InferenceVision

/// The fuzz harness of Frigate's ZeroMQ messages (`FuzzTargets`).
package enum ZMQFuzzing {
    /// One message: the header frame is the bytes before the first NUL (JSON has none), the
    /// bytes after it, when there is a NUL, are the second frame. A frame request's tensor is
    /// then converted to an image, as the vision service does.
    package static func frigate(_ data: [UInt8]) {
        let frames = data.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false).map(Array.init)
        guard let request = try? FrigateRequest.parse(frames) else { return }  // a FrigateProtocolError is the error reply
        if case .inference(let tensor, _) = request {
            FuzzOracle.expectClientError { _ = try ImageDecoder.decode(.tensor(tensor), limits: ImageLimits()) }
        }
    }
}
