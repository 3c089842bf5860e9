/// A `hailo_status`. Unknown codes are kept: newer libraries add some.
public struct HailoStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let success = Self(rawValue: 0)
    public static let invalidArgument = Self(rawValue: 2)
    public static let outOfHostMemory = Self(rawValue: 3)
    public static let timeout = Self(rawValue: 4)
    public static let insufficientBuffer = Self(rawValue: 5)
    public static let invalidOperation = Self(rawValue: 6)
    public static let notImplemented = Self(rawValue: 7)
    public static let internalFailure = Self(rawValue: 8)
    public static let openFileFailure = Self(rawValue: 13)
    public static let unsupportedFirmwareVersion = Self(rawValue: 16)
    public static let invalidHEF = Self(rawValue: 26)
    public static let driverOperationFailed = Self(rawValue: 36)
    public static let notFound = Self(rawValue: 61)
    public static let streamAbort = Self(rawValue: 63)
    public static let deviceInUse = Self(rawValue: 73)
    public static let outOfPhysicalDevices = Self(rawValue: 74)
    public static let invalidDriverVersion = Self(rawValue: 76)
    public static let rpcFailed = Self(rawValue: 77)
    public static let invalidServiceVersion = Self(rawValue: 78)
    public static let notSupported = Self(rawValue: 79)
    public static let driverInvalidResponse = Self(rawValue: 85)
    public static let driverInvalidIOCTL = Self(rawValue: 86)
    public static let driverTimeout = Self(rawValue: 87)
    public static let driverInterrupted = Self(rawValue: 88)
    public static let hefFileCorrupted = Self(rawValue: 91)
    public static let hefNotSupported = Self(rawValue: 92)
    public static let hefNotCompatibleWithDevice = Self(rawValue: 93)

    static let names: [UInt32: String] = [
        0: "HAILO_SUCCESS", 2: "HAILO_INVALID_ARGUMENT", 3: "HAILO_OUT_OF_HOST_MEMORY", 4: "HAILO_TIMEOUT",
        5: "HAILO_INSUFFICIENT_BUFFER", 6: "HAILO_INVALID_OPERATION", 7: "HAILO_NOT_IMPLEMENTED",
        8: "HAILO_INTERNAL_FAILURE", 13: "HAILO_OPEN_FILE_FAILURE", 16: "HAILO_UNSUPPORTED_FW_VERSION",
        26: "HAILO_INVALID_HEF", 36: "HAILO_DRIVER_OPERATION_FAILED", 61: "HAILO_NOT_FOUND",
        63: "HAILO_STREAM_ABORT", 69: "HAILO_NETWORK_GROUP_NOT_ACTIVATED", 73: "HAILO_DEVICE_IN_USE",
        74: "HAILO_OUT_OF_PHYSICAL_DEVICES", 76: "HAILO_INVALID_DRIVER_VERSION", 77: "HAILO_RPC_FAILED",
        78: "HAILO_INVALID_SERVICE_VERSION", 79: "HAILO_NOT_SUPPORTED", 82: "HAILO_QUEUE_IS_FULL",
        85: "HAILO_DRIVER_INVALID_RESPONSE", 86: "HAILO_DRIVER_INVALID_IOCTL", 87: "HAILO_DRIVER_TIMEOUT",
        88: "HAILO_DRIVER_INTERRUPTED", 91: "HAILO_HEF_FILE_CORRUPTED", 92: "HAILO_HEF_NOT_SUPPORTED",
        93: "HAILO_HEF_NOT_COMPATIBLE_WITH_DEVICE",
    ]

    /// The enum's name, e.g. `HAILO_TIMEOUT`, or `HAILO_STATUS_<n>` for codes unknown here.
    public var name: String { Self.names[rawValue] ?? "HAILO_STATUS_\(rawValue)" }

    public var description: String { "\(name) (\(rawValue))" }

    /// Errors after which the device's pipelines cannot be trusted and must be rebuilt.
    public var isDeviceFault: Bool {
        [.streamAbort, .driverTimeout, .timeout, .driverOperationFailed, .driverInvalidResponse, .driverInterrupted, .internalFailure]
            .contains(self)
    }
}
