internal import CHailoRT

/// Which of the two C ABI layouts a libhailort has. 4.21, 4.22 and 4.23 share one (their header
/// is byte for byte the same); 4.20.x differs in the NMS shape, the extended device information
/// and the status codes it knows.
public enum HailoABIProfile: Sendable, Equatable {
    /// HailoRT 4.20.0 and 4.20.1.
    case v4_20
    /// HailoRT 4.21.x, 4.22.0 and 4.23.0.
    case v4_21

    /// The profile of a supported version, nil for any other.
    public init?(_ version: HailoVersion) {
        guard version.major == 4 else { return nil }
        switch version.minor {
        case 20: self = .v4_20
        case 21...23: self = .v4_21
        default: return nil
        }
    }

    /// Whether the library has statuses 91–93 (HEF corrupted / not supported / not for this
    /// device); 4.20 reports all three as 26, `HAILO_INVALID_HEF`.
    public var hasHEFStatuses: Bool { self == .v4_21 }
}

/// The NMS part of a vstream info, read with the layout of the library that wrote it.
struct HailoNMSShape: Equatable {
    var classes: Int
    var maxBoxesPerClass: Int
    var maxBoxesTotal: Int
    var maxAccumulatedMaskSize: Int

    init(_ info: hailo_vstream_info_t, profile: HailoABIProfile) {
        switch profile {
        case .v4_21:
            let shape = info.nms_shape
            classes = Int(shape.number_of_classes)
            maxBoxesPerClass = Int(shape.max_bboxes_per_class)
            maxBoxesTotal = Int(shape.max_bboxes_total)
            maxAccumulatedMaskSize = Int(shape.max_accumulated_mask_size)
        case .v4_20:
            // Same 16 bytes at the same place; reinterpret them as 4.20 laid them out.
            let shape = withUnsafeBytes(of: info.nms_shape) { $0.loadUnaligned(as: hailo_nms_shape_v4_20_t.self) }
            classes = Int(shape.number_of_classes)
            maxBoxesPerClass = Int(shape.max_bboxes_per_class)
            maxBoxesTotal = Int(shape.max_bboxes_total)
            maxAccumulatedMaskSize = Int(shape.max_accumulated_mask_size)
        }
    }
}
