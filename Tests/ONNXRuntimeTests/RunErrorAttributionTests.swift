import InferenceCore
import ONNXRuntime
import Testing

@testable import ONNXBackend

/// Which of ONNX Runtime's run failures are put down to the client's input (422) and which stay
/// the service's own (500).
@Suite("Run errors on inputs of free sizes", .timeLimit(.minutes(1)))
struct RunErrorAttributionTests {
    static func failure(_ code: ORTError.Code) -> ORTError {
        ORTError(code: code, message: "Concat: dimensions must match", operation: "Run")
    }

    static func signature(_ shape: [Int]) -> ModelSignature {
        ModelSignature(inputs: [TensorSpec(name: "images", dtype: .float32, shape: shape)], outputs: [])
    }

    static let tiny = [Tensor(name: "images", dtype: .float32, shape: [1, 3, 2, 2], data: [UInt8](repeating: 0, count: 48))]

    @Test("a graph failure on free height and width is 422 shape_mismatch naming the input and its shape")
    func freeSizes() {
        for code in [ORTError.Code.fail, .runtimeException] {
            let error = Self.signature([1, 3, -1, -1]).runError(Self.failure(code), Self.tiny)
            #expect(error.kind == .unprocessable && error.code == .shapeMismatch)
            #expect(error.message.contains("'images'") && error.message.contains("[1, 3, 2, 2]") && error.message.contains("2, 3"))
        }
    }

    @Test("the runtime's argument checks refuse the input: 422 inference_failed")
    func invalidArgument() {
        let error = Self.signature([1, 3, -1, -1]).runError(Self.failure(.invalidArgument), Self.tiny)
        #expect(error.kind == .unprocessable && error.code == .inferenceFailed)
    }

    @Test(
        "fixed sizes, a free batch only, and other runtime codes stay the service's failure: 500",
        arguments: [
            (signature([1, 3, 2, 2]), failure(.fail)),
            (signature([-1, 3, 2, 2]), failure(.runtimeException)),
            (signature([1, 3, -1, -1]), failure(.engineError)),
        ])
    func serviceFailure(signature: ModelSignature, failure: ORTError) {
        let error = signature.runError(failure, Self.tiny)
        #expect(error.kind == .internal && error.code == .inferenceFailed && error.message == "ONNX Runtime: \(failure.message)")
    }
}
