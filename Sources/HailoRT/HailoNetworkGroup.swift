internal import CHailoRT
import Foundation

/// A network group configured on a scheduled vdevice.
///
/// `@unchecked Sendable`: the handle belongs to the vdevice (HailoRT frees it with the vdevice);
/// HailoRT serialises calls on it.
public final class HailoNetworkGroup: @unchecked Sendable {
    public let vdevice: HailoVDevice
    let handle: OpaquePointer
    var library: HailoLibrary { vdevice.library }

    init(vdevice: HailoVDevice, handle: OpaquePointer) {
        self.vdevice = vdevice
        self.handle = handle
    }

    /// Scheduler priority, 0–31 (higher wins; HailoRT's default is 16).
    public func setPriority(_ priority: Int) throws(HailoError) {
        try library.check(library.functions.setSchedulerPriority(handle, UInt8(clamping: priority), nil), "hailo_set_scheduler_priority")
    }

    /// Time after which a group with pending frames is run even below its threshold.
    public func setTimeout(milliseconds: Int) throws(HailoError) {
        try library.check(library.functions.setSchedulerTimeout(handle, UInt32(clamping: milliseconds), nil), "hailo_set_scheduler_timeout")
    }

    /// Minimum pending frames before the scheduler runs the group.
    public func setThreshold(frames: Int) throws(HailoError) {
        try library.check(library.functions.setSchedulerThreshold(handle, UInt32(clamping: frames), nil), "hailo_set_scheduler_threshold")
    }

    /// Aborts every read and write on the group (they return HAILO_STREAM_ABORT). One-way.
    public func shutdown() {
        _ = library.functions.shutdownNetworkGroup(handle)
    }

    /// Creates every vstream of the group: inputs as UINT8 NHWC, NMS outputs as FLOAT32, other
    /// outputs in the device's own type (AUTO, dequantized by the caller).
    public func makeVStreams() throws(HailoError) -> HailoVStreams {
        let f = library.functions
        var inputCount = 40
        var inputParams = [hailo_input_vstream_params_by_name_t](repeating: .init(), count: inputCount)
        try library.check(
            f.makeInputVstreamParams(handle, false, 1 /* UINT8 */, &inputParams, &inputCount), "hailo_make_input_vstream_params")
        inputParams.removeLast(inputParams.count - inputCount)
        for i in inputParams.indices { inputParams[i].params.user_buffer_format.order = 1 /* NHWC */ }

        var outputCount = 40
        var outputParams = [hailo_output_vstream_params_by_name_t](repeating: .init(), count: outputCount)
        try library.check(
            f.makeOutputVstreamParams(handle, false, 0 /* AUTO */, &outputParams, &outputCount), "hailo_make_output_vstream_params")
        outputParams.removeLast(outputParams.count - outputCount)

        var inputs = [OpaquePointer?](repeating: nil, count: inputCount)
        try library.check(f.createInputVstreams(handle, inputParams, inputCount, &inputs), "hailo_create_input_vstreams")
        var outputs = [OpaquePointer?](repeating: nil, count: outputCount)
        let status = f.createOutputVstreams(handle, outputParams, outputCount, &outputs)
        if status != 0 {
            _ = f.releaseInputVstreams(inputs, inputCount)
            try library.check(status, "hailo_create_output_vstreams")
        }
        return try HailoVStreams(group: self, inputs: inputs.compactMap { $0 }, outputs: outputs.compactMap { $0 })
    }
}
