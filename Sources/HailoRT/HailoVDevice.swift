internal import CHailoRT
import Foundation

/// A `hailo_vdevice` with the model scheduler on: owns its physical devices (claimed for
/// inference until released) and every network group configured on it.
///
/// `@unchecked Sendable`: HailoRT serialises its own state; the handle is released only by
/// `release()`, which callers invoke once nothing else uses the vdevice.
public final class HailoVDevice: @unchecked Sendable {
    public let library: HailoLibrary
    private(set) var handle: OpaquePointer?
    /// C strings handed to HailoRT, which keeps pointers to them for the vdevice's life.
    private let groupID: UnsafeMutablePointer<CChar>
    private let deviceIDs: UnsafeMutablePointer<hailo_device_id_t>?

    /// Creates a scheduled (round-robin) vdevice over `deviceIDs`, or over every free device
    /// when nil. With `multiProcessGroup`, it is opened through HailoRT's multi-process service
    /// (`hailort_service` on the host), shared with every other client naming the same group id.
    public init(
        library: HailoLibrary, deviceIDs ids: [String]? = nil, deviceCount: Int? = nil,
        multiProcessGroup: String? = nil
    ) throws(HailoError) {
        var params = hailo_vdevice_params_t()
        try library.check(library.functions.initVdeviceParams(&params), "hailo_init_vdevice_params")
        groupID = strdup(multiProcessGroup ?? "UNIQUE")!
        params.group_id = UnsafePointer(groupID)
        params.multi_process_service = multiProcessGroup != nil
        params.scheduling_algorithm = 1  // ROUND_ROBIN
        if let ids, !ids.isEmpty {
            let buffer = UnsafeMutablePointer<hailo_device_id_t>.allocate(capacity: ids.count)
            for (i, id) in ids.enumerated() {
                buffer[i] = hailo_device_id_t()
                CStrings.write(id, into: &buffer[i].id)
            }
            deviceIDs = buffer
            params.device_ids = buffer
            params.device_count = UInt32(ids.count)
        } else {
            deviceIDs = nil
            if let deviceCount { params.device_count = UInt32(max(1, deviceCount)) }
        }
        var handle: OpaquePointer?
        let status = library.functions.createVdevice(&params, &handle)
        self.library = library
        guard status == 0, let handle else {
            // Every property is set, so deinit runs and frees the C strings.
            throw HailoError(status: HailoStatus(rawValue: status), operation: "hailo_create_vdevice")
        }
        self.handle = handle
    }

    deinit {
        release()
        free(groupID)
        deviceIDs?.deallocate()
    }

    /// Releases the vdevice: aborts every stream on it, frees its network groups and lets other
    /// processes claim its devices. Idempotent.
    public func release() {
        guard let handle else { return }
        self.handle = nil
        _ = library.functions.releaseVdevice(handle)
    }

    func live(_ operation: String) throws(HailoError) -> OpaquePointer {
        guard let handle else { throw HailoError(status: .invalidOperation, operation: operation, message: "the vdevice was released") }
        return handle
    }

    /// The physical devices of this vdevice (owned by it: valid until `release`).
    public func physicalDevices() throws(HailoError) -> [HailoDevice] {
        let vdevice = try live("hailo_get_physical_devices")
        var count = 16
        var handles = [OpaquePointer?](repeating: nil, count: count)
        try library.check(library.functions.getPhysicalDevices(vdevice, &handles, &count), "hailo_get_physical_devices")
        return handles.prefix(count).compactMap { $0 }.map { HailoDevice(library: library, handle: $0, owned: false, owner: self) }
    }

    /// Configures the HEF's first network group on this vdevice.
    public func configure(_ hef: HailoHEF, batchSize: Int? = nil, ultraPerformance: Bool = false) throws(HailoError) -> HailoNetworkGroup {
        let vdevice = try live("hailo_configure_vdevice")
        let params = UnsafeMutablePointer<hailo_configure_params_t>.allocate(capacity: 1)  // 84 KB: heap
        defer { params.deallocate() }
        try library.check(
            library.functions.initConfigureParamsByVdevice(hef.handle, vdevice, params), "hailo_init_configure_params_by_vdevice")
        let count = Int(params.pointee.network_group_params_count)
        withUnsafeMutableBytes(of: &params.pointee.network_group_params) { raw in
            let groups = raw.bindMemory(to: hailo_configure_network_group_params_t.self)
            for i in 0..<min(count, groups.count) {
                if let batchSize { groups[i].batch_size = UInt16(clamping: batchSize) }
                groups[i].power_mode = ultraPerformance ? 1 : 0
            }
        }
        var group: OpaquePointer?
        var groups = 1
        try library.check(library.functions.configureVdevice(vdevice, hef.handle, params, &group, &groups), "hailo_configure_vdevice")
        return HailoNetworkGroup(vdevice: self, handle: group!)
    }
}
