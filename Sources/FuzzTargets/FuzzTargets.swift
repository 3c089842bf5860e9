import HailoRT
import InferenceHTTP
import InferenceVision
import InferenceZMQ

/// A parser of untrusted input under fuzzing: its harness takes one input of bytes and traps
/// when the parser traps or answers malformed input with anything but a client error. The
/// libFuzzer entry (`Fuzz/Entry`, `scripts/fuzz.sh`) and the regression tests
/// (`Tests/FuzzRegressions/<name>/`) call the same harness.
package struct FuzzTarget: Sendable {
    package var name: String
    /// The largest input libFuzzer makes (`-max_len`).
    package var maxLength: Int
    /// The token lists of `Fuzz/Dictionaries/` (`<name>.dict`) libFuzzer gets, merged.
    package var dictionaries: [String] = []
    package var run: @Sendable ([UInt8]) -> Void
}

package enum FuzzTargets {
    package static let all: [FuzzTarget] = [
        FuzzTarget(name: "multipart", maxLength: 16 << 10, dictionaries: ["multipart"], run: HTTPFuzzing.multipart),
        FuzzTarget(name: "kserve-json", maxLength: 16 << 10, dictionaries: ["json", "kserve"], run: HTTPFuzzing.kserveJSON),
        FuzzTarget(name: "kserve-binary", maxLength: 16 << 10, dictionaries: ["json", "kserve"], run: HTTPFuzzing.kserveBinary),
        FuzzTarget(name: "base64", maxLength: 4 << 10, run: HTTPFuzzing.base64),
        FuzzTarget(name: "inference-json", maxLength: 8 << 10, dictionaries: ["json", "inference-json"], run: HTTPFuzzing.inferenceJSON),
        FuzzTarget(name: "doods", maxLength: 8 << 10, dictionaries: ["json", "doods"], run: HTTPFuzzing.doods),
        FuzzTarget(name: "image", maxLength: 64 << 10, dictionaries: ["image"], run: VisionFuzzing.image),
        FuzzTarget(name: "frigate-zmq", maxLength: 16 << 10, dictionaries: ["json", "frigate-zmq"], run: ZMQFuzzing.frigate),
        FuzzTarget(name: "hef-file", maxLength: 4 << 10, dictionaries: ["hef-file"], run: HailoFuzzing.hefFile),
    ]

    package static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}
