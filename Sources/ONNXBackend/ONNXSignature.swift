import Foundation
import InferenceCore
import ONNXRuntime

/// Turns an ORT session's inputs, outputs and metadata into the core's `ModelSignature`.
enum ONNXSignature {
    static func make(session: ORTSession, options: ModelOptions) throws(InferenceError) -> ModelSignature {
        let inputs = try session.inputs.map { (info) throws(InferenceError) in try spec(info, role: "input") }
        let outputs = try session.outputs.map { (info) throws(InferenceError) in try spec(info, role: "output") }
        var defaults: [String: [Int]] = [:]
        if let size = session.metadata.custom["imgsz"].flatMap(parseIntList), size.count == 2 {
            for input in inputs {
                if let shape = imageShape(input.shape, height: size[0], width: size[1]) { defaults[input.name] = shape }
            }
        }
        for (name, shape) in options.inputShapes ?? [:] {
            guard let input = inputs.first(where: { $0.name == name }) else {
                throw InferenceError(
                    .unprocessable, .unknownTensor, "options.input_shapes names '\(name)', which is not an input of the model")
            }
            guard shape.count == input.shape.count, zip(shape, input.shape).allSatisfy({ $0 > 0 && ($1 < 0 || $0 == $1) }) else {
                throw InferenceError(
                    .unprocessable, .shapeMismatch, "options.input_shapes[\(name)] = \(shape) does not fit the input's shape \(input.shape)"
                )
            }
            defaults[name] = shape
        }
        var metadata = session.metadata.custom
        for (key, value) in [
            ("producer_name", session.metadata.producerName), ("graph_name", session.metadata.graphName),
            ("domain", session.metadata.domain), ("description", session.metadata.description),
        ] where !value.isEmpty {
            metadata[key] = metadata[key] ?? value
        }
        return ModelSignature(
            inputs: inputs, outputs: outputs, defaultInputShapes: defaults,
            labels: session.metadata.custom["names"].flatMap(parseNames), metadata: metadata)
    }

    static func spec(_ info: ORTTensorInfo, role: String) throws(InferenceError) -> TensorSpec {
        guard let dtype = elementType(info.elementType) else {
            throw InferenceError(
                .unprocessable, .unsupportedModel,
                "\(role) '\(info.name)' has element type \(info.elementType), which this service does not support")
        }
        return TensorSpec(name: info.name, dtype: dtype, shape: info.shape.map { Int($0) })
    }

    /// ORT's element types and the service's, one pair each.
    static let elementTypes: [(ORTElementType, ElementType)] = [
        (.float, .float32), (.double, .float64), (.float16, .float16), (.bfloat16, .bfloat16),
        (.uint8, .uint8), (.int8, .int8), (.uint16, .uint16), (.int16, .int16),
        (.uint32, .uint32), (.int32, .int32), (.uint64, .uint64), (.int64, .int64), (.bool, .bool),
    ]

    static func elementType(_ type: ORTElementType) -> ElementType? {
        elementTypes.first { $0.0 == type }?.1
    }

    static func ortType(_ type: ElementType) -> ORTElementType {
        elementTypes.first { $0.1 == type }!.0  // every ElementType has its ORT twin
    }

    /// The full shape of a 4-D image input (NCHW or NHWC, by where the 1 or 3 channels are) of
    /// the given size, batch 1.
    static func imageShape(_ shape: [Int], height: Int, width: Int) -> [Int]? {
        guard shape.count == 4 else { return nil }
        if [1, 3].contains(shape[1]) { return [1, shape[1], height, width] }
        if [1, 3].contains(shape[3]) { return [1, height, width, shape[3]] }
        return nil
    }

    /// Parses "[320, 320]".
    static func parseIntList(_ text: String) -> [Int]? {
        let body = text.trimmingCharacters(in: .init(charactersIn: "[]() "))
        let values = body.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        return values.contains(nil) || values.isEmpty ? nil : values.map { $0! }
    }

    /// Parses Ultralytics' class map, a Python dict literal: "{0: 'person', 1: 'bicycle'}".
    static func parseNames(_ text: String) -> [String]? {
        var names: [Int: String] = [:]
        var rest = Substring(text)
        while let colon = rest.firstIndex(of: ":") {
            let key = rest[..<colon].drop { !$0.isNumber }.prefix { $0.isNumber }
            rest = rest[rest.index(after: colon)...].drop { $0 == " " }
            guard let quote = rest.first, quote == "'" || quote == "\"", let index = Int(key) else { return nil }
            rest = rest.dropFirst()
            guard let end = rest.firstIndex(of: quote) else { return nil }
            names[index] = String(rest[..<end])
            rest = rest[rest.index(after: end)...]
        }
        guard !names.isEmpty, names.keys.sorted() == Array(0..<names.count) else { return nil }
        return (0..<names.count).map { names[$0]! }
    }
}
