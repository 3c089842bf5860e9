internal import CHailoRT
import Foundation

/// Every libhailort function this binding calls, resolved with `dlsym` when the library loads.
///
/// `@unchecked Sendable`: plain C function pointers into a library that stays loaded for the
/// life of the process.
struct HailoFunctions: @unchecked Sendable {
    let getLibraryVersion: hailo_get_library_version_fn
    let getStatusMessage: hailo_get_status_message_fn
    let scanDevices: hailo_scan_devices_fn
    let createDeviceById: hailo_create_device_by_id_fn
    let releaseDevice: hailo_release_device_fn
    let getDeviceId: hailo_get_device_id_fn
    let identify: hailo_identify_fn
    let getExtendedDeviceInformation: hailo_get_extended_device_information_fn
    let getChipTemperature: hailo_get_chip_temperature_fn
    let getThrottlingState: hailo_get_throttling_state_fn
    let powerMeasurement: hailo_power_measurement_fn
    let setNotificationCallback: hailo_set_notification_callback_fn
    let initVdeviceParams: hailo_init_vdevice_params_fn
    let createVdevice: hailo_create_vdevice_fn
    let configureVdevice: hailo_configure_vdevice_fn
    let getPhysicalDevices: hailo_get_physical_devices_fn
    let releaseVdevice: hailo_release_vdevice_fn
    let createHefFile: hailo_create_hef_file_fn
    let createHefBuffer: hailo_create_hef_buffer_fn
    let releaseHef: hailo_release_hef_fn
    let getNetworkGroupsInfos: hailo_get_network_groups_infos_fn
    let hefGetAllVstreamInfos: hailo_hef_get_all_vstream_infos_fn
    let initConfigureParamsByVdevice: hailo_init_configure_params_by_vdevice_fn
    let setSchedulerTimeout: hailo_set_scheduler_timeout_fn
    let setSchedulerThreshold: hailo_set_scheduler_threshold_fn
    let setSchedulerPriority: hailo_set_scheduler_priority_fn
    let shutdownNetworkGroup: hailo_shutdown_network_group_fn
    let makeInputVstreamParams: hailo_make_input_vstream_params_fn
    let makeOutputVstreamParams: hailo_make_output_vstream_params_fn
    let createInputVstreams: hailo_create_input_vstreams_fn
    let createOutputVstreams: hailo_create_output_vstreams_fn
    let getInputVstreamFrameSize: hailo_get_input_vstream_frame_size_fn
    let getOutputVstreamFrameSize: hailo_get_output_vstream_frame_size_fn
    let getInputVstreamInfo: hailo_get_input_vstream_info_fn
    let getOutputVstreamInfo: hailo_get_output_vstream_info_fn
    let getOutputVstreamQuantInfos: hailo_get_output_vstream_quant_infos_fn
    let vstreamWriteRawBuffer: hailo_vstream_write_raw_buffer_fn
    let vstreamReadRawBuffer: hailo_vstream_read_raw_buffer_fn
    let vstreamSetNmsScoreThreshold: hailo_vstream_set_nms_score_threshold_fn
    let vstreamSetNmsIouThreshold: hailo_vstream_set_nms_iou_threshold_fn
    let vstreamSetNmsMaxProposalsPerClass: hailo_vstream_set_nms_max_proposals_per_class_fn
    let releaseInputVstreams: hailo_release_input_vstreams_fn
    let releaseOutputVstreams: hailo_release_output_vstreams_fn

    /// The symbols, in the order they are resolved (for the missing-symbol report).
    static let symbols = ["hailo_get_library_version", "hailo_get_status_message", "hailo_scan_devices", "hailo_create_device_by_id", "hailo_release_device", "hailo_get_device_id", "hailo_identify", "hailo_get_extended_device_information", "hailo_get_chip_temperature", "hailo_get_throttling_state", "hailo_power_measurement", "hailo_set_notification_callback", "hailo_init_vdevice_params", "hailo_create_vdevice", "hailo_configure_vdevice", "hailo_get_physical_devices", "hailo_release_vdevice", "hailo_create_hef_file", "hailo_create_hef_buffer", "hailo_release_hef", "hailo_get_network_groups_infos", "hailo_hef_get_all_vstream_infos", "hailo_init_configure_params_by_vdevice", "hailo_set_scheduler_timeout", "hailo_set_scheduler_threshold", "hailo_set_scheduler_priority", "hailo_shutdown_network_group", "hailo_make_input_vstream_params", "hailo_make_output_vstream_params", "hailo_create_input_vstreams", "hailo_create_output_vstreams", "hailo_get_input_vstream_frame_size", "hailo_get_output_vstream_frame_size", "hailo_get_input_vstream_info", "hailo_get_output_vstream_info", "hailo_get_output_vstream_quant_infos", "hailo_vstream_write_raw_buffer", "hailo_vstream_read_raw_buffer", "hailo_vstream_set_nms_score_threshold", "hailo_vstream_set_nms_iou_threshold", "hailo_vstream_set_nms_max_proposals_per_class", "hailo_release_input_vstreams", "hailo_release_output_vstreams"]

    /// Resolves every symbol; throws listing all the missing ones.
    init(handle: UnsafeMutableRawPointer) throws(HailoLoadError) {
        var missing: [String] = []
        func symbol<F>(_ name: String) -> F? {
            guard let pointer = dlsym(handle, name) else {
                missing.append(name)
                return nil
            }
            return unsafeBitCast(pointer, to: F.self)
        }
        let getLibraryVersion: hailo_get_library_version_fn? = symbol("hailo_get_library_version")
        let getStatusMessage: hailo_get_status_message_fn? = symbol("hailo_get_status_message")
        let scanDevices: hailo_scan_devices_fn? = symbol("hailo_scan_devices")
        let createDeviceById: hailo_create_device_by_id_fn? = symbol("hailo_create_device_by_id")
        let releaseDevice: hailo_release_device_fn? = symbol("hailo_release_device")
        let getDeviceId: hailo_get_device_id_fn? = symbol("hailo_get_device_id")
        let identify: hailo_identify_fn? = symbol("hailo_identify")
        let getExtendedDeviceInformation: hailo_get_extended_device_information_fn? = symbol("hailo_get_extended_device_information")
        let getChipTemperature: hailo_get_chip_temperature_fn? = symbol("hailo_get_chip_temperature")
        let getThrottlingState: hailo_get_throttling_state_fn? = symbol("hailo_get_throttling_state")
        let powerMeasurement: hailo_power_measurement_fn? = symbol("hailo_power_measurement")
        let setNotificationCallback: hailo_set_notification_callback_fn? = symbol("hailo_set_notification_callback")
        let initVdeviceParams: hailo_init_vdevice_params_fn? = symbol("hailo_init_vdevice_params")
        let createVdevice: hailo_create_vdevice_fn? = symbol("hailo_create_vdevice")
        let configureVdevice: hailo_configure_vdevice_fn? = symbol("hailo_configure_vdevice")
        let getPhysicalDevices: hailo_get_physical_devices_fn? = symbol("hailo_get_physical_devices")
        let releaseVdevice: hailo_release_vdevice_fn? = symbol("hailo_release_vdevice")
        let createHefFile: hailo_create_hef_file_fn? = symbol("hailo_create_hef_file")
        let createHefBuffer: hailo_create_hef_buffer_fn? = symbol("hailo_create_hef_buffer")
        let releaseHef: hailo_release_hef_fn? = symbol("hailo_release_hef")
        let getNetworkGroupsInfos: hailo_get_network_groups_infos_fn? = symbol("hailo_get_network_groups_infos")
        let hefGetAllVstreamInfos: hailo_hef_get_all_vstream_infos_fn? = symbol("hailo_hef_get_all_vstream_infos")
        let initConfigureParamsByVdevice: hailo_init_configure_params_by_vdevice_fn? = symbol("hailo_init_configure_params_by_vdevice")
        let setSchedulerTimeout: hailo_set_scheduler_timeout_fn? = symbol("hailo_set_scheduler_timeout")
        let setSchedulerThreshold: hailo_set_scheduler_threshold_fn? = symbol("hailo_set_scheduler_threshold")
        let setSchedulerPriority: hailo_set_scheduler_priority_fn? = symbol("hailo_set_scheduler_priority")
        let shutdownNetworkGroup: hailo_shutdown_network_group_fn? = symbol("hailo_shutdown_network_group")
        let makeInputVstreamParams: hailo_make_input_vstream_params_fn? = symbol("hailo_make_input_vstream_params")
        let makeOutputVstreamParams: hailo_make_output_vstream_params_fn? = symbol("hailo_make_output_vstream_params")
        let createInputVstreams: hailo_create_input_vstreams_fn? = symbol("hailo_create_input_vstreams")
        let createOutputVstreams: hailo_create_output_vstreams_fn? = symbol("hailo_create_output_vstreams")
        let getInputVstreamFrameSize: hailo_get_input_vstream_frame_size_fn? = symbol("hailo_get_input_vstream_frame_size")
        let getOutputVstreamFrameSize: hailo_get_output_vstream_frame_size_fn? = symbol("hailo_get_output_vstream_frame_size")
        let getInputVstreamInfo: hailo_get_input_vstream_info_fn? = symbol("hailo_get_input_vstream_info")
        let getOutputVstreamInfo: hailo_get_output_vstream_info_fn? = symbol("hailo_get_output_vstream_info")
        let getOutputVstreamQuantInfos: hailo_get_output_vstream_quant_infos_fn? = symbol("hailo_get_output_vstream_quant_infos")
        let vstreamWriteRawBuffer: hailo_vstream_write_raw_buffer_fn? = symbol("hailo_vstream_write_raw_buffer")
        let vstreamReadRawBuffer: hailo_vstream_read_raw_buffer_fn? = symbol("hailo_vstream_read_raw_buffer")
        let vstreamSetNmsScoreThreshold: hailo_vstream_set_nms_score_threshold_fn? = symbol("hailo_vstream_set_nms_score_threshold")
        let vstreamSetNmsIouThreshold: hailo_vstream_set_nms_iou_threshold_fn? = symbol("hailo_vstream_set_nms_iou_threshold")
        let vstreamSetNmsMaxProposalsPerClass: hailo_vstream_set_nms_max_proposals_per_class_fn? = symbol("hailo_vstream_set_nms_max_proposals_per_class")
        let releaseInputVstreams: hailo_release_input_vstreams_fn? = symbol("hailo_release_input_vstreams")
        let releaseOutputVstreams: hailo_release_output_vstreams_fn? = symbol("hailo_release_output_vstreams")
        guard missing.isEmpty else {
            throw HailoLoadError(message: "libhailort lacks \(missing.count) symbol(s) this service needs: \(missing.joined(separator: ", "))")
        }
        self.getLibraryVersion = getLibraryVersion!
        self.getStatusMessage = getStatusMessage!
        self.scanDevices = scanDevices!
        self.createDeviceById = createDeviceById!
        self.releaseDevice = releaseDevice!
        self.getDeviceId = getDeviceId!
        self.identify = identify!
        self.getExtendedDeviceInformation = getExtendedDeviceInformation!
        self.getChipTemperature = getChipTemperature!
        self.getThrottlingState = getThrottlingState!
        self.powerMeasurement = powerMeasurement!
        self.setNotificationCallback = setNotificationCallback!
        self.initVdeviceParams = initVdeviceParams!
        self.createVdevice = createVdevice!
        self.configureVdevice = configureVdevice!
        self.getPhysicalDevices = getPhysicalDevices!
        self.releaseVdevice = releaseVdevice!
        self.createHefFile = createHefFile!
        self.createHefBuffer = createHefBuffer!
        self.releaseHef = releaseHef!
        self.getNetworkGroupsInfos = getNetworkGroupsInfos!
        self.hefGetAllVstreamInfos = hefGetAllVstreamInfos!
        self.initConfigureParamsByVdevice = initConfigureParamsByVdevice!
        self.setSchedulerTimeout = setSchedulerTimeout!
        self.setSchedulerThreshold = setSchedulerThreshold!
        self.setSchedulerPriority = setSchedulerPriority!
        self.shutdownNetworkGroup = shutdownNetworkGroup!
        self.makeInputVstreamParams = makeInputVstreamParams!
        self.makeOutputVstreamParams = makeOutputVstreamParams!
        self.createInputVstreams = createInputVstreams!
        self.createOutputVstreams = createOutputVstreams!
        self.getInputVstreamFrameSize = getInputVstreamFrameSize!
        self.getOutputVstreamFrameSize = getOutputVstreamFrameSize!
        self.getInputVstreamInfo = getInputVstreamInfo!
        self.getOutputVstreamInfo = getOutputVstreamInfo!
        self.getOutputVstreamQuantInfos = getOutputVstreamQuantInfos!
        self.vstreamWriteRawBuffer = vstreamWriteRawBuffer!
        self.vstreamReadRawBuffer = vstreamReadRawBuffer!
        self.vstreamSetNmsScoreThreshold = vstreamSetNmsScoreThreshold!
        self.vstreamSetNmsIouThreshold = vstreamSetNmsIouThreshold!
        self.vstreamSetNmsMaxProposalsPerClass = vstreamSetNmsMaxProposalsPerClass!
        self.releaseInputVstreams = releaseInputVstreams!
        self.releaseOutputVstreams = releaseOutputVstreams!
    }
}
