/// A failed HailoRT call: the status, the C function that returned it, and a message a user can
/// act on.
public struct HailoError: Error, Sendable, CustomStringConvertible {
    public var status: HailoStatus
    /// The failing C call, e.g. `hailo_create_vdevice`.
    public var operation: String
    public var message: String

    public init(status: HailoStatus, operation: String, message: String? = nil) {
        self.status = status
        self.operation = operation
        self.message = message ?? Self.advice(for: status)
    }

    public var description: String { "\(operation) failed with \(status): \(message)" }

    /// What the status means on a real installation, and what to do about it.
    public static func advice(for status: HailoStatus, driverVersion: String? = nil, libraryVersion: String? = nil) -> String {
        switch status {
        case .invalidDriverVersion:
            driverMismatchAdvice(driverVersion: driverVersion, libraryVersion: libraryVersion)
        case .outOfPhysicalDevices:
            "no free Hailo device: another process (another container, hailortcli, a second service) owns it, or no board is present; stop the other user or give this service its own board"
        case .deviceInUse:
            "the requested Hailo device is owned by another process; stop it, or list other devices"
        case .driverOperationFailed:
            "cannot open the Hailo device node: pass /dev/hailo0 into the container (--device=/dev/hailo0) and check its permissions"
        case .hefNotCompatibleWithDevice:
            "the HEF was compiled for another Hailo architecture (e.g. Hailo-8L or Hailo-15) than this device; compile it for Hailo-8"
        case .hefNotSupported:
            "the HEF is not supported by this HailoRT (wrong file, or compiled by a newer Dataflow Compiler): recompile it for the HailoRT version in use"
        case .hefFileCorrupted:
            "the HEF file is corrupted (size or checksum mismatch): copy it again"
        case .invalidHEF:
            "the HEF is invalid"
        case .openFileFailure:
            "the HEF file cannot be opened"
        case .timeout:
            "the device did not answer in time"
        case .streamAbort:
            "the device's streams were aborted (device reset or shutdown)"
        case .driverTimeout:
            "the driver timed out talking to the device; a device reset may be required"
        case .unsupportedFirmwareVersion:
            "the device firmware's major.minor does not match libhailort's: update the hailo_pci driver package (it carries the firmware) to the library's version"
        case .rpcFailed:
            "the HailoRT multi-process service (hailort_service) is not reachable: start it on the host (systemctl enable --now hailort.service), and mount its socket /tmp/hailort_uds.sock and /dev/shm into the container"
        case .invalidServiceVersion:
            "the host's hailort_service is another version than libhailort \(libraryVersion ?? "in use"): the service, the library and the driver must be one version"
        case .notSupported:
            "the operation is not supported by this device or library"
        default:
            "HailoRT reported \(status.name)"
        }
    }

    /// What to install when the driver and the library differ (76): the library file of the
    /// driver's version when this service supports it, else a driver it supports.
    static func driverMismatchAdvice(driverVersion: String?, libraryVersion: String?) -> String {
        let library = libraryVersion ?? "unknown"
        guard let text = driverVersion, let driver = HailoVersion(text) else {
            return
                "the hailo_pci driver does not match libhailort \(library) (the driver's version is unknown: is the module loaded? cat /sys/module/hailo_pci/version): install the driver of exactly the library's version"
        }
        guard driver.isSupported else {
            return
                "the hailo_pci driver is \(driver), which this service does not support (HailoRT \(HailoLibrary.supportedRange)): install a hailo_pci driver of one of those versions, and the matching libhailort"
        }
        return
            "the hailo_pci driver is \(driver) but the library loaded is libhailort \(library); no libhailort.so.\(driver) was found: install HailoRT \(driver)'s library (put hailort_\(driver)_<arch>.deb into docker/hailort/ and rebuild the image, or mount the host's /usr/lib/libhailort.so.\(driver))"
    }
}

/// libhailort could not be loaded, or is not the version these declarations were written for.
public struct HailoLoadError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var attempts: [String]

    public init(message: String, attempts: [String] = []) {
        self.message = message
        self.attempts = attempts
    }

    public var description: String {
        attempts.isEmpty ? message : "\(message) (tried: \(attempts.joined(separator: "; ")))"
    }
}
