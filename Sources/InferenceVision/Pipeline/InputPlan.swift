public import InferenceCore

/// How an image becomes a model's input tensor: which input, its size, layout, element type and
/// normalisation, from the signature and the load options.
public struct InputPlan: Sendable, Equatable {
    public enum Layout: String, Sendable { case nchw, nhwc }

    public var inputName: String
    public var width: Int
    public var height: Int
    public var layout: Layout
    public var dtype: ElementType
    public var mean: [Float]
    public var std: [Float]
    public var bgr: Bool
    public var resize: ResizeMode

    public var shape: [Int] { layout == .nchw ? [1, 3, height, width] : [1, height, width, 3] }

    public init(signature: ModelSignature, options: ModelOptions) throws(InferenceError) {
        guard signature.inputs.count == 1, let input = signature.inputs.first else {
            throw Self.invalid("the model has \(signature.inputs.count) inputs; image requests need a model with one image input")
        }
        inputName = input.name
        let shape = signature.defaultInputShapes[input.name] ?? input.shape
        guard shape.count == 4 else {
            throw Self.invalid("input '\(input.name)' has shape \(input.shape); an image input is 4-D (NCHW or NHWC)")
        }
        if let name = options.inputLayout {
            guard let parsed = Layout(rawValue: name.lowercased()) else {
                throw Self.invalid("options.input_layout must be 'nchw' or 'nhwc', not '\(name)'")
            }
            layout = parsed
        } else if shape[1] == 3 {
            layout = .nchw
        } else if shape[3] == 3 {
            layout = .nhwc
        } else {
            throw Self.invalid("cannot tell the layout of input '\(input.name)' \(shape) (no axis of 3 channels); set options.input_layout")
        }
        (height, width) = layout == .nchw ? (shape[2], shape[3]) : (shape[1], shape[2])
        guard width > 0, height > 0 else {
            throw Self.invalid(
                "input '\(input.name)' has dynamic size \(shape); load the model with options.input_shapes, e.g. {\"\(input.name)\": \(layout == .nchw ? "[1, 3, 640, 640]" : "[1, 640, 640, 3]")}"
            )
        }
        let dtypeName = options.inputDtype ?? input.dtype.rawValue
        guard let type = ElementType(name: dtypeName), [.uint8, .float32, .float16].contains(type) else {
            throw Self.invalid("image inputs are uint8, float32 or float16; the input is \(dtypeName) (set options.input_dtype)")
        }
        dtype = type
        mean = try Self.perChannel(options.mean, name: "mean", default: 0)
        std = try Self.perChannel(options.std, name: "std", default: 1)
        guard std.allSatisfy({ $0 != 0 }) else { throw Self.invalid("options.std must not contain 0") }
        guard dtype != .uint8 || (options.mean == nil && options.std == nil) else {
            throw Self.invalid("options.mean and options.std apply to float inputs; this input is uint8")
        }
        bgr = options.bgr ?? false
        guard let mode = ResizeMode(rawValue: (options.resize ?? "letterbox").lowercased()) else {
            throw Self.invalid("options.resize must be 'letterbox' or 'stretch', not '\(options.resize ?? "")'")
        }
        resize = mode
    }

    static func perChannel(_ values: [Double]?, name: String, default value: Float) throws(InferenceError) -> [Float] {
        guard let values else { return [value, value, value] }
        switch values.count {
        case 1: return [Float(values[0]), Float(values[0]), Float(values[0])]
        case 3: return values.map(Float.init)
        default: throw invalid("options.\(name) needs 1 or 3 values, got \(values.count)")
        }
    }

    static func invalid(_ message: String) -> InferenceError {
        InferenceError(.unprocessable, .invalidOptions, message)
    }
}
