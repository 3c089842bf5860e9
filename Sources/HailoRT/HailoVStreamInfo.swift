internal import CHailoRT

/// A vstream as HailoRT describes it: name, direction, device format and shape, quantization.
public struct HailoVStreamInfo: Sendable, Equatable {
    public enum Direction: Sendable { case input, output }

    /// How the host sees the frames of an output.
    public enum Layout: Sendable, Equatable {
        /// `height × width × features` elements (NHWC; NC when height and width are 1).
        case tensor(height: Int, width: Int, features: Int)
        /// `HAILO_NMS_BY_CLASS`: per class a float32 count then that many
        /// `{y_min, x_min, y_max, x_max, score}` records, packed, normalized to the input.
        case nmsByClass(classes: Int, maxBoxesPerClass: Int)
    }

    public struct QuantInfo: Sendable, Equatable {
        public var zeroPoint: Float
        public var scale: Float
        /// All four fields 0 marks a per-channel model: use the per-feature list.
        public var isValid: Bool { !(zeroPoint == 0 && scale == 0) }
    }

    public var name: String
    public var networkName: String
    public var direction: Direction
    /// `hailo_format_type_t` of the device side: 1 UINT8, 2 UINT16, 3 FLOAT32.
    public var formatType: UInt32
    /// `hailo_format_order_t`, e.g. 1 NHWC, 6 NC, 22 NMS_BY_CLASS.
    public var formatOrder: UInt32
    public var layout: Layout
    /// One entry, or one per feature for per-channel quantization.
    public var quantInfos: [QuantInfo]

    static let nmsOrders: Set<UInt32> = [20, 22, 23]

    init(_ raw: hailo_vstream_info_t, quantInfos: [hailo_quant_info_t], profile: HailoABIProfile) {
        name = CStrings.string(raw.name)
        networkName = CStrings.string(raw.network_name)
        direction = raw.direction == 0 ? .input : .output
        formatType = raw.format.type
        formatOrder = raw.format.order
        if Self.nmsOrders.contains(raw.format.order) {
            let nms = HailoNMSShape(raw, profile: profile)
            layout = .nmsByClass(classes: nms.classes, maxBoxesPerClass: nms.maxBoxesPerClass)
        } else {
            layout = .tensor(height: Int(raw.shape.height), width: Int(raw.shape.width), features: Int(raw.shape.features))
        }
        let infos = quantInfos.isEmpty ? [raw.quant_info] : quantInfos
        self.quantInfos = infos.map { QuantInfo(zeroPoint: $0.qp_zp, scale: $0.qp_scale) }
    }

    public var isNMS: Bool {
        if case .nmsByClass = layout { return true }
        return false
    }
}
