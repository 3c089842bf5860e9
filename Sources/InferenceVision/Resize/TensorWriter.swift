import InferenceCore

/// Turns a letterboxed RGB canvas into the model's input tensor, as the plan says.
enum TensorWriter {
    static func tensor(_ canvas: [UInt8], plan: InputPlan) -> Tensor {
        let pixels = plan.width * plan.height
        let order = plan.bgr ? [2, 1, 0] : [0, 1, 2]
        let data: [UInt8]
        switch plan.dtype {
        case .uint8:
            data = plan.layout == .nhwc && !plan.bgr ? canvas : arrange(canvas, pixels: pixels, layout: plan.layout, order: order) { $0 }
        case .float16:
            let floats = floatValues(canvas, plan: plan, pixels: pixels, order: order)
            data = floats.withUnsafeBufferPointer { values in
                var out = [UInt8](repeating: 0, count: values.count * 2)
                out.withUnsafeMutableBytes { raw in
                    for (i, v) in values.enumerated() { raw.storeBytes(of: Float16(v).bitPattern, toByteOffset: i * 2, as: UInt16.self) }
                }
                return out
            }
        default:
            let floats = floatValues(canvas, plan: plan, pixels: pixels, order: order)
            data = floats.withUnsafeBytes { Array($0) }
        }
        return Tensor(name: plan.inputName, dtype: plan.dtype, shape: plan.shape, data: data)
    }

    static func floatValues(_ canvas: [UInt8], plan: InputPlan, pixels: Int, order: [Int]) -> [Float] {
        // A lookup table per output channel: (v / 255 - mean) / std.
        let tables: [[Float]] = (0..<3).map { c in
            (0..<256).map { v in (Float(v) / 255 - plan.mean[c]) / plan.std[c] }
        }
        var out = [Float](repeating: 0, count: pixels * 3)
        canvas.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for c in 0..<3 {
                    let source = order[c]
                    tables[c].withUnsafeBufferPointer { table in
                        switch plan.layout {
                        case .nchw:
                            let plane = dst.baseAddress! + c * pixels
                            for p in 0..<pixels { plane[p] = table[Int(src[p * 3 + source])] }
                        case .nhwc:
                            for p in 0..<pixels { dst[p * 3 + c] = table[Int(src[p * 3 + source])] }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Reorders the canvas's channels (and planes, for NCHW), converting each byte with `convert`.
    static func arrange<T>(_ canvas: [UInt8], pixels: Int, layout: InputPlan.Layout, order: [Int], _ convert: (UInt8) -> T) -> [T] {
        var out = [T]()
        out.reserveCapacity(pixels * 3)
        canvas.withUnsafeBufferPointer { src in
            switch layout {
            case .nchw:
                for c in 0..<3 { for p in 0..<pixels { out.append(convert(src[p * 3 + order[c]])) } }
            case .nhwc:
                for p in 0..<pixels { for c in 0..<3 { out.append(convert(src[p * 3 + order[c]])) } }
            }
        }
        return out
    }
}
