internal import CHailoRT
import Foundation

/// The input and output vstreams of one network group, identified by their infos (HailoRT
/// returns handles in its own name order), released together.
///
/// `@unchecked Sendable`: each vstream is used by one thread at a time (one writer per input,
/// one reader per output); `release()` runs after those threads have stopped.
public final class HailoVStreams: @unchecked Sendable {
    public let group: HailoNetworkGroup
    public let inputs: [HailoInputVStream]
    public let outputs: [HailoOutputVStream]
    private var released = false

    init(group: HailoNetworkGroup, inputs: [OpaquePointer], outputs: [OpaquePointer]) throws(HailoError) {
        self.group = group
        let library = group.library
        do {
            self.inputs = try inputs.map { (handle) throws(HailoError) in try HailoInputVStream(library: library, handle: handle) }
                .sorted { $0.info.name < $1.info.name }
            self.outputs = try outputs.map { (handle) throws(HailoError) in try HailoOutputVStream(library: library, handle: handle) }
                .sorted { $0.info.name < $1.info.name }
        } catch {
            _ = library.functions.releaseOutputVstreams(outputs.map { Optional($0) }, outputs.count)
            _ = library.functions.releaseInputVstreams(inputs.map { Optional($0) }, inputs.count)
            throw error
        }
    }

    deinit { release() }

    /// Frees the vstreams. Call after stopping the threads that use them. Idempotent.
    public func release() {
        guard !released else { return }
        released = true
        let f = group.library.functions
        _ = f.releaseOutputVstreams(outputs.map { Optional($0.handle) }, outputs.count)
        _ = f.releaseInputVstreams(inputs.map { Optional($0.handle) }, inputs.count)
    }
}

/// An input vstream taking UINT8 NHWC frames.
public final class HailoInputVStream: @unchecked Sendable {
    // @unchecked: written by one thread at a time (the model's writer thread).
    let library: HailoLibrary
    let handle: OpaquePointer
    public let info: HailoVStreamInfo
    public let frameSize: Int

    init(library: HailoLibrary, handle: OpaquePointer) throws(HailoError) {
        var raw = hailo_vstream_info_t()
        try library.check(library.functions.getInputVstreamInfo(handle, &raw), "hailo_get_input_vstream_info")
        var size = 0
        try library.check(library.functions.getInputVstreamFrameSize(handle, &size), "hailo_get_input_vstream_frame_size")
        self.library = library
        self.handle = handle
        self.info = HailoVStreamInfo(raw, quantInfos: [], profile: library.profile)
        self.frameSize = size
    }

    /// Writes one frame; blocks while the vstream's queue is full.
    public func write(_ frame: UnsafeRawBufferPointer) throws(HailoError) {
        try library.check(
            library.functions.vstreamWriteRawBuffer(handle, frame.baseAddress, frame.count), "hailo_vstream_write_raw_buffer(\(info.name))")
    }
}

/// An output vstream: FLOAT32 `NMS_BY_CLASS` for NMS outputs, the device's type otherwise.
public final class HailoOutputVStream: @unchecked Sendable {
    // @unchecked: read by one thread at a time (the model's reader thread).
    let library: HailoLibrary
    let handle: OpaquePointer
    public let info: HailoVStreamInfo
    public let frameSize: Int
    /// Bytes per element of the frames this vstream returns.
    public let elementSize: Int

    init(library: HailoLibrary, handle: OpaquePointer) throws(HailoError) {
        var raw = hailo_vstream_info_t()
        try library.check(library.functions.getOutputVstreamInfo(handle, &raw), "hailo_get_output_vstream_info")
        var size = 0
        try library.check(library.functions.getOutputVstreamFrameSize(handle, &size), "hailo_get_output_vstream_frame_size")
        var count = 4096
        var quant = [hailo_quant_info_t](repeating: .init(), count: count)
        try library.check(library.functions.getOutputVstreamQuantInfos(handle, &quant, &count), "hailo_get_output_vstream_quant_infos")
        self.library = library
        self.handle = handle
        self.info = HailoVStreamInfo(raw, quantInfos: Array(quant.prefix(count)), profile: library.profile)
        self.frameSize = size
        switch info.layout {
        case .nmsByClass:
            elementSize = 4
        case .tensor(let h, let w, let f):
            let elements = max(1, h * w * f)
            elementSize = size % elements == 0 ? max(1, size / elements) : 1
        }
    }

    /// Reads the next frame into `buffer` (exactly `frameSize` bytes); blocks until it exists.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(HailoError) {
        try library.check(
            library.functions.vstreamReadRawBuffer(handle, buffer.baseAddress, buffer.count), "hailo_vstream_read_raw_buffer(\(info.name))")
    }

    /// NMS overrides; throw when the vstream has no host-side NMS to configure.
    public func setNMSScoreThreshold(_ threshold: Float) throws(HailoError) {
        try library.check(library.functions.vstreamSetNmsScoreThreshold(handle, threshold), "hailo_vstream_set_nms_score_threshold")
    }

    public func setNMSIoUThreshold(_ threshold: Float) throws(HailoError) {
        try library.check(library.functions.vstreamSetNmsIouThreshold(handle, threshold), "hailo_vstream_set_nms_iou_threshold")
    }

    public func setNMSMaxProposalsPerClass(_ count: Int) throws(HailoError) {
        try library.check(
            library.functions.vstreamSetNmsMaxProposalsPerClass(handle, UInt32(clamping: count)),
            "hailo_vstream_set_nms_max_proposals_per_class")
    }
}
