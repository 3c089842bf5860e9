import Foundation
import Synchronization
import HailoRT
import InferenceCore
import Logging

/// Owns the vdevice (every Hailo device given to the service, model scheduler on) and the models
/// configured on it; recovers from device faults by rebuilding the vdevice, with backoff, while
/// the rest of the service keeps serving.
///
/// An actor whose executor is its own control thread (`ControlThread`): every device operation
/// runs there, one at a time, and the compiler checks that device state is only touched there.
/// Retries and the monitor are tasks, cancelled when a newer attempt begins or at shutdown;
/// after `shutdown()` the devices cannot be opened again. What other threads read without
/// waiting (state, device snapshots, faults) is published under a lock (`published`).
actor HailoDeviceManager {
    enum State: Sendable, Equatable {
        case starting
        case ready
        case recovering(attempt: Int, reason: String)
        case unavailable(reason: String)

        var name: String {
            switch self {
            case .starting: "starting"
            case .ready: "ready"
            case .recovering: "recovering"
            case .unavailable: "unavailable"
            }
        }
    }

    /// What `status`, `/devices` and the models read from any thread.
    struct Published: Sendable {
        var state = State.starting
        var snapshots: [HailoDeviceSnapshot] = []
        var faultCount = 0
        var lastFault: String?
        var modelNames: [String] = []
        /// The hailo_pci driver's version, read at start and by the monitor (not on every call).
        var driverVersion: String?
    }

    nonisolated let library: HailoLibrary
    nonisolated let configuration: HailoBackend.Configuration
    nonisolated let logger: Logger
    nonisolated let control = ControlThread(name: "hailo-control")
    nonisolated let published: Mutex<Published>
    nonisolated var unownedExecutor: UnownedSerialExecutor { control.asUnownedSerialExecutor() }

    private var vdevice: HailoVDevice?
    var physicalDevices: [HailoDevice] = []
    private var models: [HailoModel] = [] {
        didSet { publish { [names = models.map(\.name)] in $0.modelNames = names } }
    }
    var notificationTokens: [AnyObject] = []
    private var isShutDown = false
    /// Bumped by every new attempt to open the devices (start, rebuild, recovery): a retry
    /// scheduled by an older attempt finds it changed and does nothing (it is cancelled too).
    private var openGeneration = 0
    private var retry: Task<Void, Never>?
    var monitor: Task<Void, Never>?
    /// Attempts made to open the devices so far (for tests of retries against shutdown).
    private(set) var openAttempts = 0
    /// Whether a vdevice is held (the boards are claimed).
    var isOpen: Bool { vdevice != nil }

    init(library: HailoLibrary, configuration: HailoBackend.Configuration, logger: Logger, driverVersion: String?) {
        self.library = library
        self.configuration = configuration
        self.logger = logger
        published = Mutex(Published(driverVersion: driverVersion))
    }

    // MARK: State for status and /devices (any thread)

    nonisolated var currentState: State { published.withLock { $0.state } }
    nonisolated var faults: (count: Int, last: String?) { published.withLock { ($0.faultCount, $0.lastFault) } }
    nonisolated var devices: [HailoDeviceSnapshot] { published.withLock { $0.snapshots } }
    nonisolated var modelNames: [String] { published.withLock { $0.modelNames } }
    nonisolated var driverVersion: String? { published.withLock { $0.driverVersion } }

    nonisolated func publish(_ change: (inout Published) -> Void) {
        published.withLock { change(&$0) }
    }

    // MARK: Start

    /// Claims the devices. On failure the manager keeps retrying with backoff (another process
    /// may release the board), and says why in its state meanwhile.
    func start() {
        reopen(reason: nil)
        startMonitor()
    }

    /// Starts a new series of attempts to open the devices, cancelling the retry of any earlier
    /// one.
    private func reopen(reason: String?) {
        retry?.cancel()
        retry = nil
        openGeneration += 1
        open(attempt: 0, reason: reason, generation: openGeneration)
    }

    /// Opens the vdevice and configures every model on it. Schedules a retry on failure. Does
    /// nothing after shutdown, when a newer series of attempts began, or when the devices are
    /// open already.
    private func open(attempt: Int, reason: String?, generation: Int) {
        guard !isShutDown, openGeneration == generation, vdevice == nil else { return }
        openAttempts += 1
        var built: HailoVDevice?
        do {
            // Every device present unless the configuration lists some (scan finds 0 without a driver).
            let present = configuration.deviceIDs == nil ? try library.scanDevices().count : 0
            let vdevice = try HailoVDevice(
                library: library, deviceIDs: configuration.deviceIDs, deviceCount: present > 0 ? present : nil,
                multiProcessGroup: configuration.multiProcessGroup)
            built = vdevice
            let devices = try vdevice.physicalDevices()
            for model in models { try configure(model, on: vdevice) }
            self.vdevice = vdevice
            physicalDevices = devices
            publish { $0.state = .ready }
            observeHealth(devices)
            refreshDevices()
            logger.info("Hailo devices ready", metadata: ["devices": "\(self.devices.map(\.id))", "models": "\(models.count)"])
        } catch {
            let message = describe(error)
            let delay = configuration.backoff(attempt: attempt)
            if let built {
                // A half-built vdevice (a configure failed): the models configured on it so far
                // let go of their vstreams, then the vdevice itself is released, or it would keep
                // the boards claimed and every retry would fail with 74.
                models.forEach { $0.detachDraining() }
                built.release()
            }
            vdevice = nil
            physicalDevices = []
            publish {
                $0.state =
                    attempt == 0 && reason == nil ? .unavailable(reason: message) : .recovering(attempt: attempt + 1, reason: message)
            }
            // Frames waiting for the device are refused now rather than at their deadlines.
            models.forEach { $0.failHeld(HailoModel.recovering(message)) }
            logger.warning("Hailo devices not available, retrying", metadata: ["error": "\(message)", "retry_in_s": "\(delay)"])
            let clock = configuration.clock
            retry = Task { [weak self] in
                do {
                    try await clock.sleep(for: .seconds(delay))
                } catch {
                    return  // cancelled: a newer attempt began, or shutdown
                }
                await self?.open(attempt: attempt + 1, reason: message, generation: generation)
            }
        }
    }

    /// A user-facing sentence for a HailoRT error, with the driver's version where it matters and
    /// the HEF's chip, read from `file`, when the HEF is refused for its architecture.
    func describe(_ error: any Error, file: HEFFile? = nil) -> String {
        guard let error = error as? HailoError else { return "\(error)" }
        if error.status == .invalidDriverVersion {
            return
                "\(error.operation): \(HailoError.advice(for: error.status, driverVersion: driverVersion, libraryVersion: library.version.description))"
        }
        if error.status == .hefNotCompatibleWithDevice || (error.status == .invalidHEF && !library.profile.hasHEFStatuses) {
            return
                "\(error.operation): \(hefArchitectureAdvice(error.status, file: file, atConfigure: error.operation == "hailo_configure_vdevice"))"
        }
        if error.status == .rpcFailed || error.status == .invalidServiceVersion {
            return
                "\(error.operation): \(HailoError.advice(for: error.status, libraryVersion: library.version.description)) (\(error.status.name))"
        }
        if error.status == .outOfPhysicalDevices, let group = configuration.multiProcessGroup,
            (try? library.scanDevices())?.isEmpty == false
        {
            return
                "\(error.operation): no free Hailo device through hailort_service: a process opened it directly, or the service serves it to another group id than '\(group)'; every application sharing the board must use the service with the same group id (\(error.status.name))"
        }
        if error.status == .outOfPhysicalDevices, (try? library.scanDevices())?.isEmpty == true {
            return
                "\(error.operation): no Hailo device found (the hailo_pci driver is not loaded, or no board is present / visible in this container)"
        }
        return "\(error.operation): \(error.message) (\(error.status.name))"
    }

    // MARK: Models

    /// Configures a HEF on the vdevice and starts its pipeline.
    func load(hefBytes: [UInt8], name: String, options: ModelOptions) throws -> HailoModel {
        guard let vdevice else {
            throw InferenceError(.unavailable, .backendUnavailable, "the Hailo device is not available: \(statusReason ?? "")")
        }
        let file = HEFFile(bytes: hefBytes)
        let signature = try inspect(hefBytes, file: file)
        let model = HailoModel(signature: signature, name: name, hefBytes: hefBytes, options: options, manager: self)
        do {
            try configure(model, on: vdevice)
        } catch let error as HailoError {
            throw Self.loadError(error, describe: describe(error, file: file))
        }
        warnOfLowerPerformance(model.name, file: file)
        models.append(model)
        return model
    }

    /// Reads a HEF's signature without touching the device; `file` is what its header says.
    func inspect(_ hefBytes: [UInt8], file: HEFFile?) throws -> ModelSignature {
        do {
            let hef = try HailoHEF(library: library, bytes: hefBytes)
            let infos = try hef.vstreamInfos()
            return HailoSignature.make(
                inputs: infos.filter { $0.direction == .input }.sorted { $0.name < $1.name },
                outputs: infos.filter { $0.direction == .output }.sorted { $0.name < $1.name },
                networkGroup: try hef.networkGroupNames().first ?? "", file: file)
        } catch {
            throw Self.loadError(error, describe: describe(error, file: file))
        }
    }

    static func loadError(_ error: HailoError, describe: String) -> InferenceError {
        switch error.status {
        case .hefNotSupported, .hefFileCorrupted, .invalidHEF, .hefNotCompatibleWithDevice, .invalidArgument, .notSupported:
            InferenceError(.unprocessable, .modelLoadFailed, describe, cause: error)
        default:
            InferenceError(.unavailable, .backendUnavailable, describe, cause: error)
        }
    }

    /// Configures `model` on `vdevice` and attaches a pipeline.
    private func configure(_ model: HailoModel, on vdevice: HailoVDevice) throws {
        let options = model.options
        let hef = try HailoHEF(library: library, bytes: model.hefBytes)
        let group = try vdevice.configure(hef, batchSize: options.batchSize, ultraPerformance: options.powerMode == "ultra_performance")
        if let priority = options.schedulerPriority { try group.setPriority(priority) }
        if let timeout = options.schedulerTimeoutMs { try group.setTimeout(milliseconds: timeout) }
        if let threshold = options.schedulerThreshold { try group.setThreshold(frames: threshold) }
        let vstreams = try group.makeVStreams()
        for output in vstreams.outputs where output.info.isNMS {
            if let score = options.nmsScoreThreshold { try output.setNMSScoreThreshold(score) }
            if let iou = options.nmsIouThreshold { try output.setNMSIoUThreshold(iou) }
            if let count = options.nmsMaxProposalsPerClass { try output.setNMSMaxProposalsPerClass(count) }
        }
        model.attach(vstreams) { [weak self, weak model] pipeline, error in
            guard let self, let model else { return }
            Task { await self.recover(from: error, reportedBy: model, pipeline: pipeline) }
        }
    }

    /// Frees an unloaded model. HailoRT 4.23 cannot free one configured network group, so its
    /// vstreams stop at once and the vdevice is rebuilt with the remaining models (their frames
    /// drain first and wait during the rebuild).
    func unload(_ model: HailoModel) {
        if isShutDown {  // at exit the vdevice is released once, for every model
            model.failHeld(InferenceError(.unavailable, .backendUnavailable, "the service is stopping"))
            return
        }
        models.removeAll { $0 === model }
        model.detachDraining()
        model.failHeld(InferenceError(.notFound, .modelNotFound, "the model was unloaded"))
        rebuild(reason: "unload of \(model.name)")
    }

    /// Drains every model, releases the vdevice and opens it again.
    private func rebuild(reason: String) {
        models.forEach { $0.detachDraining() }
        releaseVDevice()
        logger.info("rebuilding the Hailo vdevice", metadata: ["reason": "\(reason)", "models": "\(models.count)"])
        reopen(reason: reason)
    }

    /// A pipeline reported an I/O error: fail the frames on the device, rebuild.
    private func recover(from error: HailoError, reportedBy model: HailoModel, pipeline: HailoPipeline) {
        guard !isShutDown, model.isAttached(to: pipeline) else { return }  // that pipeline is gone already
        let message = "\(error.status.name) in \(error.operation)"
        publish {
            $0.faultCount += 1
            $0.lastFault = message
            $0.state = .recovering(attempt: 0, reason: message)
        }
        logger.error("Hailo device fault, recovering", metadata: ["error": "\(error)", "model": "\(model.name)"])
        models.forEach { $0.detachAborting(error) }
        releaseVDevice()
        reopen(reason: message)
    }

    private func releaseVDevice() {
        let old = vdevice
        vdevice = nil
        physicalDevices = []
        notificationTokens = []
        old?.release()
    }

    /// Why models cannot run now after a fault, or nil while the devices serve or are only
    /// being rebuilt for an unload.
    nonisolated var faultReason: String? {
        switch currentState {
        case .recovering, .unavailable: statusReason
        case .ready, .starting: nil
        }
    }

    /// Why the backend cannot serve now, if it cannot.
    nonisolated var statusReason: String? {
        switch currentState {
        case .ready: nil
        case .starting: "starting"
        case .recovering(let attempt, let reason): "recovering from \(reason) (attempt \(attempt))"
        case .unavailable(let reason): reason
        }
    }

    /// Stops the monitor and any pending retry, closes every model and releases the devices (at
    /// shutdown). The devices are never opened again afterwards.
    func shutdown() {
        guard !isShutDown else { return }
        isShutDown = true
        retry?.cancel()
        retry = nil
        monitor?.cancel()
        monitor = nil
        models.forEach { $0.detachDraining() }
        models.forEach { $0.failHeld(InferenceError(.unavailable, .backendUnavailable, "the service is stopping")) }
        releaseVDevice()
    }
}

extension HailoDeviceManager {
    /// Whether the actor's own code runs on the control thread (for tests).
    func isolatedOnControlThread() -> Bool { control.isCurrent }
}
