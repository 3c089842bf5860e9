import Foundation
import HailoRT
import InferenceCore
import Logging

/// Owns the vdevice (every Hailo device given to the service, model scheduler on) and the models
/// configured on it; recovers from device faults by rebuilding the vdevice, with backoff, while
/// the rest of the service keeps serving.
///
/// Every device operation runs on one control thread, so they never overlap.
final class HailoDeviceManager: @unchecked Sendable {
    // @unchecked: mutable state is guarded by `lock`; device handles are only used on `control`.
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

    let library: HailoLibrary
    let configuration: HailoBackend.Configuration
    let logger: Logger
    let control = ControlThread(name: "hailo-control")
    private let lock = NSLock()
    private var state = State.starting
    private var vdevice: HailoVDevice?
    var physicalDevices: [HailoDevice] = []
    var currentSnapshots: [HailoDeviceSnapshot] = []
    private var models: [HailoModel] = []
    var notificationTokens: [AnyObject] = []
    private var isShutDown = false
    /// Bumped by every new attempt to open the devices (start, rebuild, recovery): a retry
    /// scheduled by an older attempt finds it changed and does nothing.
    private var openGeneration = 0
    private var pendingRetry: DispatchWorkItem?
    private var faultCount = 0
    private var lastFault: String?
    var monitorTimer: (any DispatchSourceTimer)?

    init(library: HailoLibrary, configuration: HailoBackend.Configuration, logger: Logger) {
        self.library = library
        self.configuration = configuration
        self.logger = logger
    }

    // MARK: State for status and /devices

    var currentState: State { locked { state } }
    /// Whether a vdevice is held (the boards are claimed).
    var isOpen: Bool { locked { vdevice != nil } }
    /// Attempts made to open the devices so far (for tests of retries against shutdown).
    var openAttempts: Int { locked { attempts } }
    private var attempts = 0
    var faults: (count: Int, last: String?) { locked { (faultCount, lastFault) } }
    var devices: [HailoDeviceSnapshot] { locked { currentSnapshots } }
    var modelNames: [String] { locked { models.map(\.name) } }

    func withLock<T>(_ body: () -> T) -> T { locked(body) }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    // MARK: Start

    /// Claims the devices. On failure the manager keeps retrying with backoff (another process
    /// may release the board), and says why in its state meanwhile.
    func start() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            control.async {
                self.reopen(reason: nil)
                continuation.resume()
            }
        }
        startMonitor()
    }

    /// Starts a new series of attempts to open the devices (control thread), cancelling the
    /// retry of any earlier one.
    private func reopen(reason: String?) {
        let generation = locked { () -> Int in
            pendingRetry?.cancel()
            pendingRetry = nil
            openGeneration += 1
            return openGeneration
        }
        open(attempt: 0, reason: reason, generation: generation)
    }

    /// Opens the vdevice and configures every model on it (control thread). Schedules a retry
    /// on failure. Does nothing after shutdown, when a newer series of attempts began, or when
    /// the devices are open already.
    private func open(attempt: Int, reason: String?, generation: Int) {
        guard locked({ !isShutDown && openGeneration == generation && vdevice == nil }) else { return }
        locked { attempts += 1 }
        var built: HailoVDevice?
        do {
            // Every device present unless the configuration lists some (scan finds 0 without a driver).
            let present = configuration.deviceIDs == nil ? try library.scanDevices().count : 0
            let vdevice = try HailoVDevice(
                library: library, deviceIDs: configuration.deviceIDs, deviceCount: present > 0 ? present : nil,
                multiProcessGroup: configuration.multiProcessGroup)
            built = vdevice
            let devices = try vdevice.physicalDevices()
            let current = locked { models }
            for model in current { try configure(model, on: vdevice) }
            locked {
                self.vdevice = vdevice
                self.physicalDevices = devices
                self.state = .ready
            }
            observeHealth(devices)
            refreshDevices()
            logger.info(
                "Hailo devices ready", metadata: ["devices": "\(locked { currentSnapshots.map(\.id) })", "models": "\(current.count)"])
        } catch {
            let message = describe(error)
            let delay = configuration.backoff(attempt: attempt)
            let current = locked { models }
            if let built {
                // A half-built vdevice (a configure failed): the models configured on it so far
                // let go of their vstreams, then the vdevice itself is released, or it would keep
                // the boards claimed and every retry would fail with 74.
                current.forEach { $0.detachDraining() }
                built.release()
            }
            locked {
                state = attempt == 0 && reason == nil ? .unavailable(reason: message) : .recovering(attempt: attempt + 1, reason: message)
                vdevice = nil
                physicalDevices = []
            }
            // Frames waiting for the device are refused now rather than at their deadlines.
            current.forEach { $0.failHeld(HailoModel.recovering(message)) }
            logger.warning("Hailo devices not available, retrying", metadata: ["error": "\(message)", "retry_in_s": "\(delay)"])
            let retry = DispatchWorkItem { [weak self] in
                guard let manager = self else { return }
                manager.control.async { manager.open(attempt: attempt + 1, reason: message, generation: generation) }
            }
            locked { pendingRetry = retry }
            DispatchQueue.global().asyncAfter(deadline: .now() + delay, execute: retry)
        }
    }

    /// A user-facing sentence for a HailoRT error, with the driver's version where it matters and
    /// the HEF's chip, read from `file`, when the HEF is refused for its architecture.
    func describe(_ error: any Error, file: HEFFile? = nil) -> String {
        guard let error = error as? HailoError else { return "\(error)" }
        if error.status == .invalidDriverVersion {
            return
                "\(error.operation): \(HailoError.advice(for: error.status, driverVersion: configuration.driverVersion(), libraryVersion: library.version.description))"
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
    func load(hefBytes: [UInt8], name: String, options: ModelOptions) async throws -> HailoModel {
        try await control.run { () throws -> HailoModel in
            guard let vdevice = self.locked({ self.vdevice }) else {
                throw InferenceError(.unavailable, .backendUnavailable, "the Hailo device is not available: \(self.statusReason ?? "")")
            }
            let file = HEFFile(bytes: hefBytes)
            let signature = try self.inspect(hefBytes, file: file)
            let model = HailoModel(signature: signature, name: name, hefBytes: hefBytes, options: options, manager: self)
            do {
                try self.configure(model, on: vdevice)
            } catch let error as HailoError {
                throw Self.loadError(error, describe: self.describe(error, file: file))
            }
            self.warnOfLowerPerformance(model.name, file: file)
            self.locked { self.models.append(model) }
            return model
        }
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

    /// Configures `model` on `vdevice` and attaches a pipeline (control thread).
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
            self.control.async { self.recover(from: error, reportedBy: model, pipeline: pipeline) }
        }
    }

    /// Frees an unloaded model. HailoRT 4.23 cannot free one configured network group, so its
    /// vstreams stop at once and the vdevice is rebuilt with the remaining models (their frames
    /// drain first and wait during the rebuild).
    func unload(_ model: HailoModel) async {
        if locked({ isShutDown }) {  // at exit the vdevice is released once, for every model
            model.failHeld(InferenceError(.unavailable, .backendUnavailable, "the service is stopping"))
            return
        }
        _ = try? await control.run {
            self.locked { self.models.removeAll { $0 === model } }
            model.detachDraining()
            model.failHeld(InferenceError(.notFound, .modelNotFound, "the model was unloaded"))
            self.rebuild(reason: "unload of \(model.name)")
        }
    }

    /// Drains every model, releases the vdevice and opens it again (control thread).
    private func rebuild(reason: String) {
        let current = locked { models }
        current.forEach { $0.detachDraining() }
        releaseVDevice()
        logger.info("rebuilding the Hailo vdevice", metadata: ["reason": "\(reason)", "models": "\(current.count)"])
        reopen(reason: reason)
    }

    /// A pipeline reported an I/O error: fail the frames on the device, rebuild (control thread).
    private func recover(from error: HailoError, reportedBy model: HailoModel, pipeline: HailoPipeline) {
        guard model.isAttached(to: pipeline) else { return }  // that pipeline is gone already
        let message = "\(error.status.name) in \(error.operation)"
        locked {
            faultCount += 1
            lastFault = message
            state = .recovering(attempt: 0, reason: message)
        }
        logger.error("Hailo device fault, recovering", metadata: ["error": "\(error)", "model": "\(model.name)"])
        locked { models }.forEach { $0.detachAborting(error) }
        releaseVDevice()
        reopen(reason: message)
    }

    private func releaseVDevice() {
        let old = locked { () -> HailoVDevice? in
            let old = vdevice
            vdevice = nil
            physicalDevices = []
            notificationTokens = []
            return old
        }
        old?.release()
    }

    /// Why models cannot run now after a fault, or nil while the devices serve or are only
    /// being rebuilt for an unload.
    var faultReason: String? {
        switch currentState {
        case .recovering, .unavailable: statusReason
        case .ready, .starting: nil
        }
    }

    /// Why the backend cannot serve now, if it cannot.
    var statusReason: String? {
        switch currentState {
        case .ready: nil
        case .starting: "starting"
        case .recovering(let attempt, let reason): "recovering from \(reason) (attempt \(attempt))"
        case .unavailable(let reason): reason
        }
    }

    /// Stops the monitor, closes every model and releases the devices (at shutdown).
    func shutdown() async {
        guard !locked({ isShutDown }) else { return }
        locked {
            isShutDown = true
            pendingRetry?.cancel()
            pendingRetry = nil
        }
        locked { monitorTimer }?.cancel()
        _ = try? await control.run {
            let current = self.locked { self.models }
            current.forEach { $0.detachDraining() }
            current.forEach { $0.failHeld(InferenceError(.unavailable, .backendUnavailable, "the service is stopping")) }
            self.releaseVDevice()
        }
        control.stop()
    }
}
