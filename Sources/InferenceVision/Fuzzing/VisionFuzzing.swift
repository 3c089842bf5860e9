import InferenceCore

/// The fuzz harness of the image decoders (`FuzzTargets`): encoded bytes as a request brings
/// them, decoded the ways the service decodes them, with the default limits.
package enum VisionFuzzing {
    /// JPEG or PNG bytes (anything else is refused by sniffing): the size read from the header,
    /// a decode scaled for a 320×320 model, and a full decode.
    package static func image(_ data: [UInt8]) {
        let input = ImageInput.encoded(data)
        let limits = ImageLimits()
        FuzzOracle.expectClientError { _ = try ImageDecoder.size(input) }
        FuzzOracle.expectClientError {
            _ = try ImageDecoder.decode(input, limits: limits) { width, height in 320 / Double(max(width, height, 1)) }
        }
        FuzzOracle.expectClientError { _ = try ImageDecoder.decode(input, limits: limits) }
    }
}
