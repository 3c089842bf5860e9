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

    /// Resolves every symbol, each named once below; throws listing all the missing ones.
    init(handle: UnsafeMutableRawPointer) throws(HailoLoadError) {
        var symbols = SymbolTable(handle: handle)
        getLibraryVersion = symbols.resolve("hailo_get_library_version")
        getStatusMessage = symbols.resolve("hailo_get_status_message")
        scanDevices = symbols.resolve("hailo_scan_devices")
        createDeviceById = symbols.resolve("hailo_create_device_by_id")
        releaseDevice = symbols.resolve("hailo_release_device")
        getDeviceId = symbols.resolve("hailo_get_device_id")
        identify = symbols.resolve("hailo_identify")
        getExtendedDeviceInformation = symbols.resolve("hailo_get_extended_device_information")
        getChipTemperature = symbols.resolve("hailo_get_chip_temperature")
        getThrottlingState = symbols.resolve("hailo_get_throttling_state")
        powerMeasurement = symbols.resolve("hailo_power_measurement")
        setNotificationCallback = symbols.resolve("hailo_set_notification_callback")
        initVdeviceParams = symbols.resolve("hailo_init_vdevice_params")
        createVdevice = symbols.resolve("hailo_create_vdevice")
        configureVdevice = symbols.resolve("hailo_configure_vdevice")
        getPhysicalDevices = symbols.resolve("hailo_get_physical_devices")
        releaseVdevice = symbols.resolve("hailo_release_vdevice")
        createHefFile = symbols.resolve("hailo_create_hef_file")
        createHefBuffer = symbols.resolve("hailo_create_hef_buffer")
        releaseHef = symbols.resolve("hailo_release_hef")
        getNetworkGroupsInfos = symbols.resolve("hailo_get_network_groups_infos")
        hefGetAllVstreamInfos = symbols.resolve("hailo_hef_get_all_vstream_infos")
        initConfigureParamsByVdevice = symbols.resolve("hailo_init_configure_params_by_vdevice")
        setSchedulerTimeout = symbols.resolve("hailo_set_scheduler_timeout")
        setSchedulerThreshold = symbols.resolve("hailo_set_scheduler_threshold")
        setSchedulerPriority = symbols.resolve("hailo_set_scheduler_priority")
        shutdownNetworkGroup = symbols.resolve("hailo_shutdown_network_group")
        makeInputVstreamParams = symbols.resolve("hailo_make_input_vstream_params")
        makeOutputVstreamParams = symbols.resolve("hailo_make_output_vstream_params")
        createInputVstreams = symbols.resolve("hailo_create_input_vstreams")
        createOutputVstreams = symbols.resolve("hailo_create_output_vstreams")
        getInputVstreamFrameSize = symbols.resolve("hailo_get_input_vstream_frame_size")
        getOutputVstreamFrameSize = symbols.resolve("hailo_get_output_vstream_frame_size")
        getInputVstreamInfo = symbols.resolve("hailo_get_input_vstream_info")
        getOutputVstreamInfo = symbols.resolve("hailo_get_output_vstream_info")
        getOutputVstreamQuantInfos = symbols.resolve("hailo_get_output_vstream_quant_infos")
        vstreamWriteRawBuffer = symbols.resolve("hailo_vstream_write_raw_buffer")
        vstreamReadRawBuffer = symbols.resolve("hailo_vstream_read_raw_buffer")
        vstreamSetNmsScoreThreshold = symbols.resolve("hailo_vstream_set_nms_score_threshold")
        vstreamSetNmsIouThreshold = symbols.resolve("hailo_vstream_set_nms_iou_threshold")
        vstreamSetNmsMaxProposalsPerClass = symbols.resolve("hailo_vstream_set_nms_max_proposals_per_class")
        releaseInputVstreams = symbols.resolve("hailo_release_input_vstreams")
        releaseOutputVstreams = symbols.resolve("hailo_release_output_vstreams")
        guard symbols.missing.isEmpty else {
            throw HailoLoadError(
                message:
                    "libhailort lacks \(symbols.missing.count) symbol(s) this service needs: \(symbols.missing.joined(separator: ", "))")
        }
    }
}

/// `dlsym` over one library, remembering the names it did not find.
private struct SymbolTable {
    let handle: UnsafeMutableRawPointer
    var missing: [String] = []

    /// The function `name` as `F`. A missing one is recorded and stands as a pointer never
    /// called: `HailoFunctions.init` throws before the table can be used.
    mutating func resolve<F>(_ name: String) -> F {
        guard let pointer = dlsym(handle, name) else {
            missing.append(name)
            return unsafeBitCast(UnsafeRawPointer(bitPattern: 1)!, to: F.self)
        }
        return unsafeBitCast(pointer, to: F.self)
    }
}
