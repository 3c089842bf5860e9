import Testing

@testable import InferenceCore

@Suite("Binding request tensors to a model's signature", .timeLimit(.minutes(1)))
struct TensorBinderTests {
    let detector = ModelSignature(
        inputs: [TensorSpec(name: "images", dtype: .float32, shape: [-1, 3, -1, -1])],
        outputs: [TensorSpec(name: "output0", dtype: .float32, shape: [-1, 22, -1])],
        defaultInputShapes: ["images": [1, 3, 320, 320]])
    let pair = ModelSignature(
        inputs: [TensorSpec(name: "a", dtype: .float32, shape: [-1, 4]), TensorSpec(name: "b", dtype: .int64, shape: [2])],
        outputs: [TensorSpec(name: "sum", dtype: .float32, shape: [-1, 4])])

    func bytes(_ count: Int) -> [UInt8] { [UInt8](repeating: 0, count: count) }

    @Test("an unnamed input takes the default shape, the batch comes from the byte count")
    func defaultShape() throws {
        let one = try TensorBinder.bind([InputTensor(data: bytes(3 * 320 * 320 * 4))], to: detector)
        #expect(one == [Tensor(name: "images", dtype: .float32, shape: [1, 3, 320, 320], data: bytes(3 * 320 * 320 * 4))])
        let two = try TensorBinder.bind([InputTensor(data: bytes(2 * 3 * 320 * 320 * 4))], to: detector)
        #expect(two[0].shape == [2, 3, 320, 320])
    }

    @Test("an explicit shape wins over the default and is checked against the model")
    func explicitShape() throws {
        let bound = try TensorBinder.bind([InputTensor(shape: [1, 3, 64, 96], data: bytes(3 * 64 * 96 * 4))], to: detector)
        #expect(bound[0].shape == [1, 3, 64, 96])
        #expect { try TensorBinder.bind([InputTensor(shape: [1, 4, 64, 64], data: bytes(4 * 64 * 64 * 4))], to: detector) } throws: {
            ($0 as! InferenceError).code == .shapeMismatch
        }
        #expect { try TensorBinder.bind([InputTensor(shape: [1, 3, 64], data: bytes(3 * 64 * 4))], to: detector) } throws: {
            ($0 as! InferenceError).code == .shapeMismatch
        }
    }

    @Test(
        "a byte count that does not fit is a shape mismatch that never reaches a runtime",
        arguments: [0, 1, 3 * 320 * 320 * 4 - 4, 3 * 320 * 320 * 4 + 1])
    func wrongSize(count: Int) {
        #expect { try TensorBinder.bind([InputTensor(data: bytes(count))], to: detector) } throws: {
            ($0 as! InferenceError).code == .shapeMismatch && ($0 as! InferenceError).kind == .unprocessable
        }
    }

    @Test("a dtype other than the model's is refused")
    func dtype() {
        #expect { try TensorBinder.bind([InputTensor(dtype: .uint8, data: bytes(3 * 320 * 320))], to: detector) } throws: {
            ($0 as! InferenceError).code == .dtypeMismatch
        }
    }

    @Test("several dynamic dimensions without defaults need a shape")
    func ambiguous() {
        var signature = detector
        signature.defaultInputShapes = [:]
        #expect { try TensorBinder.bind([InputTensor(data: bytes(3 * 320 * 320 * 4))], to: signature) } throws: {
            ($0 as! InferenceError).message.contains("give its 'shape'")
        }
    }

    @Test("multi-input models: names required, unknown and missing inputs refused")
    func multiInput() throws {
        let bound = try TensorBinder.bind(
            [
                InputTensor(name: "b", data: bytes(16)), InputTensor(name: "a", data: bytes(2 * 16)),
            ], to: pair)
        #expect(bound.map(\.name) == ["a", "b"])
        #expect(bound[0].shape == [2, 4])
        #expect { try TensorBinder.bind([InputTensor(data: bytes(16))], to: pair) } throws: {
            ($0 as! InferenceError).kind == .invalidRequest
        }
        #expect { try TensorBinder.bind([InputTensor(name: "a", data: bytes(16))], to: pair) } throws: {
            ($0 as! InferenceError).code == .missingInput
        }
        #expect { try TensorBinder.bind([InputTensor(name: "c", data: bytes(16))], to: pair) } throws: {
            ($0 as! InferenceError).code == .unknownTensor
        }
        #expect { try TensorBinder.checkOutputs(["nope"], of: pair) } throws: { ($0 as! InferenceError).code == .unknownTensor }
    }

    @Test("dtype names: numpy, short and KServe spellings")
    func dtypeNames() {
        #expect(ElementType(name: "float32") == .float32)
        #expect(ElementType(name: "FP32") == .float32)
        #expect(ElementType(name: "UINT8") == .uint8)
        #expect(ElementType(name: "half") == .float16)
        #expect(ElementType(name: "float99") == nil)
    }
}

@Suite("Shapes whose size overflows are refused, not trapped on", .timeLimit(.minutes(1)))
struct TensorBinderOverflowTests {
    let detector = ModelSignature(
        inputs: [TensorSpec(name: "images", dtype: .float32, shape: [-1, 3, -1, -1])],
        outputs: [TensorSpec(name: "output0", dtype: .float32, shape: [-1, 22, -1])])

    @Test(
        "a given shape whose byte size overflows is 400 out_of_range",
        arguments: [
            [1, 3, 3037000500, 3037000500], [1, 3, 1073741824, 1073741824], [Int.max, 3, 1, 1],
        ])
    func givenShape(shape: [Int]) {
        #expect { try TensorBinder.bind([InputTensor(shape: shape, data: [0, 0, 0, 0])], to: detector) } throws: { error in
            let error = error as! InferenceError
            return error.kind == .invalidRequest && error.code == .outOfRange
        }
    }

    @Test("default shapes whose byte size overflows are refused when the batch is inferred")
    func inferredShape() {
        let huge = ModelSignature(
            inputs: detector.inputs, outputs: detector.outputs, defaultInputShapes: ["images": [1, 3, 3037000500, 3037000500]])
        #expect { try TensorBinder.bind([InputTensor(data: [0, 0, 0, 0])], to: huge) } throws: {
            ($0 as! InferenceError).code == .outOfRange
        }
    }
}
