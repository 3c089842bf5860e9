internal import CHailoRT
import Foundation

/// What `hailo_identify` reports about a board.
public struct HailoIdentity: Sendable, Equatable {
    public var boardName: String
    public var serialNumber: String
    public var partNumber: String
    public var productName: String
    public var firmwareVersion: HailoVersion
    public var firmwareIsRelease: Bool
    /// `HAILO8`, `HAILO8L`, … (from `hailo_device_architecture_t`).
    public var architecture: String
}

/// A physical Hailo device handle: owned by a VDevice (never released here) or opened on its own
/// for monitoring (released on deinit).
///
/// `@unchecked Sendable`: HailoRT's device controls are safe to call from any thread; the handle
/// is immutable and outlives every use (its VDevice or this object owns it).
public final class HailoDevice: @unchecked Sendable {
    let library: HailoLibrary
    let handle: OpaquePointer
    let owned: Bool
    /// Keeps the owning VDevice alive while this handle is used.
    let owner: AnyObject?

    init(library: HailoLibrary, handle: OpaquePointer, owned: Bool, owner: AnyObject?) {
        self.library = library
        self.handle = handle
        self.owned = owned
        self.owner = owner
    }

    /// Opens a device for monitoring (identify, temperature, power) without claiming it for
    /// inference; works while another process runs inference on it.
    public convenience init(library: HailoLibrary, id: String) throws(HailoError) {
        var deviceID = hailo_device_id_t()
        CStrings.write(id, into: &deviceID.id)
        var handle: OpaquePointer?
        try library.check(library.functions.createDeviceById(&deviceID, &handle), "hailo_create_device_by_id(\(id))")
        self.init(library: library, handle: handle!, owned: true, owner: nil)
    }

    deinit {
        if owned { _ = library.functions.releaseDevice(handle) }
    }

    /// The PCIe id, e.g. `0000:01:00.0`.
    public func id() throws(HailoError) -> String {
        var id = hailo_device_id_t()
        try library.check(library.functions.getDeviceId(handle, &id), "hailo_get_device_id")
        return CStrings.string(id.id)
    }

    public func identify() throws(HailoError) -> HailoIdentity {
        var raw = hailo_device_identity_t()
        try library.check(library.functions.identify(handle, &raw), "hailo_identify")
        let architectures = ["HAILO8_A0", "HAILO8", "HAILO8L", "HAILO15H", "HAILO15L", "HAILO15M", "HAILO10H", "MARS"]
        let arch = Int(raw.device_architecture)
        return HailoIdentity(
            boardName: CStrings.string(raw.board_name, length: Int(raw.board_name_length)),
            serialNumber: CStrings.string(raw.serial_number, length: Int(raw.serial_number_length)),
            partNumber: CStrings.string(raw.part_number, length: Int(raw.part_number_length)),
            productName: CStrings.string(raw.product_name, length: Int(raw.product_name_length)),
            firmwareVersion: HailoVersion(
                major: Int(raw.fw_version.major), minor: Int(raw.fw_version.minor), revision: Int(raw.fw_version.revision)),
            firmwareIsRelease: raw.is_release,
            architecture: arch < architectures.count ? architectures[arch] : "ARCH_\(arch)")
    }

    /// Chip temperature in °C: the hotter of the two on-die sensors.
    public func temperature() throws(HailoError) -> Float {
        var info = hailo_chip_temperature_info_t()
        try library.check(library.functions.getChipTemperature(handle, &info), "hailo_get_chip_temperature")
        return max(info.ts0_temperature, info.ts1_temperature)
    }

    /// Whether temperature/over-current throttling is enabled.
    public func throttling() throws(HailoError) -> Bool {
        var active = false
        try library.check(library.functions.getThrottlingState(handle, &active), "hailo_get_throttling_state")
        return active
    }

    /// Power in watts (one-shot measurement); throws on boards without a power sensor.
    public func power() throws(HailoError) -> Float {
        var watts: Float = 0
        try library.check(
            library.functions.powerMeasurement(handle, 0x7fff_ffff /* DVM AUTO */, 2 /* POWER */, &watts), "hailo_power_measurement")
        return watts
    }

    /// Health notifications this binding subscribes to.
    public enum Notification: UInt32, Sendable, CaseIterable {
        case temperatureAlarm = 1
        case overcurrentAlarm = 3
        case clockChanged = 10
    }

    /// Calls `handler` (on a HailoRT thread) for `notification`. The handler box is retained by
    /// the returned token; keep it as long as the device.
    public func observe(_ notification: Notification, handler: @escaping @Sendable (Notification) -> Void) throws(HailoError) -> AnyObject {
        let box = NotificationBox(handler: handler)
        let opaque = Unmanaged.passUnretained(box).toOpaque()
        try library.check(
            library.functions.setNotificationCallback(
                handle,
                { _, notification, opaque in
                    guard let notification, let opaque else { return }
                    let box = Unmanaged<NotificationBox>.fromOpaque(opaque).takeUnretainedValue()
                    let id = withUnsafeBytes(of: notification.pointee) { $0.loadUnaligned(fromByteOffset: 0, as: UInt32.self) }
                    if let kind = Notification(rawValue: id) { box.handler(kind) }
                }, notification.rawValue, opaque), "hailo_set_notification_callback")
        return box
    }

    final class NotificationBox: Sendable {
        let handler: @Sendable (Notification) -> Void
        init(handler: @escaping @Sendable (Notification) -> Void) { self.handler = handler }
    }
}

extension HailoLibrary {
    /// Ids of the Hailo devices present (`0000:01:00.0`, …). Empty when the driver is not loaded.
    public func scanDevices() throws(HailoError) -> [String] {
        var count = 0
        var ids = [hailo_device_id_t](repeating: hailo_device_id_t(), count: 16)
        count = ids.count
        var status = functions.scanDevices(nil, &ids, &count)
        if HailoStatus(rawValue: status) == .insufficientBuffer {
            ids = [hailo_device_id_t](repeating: hailo_device_id_t(), count: count)
            status = functions.scanDevices(nil, &ids, &count)
        }
        try check(status, "hailo_scan_devices")
        return ids.prefix(count).map { CStrings.string($0.id) }
    }
}
