internal import CHailoRT
import Foundation

/// A `hailo_hef`: a compiled model, read from a file or from bytes (which HailoRT copies).
///
/// `@unchecked Sendable`: read-only after creation; released on deinit.
public final class HailoHEF: @unchecked Sendable {
    let library: HailoLibrary
    let handle: OpaquePointer

    public init(library: HailoLibrary, path: String) throws(HailoError) {
        var handle: OpaquePointer?
        try library.check(library.functions.createHefFile(&handle, path), "hailo_create_hef_file")
        self.library = library
        self.handle = handle!
    }

    public init(library: HailoLibrary, bytes: [UInt8]) throws(HailoError) {
        var handle: OpaquePointer?
        let status = bytes.withUnsafeBytes { library.functions.createHefBuffer(&handle, $0.baseAddress, $0.count) }
        try library.check(status, "hailo_create_hef_buffer")
        self.library = library
        self.handle = handle!
    }

    deinit {
        _ = library.functions.releaseHef(handle)
    }

    /// Names of the HEF's network groups.
    public func networkGroupNames() throws(HailoError) -> [String] {
        var count = 8
        var infos = [hailo_network_group_info_t](repeating: hailo_network_group_info_t(), count: count)
        try library.check(library.functions.getNetworkGroupsInfos(handle, &infos, &count), "hailo_get_network_groups_infos")
        return infos.prefix(count).map { CStrings.string($0.name) }
    }

    /// Input and output vstreams of the first network group, as the HEF describes them.
    public func vstreamInfos() throws(HailoError) -> [HailoVStreamInfo] {
        var count = 64
        var infos = [hailo_vstream_info_t](repeating: hailo_vstream_info_t(), count: count)
        var status = library.functions.hefGetAllVstreamInfos(handle, nil, &infos, &count)
        if HailoStatus(rawValue: status) == .insufficientBuffer {
            infos = [hailo_vstream_info_t](repeating: hailo_vstream_info_t(), count: count)
            status = library.functions.hefGetAllVstreamInfos(handle, nil, &infos, &count)
        }
        try library.check(status, "hailo_hef_get_all_vstream_infos")
        return infos.prefix(count).map { HailoVStreamInfo($0, quantInfos: [], profile: library.profile) }
    }
}
