import CHailoRT
@testable import HailoRT
import Testing

/// The hand-written declarations against the sizes and offsets of HailoRT 4.23 (x86_64 and
/// aarch64 Linux alike), so that a typo in `CHailoRT.h` cannot silently corrupt a call.
@Suite("HailoRT 4.23 ABI layout", .timeLimit(.minutes(1)))
struct ABILayoutTests {
    @Test("struct sizes")
    func sizes() {
        #expect(MemoryLayout<hailo_version_t>.size == 12)
        #expect(MemoryLayout<hailo_device_id_t>.size == 32)
        #expect(MemoryLayout<hailo_vdevice_params_t>.size == 40)
        #expect(MemoryLayout<hailo_device_identity_t>.size == 140)
        #expect(MemoryLayout<hailo_extended_device_information_t>.size == 96)
        #expect(MemoryLayout<hailo_device_supported_features_t>.size == 5)
        #expect(MemoryLayout<hailo_chip_temperature_info_t>.size == 12)
        #expect(MemoryLayout<hailo_format_t>.size == 12)
        #expect(MemoryLayout<hailo_quant_info_t>.size == 16)
        #expect(MemoryLayout<hailo_3d_image_shape_t>.size == 12)
        #expect(MemoryLayout<hailo_nms_shape_t>.size == 16)
        #expect(MemoryLayout<hailo_vstream_info_t>.size == 436)
        #expect(MemoryLayout<hailo_vstream_params_t>.size == 28)
        #expect(MemoryLayout<hailo_input_vstream_params_by_name_t>.size == 156)
        #expect(MemoryLayout<hailo_output_vstream_params_by_name_t>.size == 156)
        #expect(MemoryLayout<hailo_stream_parameters_t>.size == 80)
        #expect(MemoryLayout<hailo_stream_parameters_by_name_t>.size == 208)
        #expect(MemoryLayout<hailo_network_parameters_by_name_t>.size == 260)
        #expect(MemoryLayout<hailo_configure_network_group_params_t>.size == 10560)
        #expect(MemoryLayout<hailo_configure_params_t>.size == 84488)
        #expect(MemoryLayout<hailo_network_group_info_t>.size == 129)
        #expect(MemoryLayout<hailo_firmware_version_t>.size == 12)
    }

    @Test("packed structs have byte alignment")
    func packed() {
        #expect(MemoryLayout<hailo_bbox_float32_t>.size == 20)
        #expect(MemoryLayout<hailo_bbox_float32_t>.alignment == 1)
        #expect(MemoryLayout<hailo_notification_t>.size == 28)
        #expect(MemoryLayout<hailo_notification_t>.alignment == 1)
        #expect(MemoryLayout<hailo_notification_t>.offset(of: \.sequence) == 4)
        #expect(MemoryLayout<hailo_notification_t>.offset(of: \.body) == 8)
        #expect(MemoryLayout<hailo_bbox_float32_t>.offset(of: \.score) == 16)
    }

    @Test("field offsets")
    func offsets() {
        #expect(MemoryLayout<hailo_vdevice_params_t>.offset(of: \.device_ids) == 8)
        #expect(MemoryLayout<hailo_vdevice_params_t>.offset(of: \.scheduling_algorithm) == 16)
        #expect(MemoryLayout<hailo_vdevice_params_t>.offset(of: \.group_id) == 24)
        #expect(MemoryLayout<hailo_vdevice_params_t>.offset(of: \.multi_process_service) == 32)
        #expect(MemoryLayout<hailo_device_identity_t>.offset(of: \.fw_version) == 4)
        #expect(MemoryLayout<hailo_device_identity_t>.offset(of: \.board_name_length) == 20)
        #expect(MemoryLayout<hailo_device_identity_t>.offset(of: \.board_name) == 21)
        #expect(MemoryLayout<hailo_device_identity_t>.offset(of: \.is_release) == 53)
        #expect(MemoryLayout<hailo_device_identity_t>.offset(of: \.device_architecture) == 56)
        #expect(MemoryLayout<hailo_device_identity_t>.offset(of: \.serial_number) == 61)
        #expect(MemoryLayout<hailo_device_identity_t>.offset(of: \.part_number) == 78)
        #expect(MemoryLayout<hailo_device_identity_t>.offset(of: \.product_name_length) == 94)
        #expect(MemoryLayout<hailo_device_identity_t>.offset(of: \.product_name) == 95)
        #expect(MemoryLayout<hailo_extended_device_information_t>.offset(of: \.supported_features) == 4)
        #expect(MemoryLayout<hailo_extended_device_information_t>.offset(of: \.boot_source) == 12)
        #expect(MemoryLayout<hailo_extended_device_information_t>.offset(of: \.soc_id) == 16)
        #expect(MemoryLayout<hailo_extended_device_information_t>.offset(of: \.gpio_mask) == 92)
        #expect(MemoryLayout<hailo_chip_temperature_info_t>.offset(of: \.sample_count) == 8)
        #expect(MemoryLayout<hailo_vstream_info_t>.offset(of: \.network_name) == 128)
        #expect(MemoryLayout<hailo_vstream_info_t>.offset(of: \.direction) == 388)
        #expect(MemoryLayout<hailo_vstream_info_t>.offset(of: \.format) == 392)
        #expect(MemoryLayout<hailo_vstream_info_t>.offset(of: \.quant_info) == 420)
        #expect(MemoryLayout<hailo_vstream_params_t>.offset(of: \.timeout_ms) == 12)
        #expect(MemoryLayout<hailo_vstream_params_t>.offset(of: \.queue_size) == 16)
        #expect(MemoryLayout<hailo_input_vstream_params_by_name_t>.offset(of: \.params) == 128)
        #expect(MemoryLayout<hailo_stream_parameters_by_name_t>.offset(of: \.stream_params) == 128)
        #expect(MemoryLayout<hailo_network_parameters_by_name_t>.offset(of: \.network_params) == 258)
        #expect(MemoryLayout<hailo_configure_network_group_params_t>.offset(of: \.batch_size) == 128)
        #expect(MemoryLayout<hailo_configure_network_group_params_t>.offset(of: \.power_mode) == 132)
        #expect(MemoryLayout<hailo_configure_network_group_params_t>.offset(of: \.latency) == 136)
        #expect(MemoryLayout<hailo_configure_network_group_params_t>.offset(of: \.stream_params_by_name_count) == 144)
        #expect(MemoryLayout<hailo_configure_network_group_params_t>.offset(of: \.stream_params_by_name) == 152)
        #expect(MemoryLayout<hailo_configure_network_group_params_t>.offset(of: \.network_params_by_name_count) == 8472)
        #expect(MemoryLayout<hailo_configure_network_group_params_t>.offset(of: \.network_params_by_name) == 8480)
        #expect(MemoryLayout<hailo_configure_params_t>.offset(of: \.network_group_params) == 8)
    }

    @Test("the shape union of a vstream info overlays shape and nms_shape at offset 404")
    func vstreamUnion() {
        var info = hailo_vstream_info_t()
        info.nms_shape.number_of_classes = 80
        info.nms_shape.max_bboxes_per_class = 100
        #expect(info.shape.height == 80 && info.shape.width == 100)
        let offset = withUnsafeBytes(of: &info) { bytes in
            bytes.loadUnaligned(fromByteOffset: 404, as: UInt32.self) == 80
                && bytes.loadUnaligned(fromByteOffset: 408, as: UInt32.self) == 100
        }
        #expect(offset)
    }
}

/// The types whose layout differs in HailoRT 4.20.x (4.21 and 4.22 are 4.23's layout exactly).
@Suite("HailoRT 4.20 ABI layout", .timeLimit(.minutes(1)))
struct ABILayout420Tests {
    @Test("extended device information has no gpio_mask and is 92 bytes")
    func extendedInformation() {
        #expect(MemoryLayout<hailo_extended_device_information_v4_20_t>.size == 92)
        #expect(MemoryLayout<hailo_extended_device_information_v4_20_t>.offset(of: \.supported_features) == 4)
        #expect(MemoryLayout<hailo_extended_device_information_v4_20_t>.offset(of: \.boot_source) == 12)
        #expect(MemoryLayout<hailo_extended_device_information_v4_20_t>.offset(of: \.soc_id) == 16)
        #expect(MemoryLayout<hailo_extended_device_information_v4_20_t>.offset(of: \.soc_pm_values) == 67)
        // The 4.21+ struct is a safe buffer for 4.20's call: it covers all 92 bytes.
        #expect(MemoryLayout<hailo_extended_device_information_t>.size >= MemoryLayout<hailo_extended_device_information_v4_20_t>.size)
    }

    @Test("the NMS shape: per-class and total share offset 4, mask size at 8, order type at 12")
    func nmsShape() {
        #expect(MemoryLayout<hailo_nms_shape_v4_20_t>.size == 16)
        // The union's members have no key-path offset in Swift: check the bytes.
        var shape = hailo_nms_shape_v4_20_t()
        shape.max_bboxes_total = 0x0102_0304
        #expect(shape.max_bboxes_per_class == 0x0102_0304)
        #expect(withUnsafeBytes(of: &shape) { $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self) } == 0x0102_0304)
        #expect(MemoryLayout<hailo_nms_shape_v4_20_t>.offset(of: \.max_accumulated_mask_size) == 8)
        #expect(MemoryLayout<hailo_nms_shape_v4_20_t>.offset(of: \.order_type) == 12)
        // 4.23 for comparison: total at 8, mask size at 12.
        #expect(MemoryLayout<hailo_nms_shape_t>.offset(of: \.max_bboxes_total) == 8)
        #expect(MemoryLayout<hailo_nms_shape_t>.offset(of: \.max_accumulated_mask_size) == 12)
    }

    @Test("a 4.20 vstream info keeps 436 bytes; its NMS order type lands where 4.23 has the total")
    func vstreamInfo() {
        var info = hailo_vstream_info_t()
        info.nms_shape.number_of_classes = 3
        info.nms_shape.max_bboxes_per_class = 5
        info.nms_shape.max_bboxes_total = 7  // where 4.20 writes the mask size (412)
        info.nms_shape.max_accumulated_mask_size = 1  // where 4.20 writes order_type, 1 by class (416)
        let shape = HailoNMSShape(info, profile: .v4_20)
        #expect(shape.classes == 3 && shape.maxBoxesPerClass == 5)
        #expect(shape.maxBoxesTotal == 5 && shape.maxAccumulatedMaskSize == 7)
        let modern = HailoNMSShape(info, profile: .v4_21)
        #expect(modern.maxBoxesTotal == 7 && modern.maxAccumulatedMaskSize == 1)
    }
}
