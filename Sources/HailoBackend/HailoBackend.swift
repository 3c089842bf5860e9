import Foundation
import HailoRT
public import InferenceCore
public import Logging

/// Runs `.hef` models on Hailo-8 devices through HailoRT 4.20 to 4.23, the version of the host's
/// driver, loaded at run time.
public final class HailoBackend: InferenceBackend {
    public struct Configuration: Sendable {
        /// Path of libhailort given by flag or environment; nil searches the usual places.
        public var libraryPath: String?
        /// Devices to use (`0000:01:00.0`, …); nil takes every free one.
        public var deviceIDs: [String]?
        /// Where HailoRT writes its own log (`HAILORT_LOGGER_PATH`).
        public var loggerDirectory: String?
        /// The driver's version file: it chooses the library and explains a mismatch.
        public var driverVersionFile: String
        /// Open the devices through HailoRT's multi-process service with this group id, to share
        /// them with other Hailo applications that use the service too; nil opens them directly.
        public var multiProcessGroup: String?
        /// How often temperature, throttling and power are read.
        public var monitorInterval: Duration
        /// First and longest wait between attempts to (re)open the devices.
        public var initialBackoff: Double
        public var maximumBackoff: Double
        /// The clock the waits between attempts are measured on (tests advance their own).
        public var clock: any Clock<Duration> = ContinuousClock()

        public init(
            libraryPath: String? = nil, deviceIDs: [String]? = nil, loggerDirectory: String? = nil,
            driverVersionFile: String = "/sys/module/hailo_pci/version", monitorInterval: Duration = .seconds(5),
            initialBackoff: Double = 0.5, maximumBackoff: Double = 30, multiProcessGroup: String? = nil
        ) {
            self.multiProcessGroup = multiProcessGroup
            self.libraryPath = libraryPath
            self.deviceIDs = deviceIDs
            self.loggerDirectory = loggerDirectory
            self.driverVersionFile = driverVersionFile
            self.monitorInterval = monitorInterval
            self.initialBackoff = initialBackoff
            self.maximumBackoff = maximumBackoff
        }

        /// Seconds to wait before attempt `attempt + 1`: doubling from `initialBackoff`.
        func backoff(attempt: Int) -> Double {
            min(maximumBackoff, initialBackoff * pow(2, Double(min(attempt, 16))))
        }

        /// The hailo_pci driver's version, when the module is loaded (read from sysfs: at start
        /// and by the monitor, not on every request).
        func driverVersion() -> String? {
            (try? String(contentsOfFile: driverVersionFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    public let kind = DeviceKind.hailo
    public let formats: Set<ModelFormat> = [.hef]
    public let configuration: Configuration
    let library: Result<HailoLibrary, HailoLoadError>
    let manager: HailoDeviceManager?
    let logger: Logger
    /// The driver's version when the backend was made (the manager's monitor keeps its own fresh).
    let driverVersionAtStart: String?

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let driverVersion = configuration.driverVersion()
        driverVersionAtStart = driverVersion
        library = Result { () throws(HailoLoadError) in
            try HailoLibrary.load(
                candidates: HailoLibrary.searchPaths(
                    explicit: configuration.libraryPath,
                    driverVersion: driverVersion.flatMap(HailoVersion.init)),
                loggerDirectory: configuration.loggerDirectory)
        }
        switch library {
        case .success(let lib):
            manager = HailoDeviceManager(library: lib, configuration: configuration, logger: logger, driverVersion: driverVersion)
            logger.info(
                "HailoRT loaded",
                metadata: [
                    "version": "\(lib.version)", "library": "\(lib.path)", "driver": "\(driverVersion ?? "not loaded")",
                ])
        case .failure(let error):
            manager = nil
            logger.info("Hailo backend unavailable", metadata: ["reason": "\(error)"])
        }
    }

    /// Claims the devices (keeps retrying in the background when they are not free).
    public func start() async {
        await manager?.start()
    }

    public func shutdown() async {
        await manager?.shutdown()
    }

    public var status: BackendStatus {
        switch library {
        case .failure(let error):
            return BackendStatus(
                available: false, runtime: "hailort",
                reason:
                    "\(error); install the HailoRT library of the hailo_pci driver's version (\(driverVersionAtStart.map { "libhailort.so.\($0)" } ?? "driver not loaded")) or pass --hailort-library",
                state: "unavailable")
        case .success(let lib):
            let state = manager?.currentState ?? .unavailable(reason: "no manager")
            return BackendStatus(
                available: state == .ready, runtime: "hailort", version: lib.version.description, library: lib.path,
                reason: manager?.statusReason, state: state.name)
        }
    }

    public func devices() -> [DeviceInfo] {
        let status = status
        guard let manager, !manager.devices.isEmpty else {
            return [
                DeviceInfo(
                    id: "hailo", kind: .hailo, name: "Hailo-8", available: false, state: status.state ?? "unavailable",
                    runtime: "hailort", runtimeVersion: status.version, library: status.library, reason: status.reason)
            ]
        }
        let faults = manager.faults
        return manager.devices.map { snapshot in
            var details: [String: String] = ["models": manager.modelNames.joined(separator: ","), "faults": "\(faults.count)"]
            details["driver_version"] = manager.driverVersion
            details["multi_process_group"] = configuration.multiProcessGroup
            details["last_fault"] = faults.last
            if let identity = snapshot.identity {
                details["board_name"] = identity.boardName
                details["architecture"] = identity.architecture
                details["serial_number"] = identity.serialNumber
                details["part_number"] = identity.partNumber
                details["product_name"] = identity.productName
                details["firmware_version"] = identity.firmwareVersion.description + (identity.firmwareIsRelease ? "" : " (development)")
            }
            details["temperature_c"] = snapshot.temperature.map { String(format: "%.1f", $0) }
            details["throttling"] = snapshot.throttling.map { $0 ? "enabled" : "disabled" }
            details["power_w"] = snapshot.power.map { String(format: "%.2f", $0) }
            for (alarm, count) in snapshot.alarms { details["alarm_\(alarm)"] = "\(count)" }
            return DeviceInfo(
                id: snapshot.id, kind: .hailo, name: snapshot.identity?.boardName ?? "Hailo-8",
                available: status.available, state: status.state ?? "unknown", runtime: "hailort",
                runtimeVersion: status.version, library: status.library, reason: snapshot.error ?? status.reason, details: details)
        }
    }

    /// The devices present, read without claiming them (works while another process, such as a
    /// running service, owns them): for `hailo8-service devices`.
    public func probeDevices() -> [DeviceInfo] {
        guard case .success(let library) = library else { return devices() }
        let ids: [String]
        do {
            ids = try library.scanDevices()
        } catch {
            return [
                DeviceInfo(
                    id: "hailo", kind: .hailo, name: "Hailo-8", available: false, state: "unavailable", runtime: "hailort",
                    runtimeVersion: library.version.description, library: library.path, reason: "\(error)")
            ]
        }
        if ids.isEmpty {
            return [
                DeviceInfo(
                    id: "hailo", kind: .hailo, name: "Hailo-8", available: false, state: "absent", runtime: "hailort",
                    runtimeVersion: library.version.description, library: library.path,
                    reason: "no Hailo device found (is the hailo_pci driver loaded?)")
            ]
        }
        return ids.map { id in
            var details: [String: String] = ["driver_version": configuration.driverVersion() ?? "not loaded"]
            var reason: String?
            do {
                let device = try HailoDevice(library: library, id: id)
                let identity = try device.identify()
                details["board_name"] = identity.boardName
                details["architecture"] = identity.architecture
                details["serial_number"] = identity.serialNumber
                details["part_number"] = identity.partNumber
                details["firmware_version"] = identity.firmwareVersion.description
                details["temperature_c"] = (try? device.temperature()).map { String(format: "%.1f", $0) }
            } catch {
                reason = "\(error)"
            }
            return DeviceInfo(
                id: id, kind: .hailo, name: details["board_name"] ?? "Hailo-8", available: reason == nil,
                state: reason == nil ? "present" : "error", runtime: "hailort", runtimeVersion: library.version.description,
                library: library.path, reason: reason, details: details)
        }
    }

    public func load(path: String, options: ModelOptions) async throws -> any LoadedModel {
        guard let manager else {
            throw InferenceError(.unavailable, .backendUnavailable, "the Hailo backend is not available: \(status.reason ?? "")")
        }
        try Self.validate(options)
        let bytes = try await Blocking.run { try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) }
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try await manager.load(hefBytes: bytes, name: name, options: options)
    }

    /// Refuses Hailo load options HailoRT would reject, with the valid range.
    static func validate(_ options: ModelOptions) throws(InferenceError) {
        func check(_ ok: Bool, _ message: String) throws(InferenceError) {
            if !ok { throw InferenceError.invalidRequest(message) }
        }
        try check(
            options.schedulerPriority.map { (0...31).contains($0) } ?? true, "scheduler_priority must be 0…31 (16 is HailoRT's default)")
        try check(options.batchSize.map { (0...Int(UInt16.max)).contains($0) } ?? true, "batch_size must be 0 (automatic) or more")
        try check(options.schedulerTimeoutMs.map { $0 >= 0 } ?? true, "scheduler_timeout_ms must be 0 or more")
        try check(options.schedulerThreshold.map { $0 >= 0 } ?? true, "scheduler_threshold must be 0 or more")
        try check(
            options.powerMode.map { ["performance", "ultra_performance"].contains($0) } ?? true,
            "power_mode must be performance or ultra_performance")
        try check(options.nmsScoreThreshold.map { (0...1).contains($0) } ?? true, "nms_score_threshold must be within 0…1")
        try check(options.nmsIouThreshold.map { (0...1).contains($0) } ?? true, "nms_iou_threshold must be within 0…1")
        try check(options.nmsMaxProposalsPerClass.map { $0 >= 1 } ?? true, "nms_max_proposals_per_class must be 1 or more")
    }

    public func inspect(path: String) async throws -> ModelSignature {
        guard let manager else {
            throw InferenceError(.unavailable, .backendUnavailable, "the Hailo backend is not available: \(status.reason ?? "")")
        }
        let bytes = try await Blocking.run { try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) }
        return try await manager.inspect(bytes, file: HEFFile(bytes: bytes))
    }
}
