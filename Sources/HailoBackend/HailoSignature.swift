import HailoRT
import InferenceCore

/// How a Hailo model looks to clients: inputs are uint8 NHWC frames `[N, H, W, C]` (any number
/// of frames per request); non-NMS outputs are dequantized to float32 `[N, H, W, F]` (`[N, F]`
/// for NC outputs); NMS outputs are the raw `NMS_BY_CLASS` float32 buffer, `[N, C × (1 + 5M)]`
/// floats per frame, described in the metadata (`<output>.format = hailo_nms_by_class`,
/// `.classes`, `.max_boxes_per_class`). The metadata also says what the HEF's header says:
/// `hef_architecture` (`HAILO8L`, …) and `hef_sdk_version`.
enum HailoSignature {
    static func make(inputs: [HailoVStreamInfo], outputs: [HailoVStreamInfo], networkGroup: String, file: HEFFile? = nil) -> ModelSignature
    {
        var metadata = ["network_group": networkGroup, "format": "hef"]
        metadata["hef_architecture"] = file?.architecture.name
        metadata["hef_sdk_version"] = file?.sdkVersion
        let inputSpecs = inputs.map { info -> TensorSpec in
            guard case .tensor(let h, let w, let c) = info.layout else {
                return TensorSpec(name: info.name, dtype: .uint8, shape: [-1])
            }
            return TensorSpec(name: info.name, dtype: .uint8, shape: [-1, h, w, c])
        }
        for info in inputs + outputs {
            metadata["\(info.name).format_order"] = "\(info.formatOrder)"
            if let quant = info.quantInfos.first, quant.isValid {
                metadata["\(info.name).quant"] = "zero_point=\(quant.zeroPoint) scale=\(quant.scale)"
            } else if !info.isNMS {
                metadata["\(info.name).quant"] = "per_channel"
            }
        }
        let outputSpecs = outputs.map { info -> TensorSpec in
            switch info.layout {
            case .nmsByClass(let classes, let maxBoxes):
                if metadata["hailo.nms.output"] == nil {  // what the detection decoder reads
                    metadata["hailo.nms.output"] = info.name
                    metadata["hailo.nms.classes"] = "\(classes)"
                    metadata["hailo.nms.max_bboxes_per_class"] = "\(maxBoxes)"
                }
                metadata["\(info.name).format"] = "hailo_nms_by_class"
                metadata["\(info.name).classes"] = "\(classes)"
                metadata["\(info.name).max_boxes_per_class"] = "\(maxBoxes)"
                return TensorSpec(name: info.name, dtype: .float32, shape: [-1, classes * (1 + 5 * maxBoxes)])
            case .tensor(let h, let w, let f):
                let layout = h == 1 && w == 1 && info.formatOrder == 6 ? [-1, f] : [-1, h, w, f]
                return TensorSpec(name: info.name, dtype: .float32, shape: layout)
            }
        }
        var defaults: [String: [Int]] = [:]
        for spec in inputSpecs where spec.shape.count == 4 {
            defaults[spec.name] = [1] + spec.shape.dropFirst()
        }
        return ModelSignature(inputs: inputSpecs, outputs: outputSpecs, defaultInputShapes: defaults, metadata: metadata)
    }

    /// One output frame as float32 bytes: NMS and float32 frames as they are, integer frames
    /// dequantized with `(q - zero_point) × scale` (per feature when the model has per-channel
    /// quantization).
    static func convert(_ frame: [UInt8], from output: HailoOutputVStream) -> [UInt8] {
        if output.info.isNMS || output.elementSize == 4 { return frame }
        let quant = output.info.quantInfos
        let features: Int
        if case .tensor(_, _, let f) = output.info.layout { features = max(1, f) } else { features = 1 }
        let perChannel = quant.count > 1 && quant.count == features
        let count = frame.count / output.elementSize
        var result = [Float](repeating: 0, count: count)
        frame.withUnsafeBytes { bytes in
            for i in 0..<count {
                let q: Float =
                    output.elementSize == 2
                    ? Float(bytes.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
                    : Float(bytes[i])
                let info = perChannel ? quant[i % features] : quant[0]
                result[i] = (q - info.zeroPoint) * info.scale
            }
        }
        return result.withUnsafeBytes { Array($0) }
    }
}
