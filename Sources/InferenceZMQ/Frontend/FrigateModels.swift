import Foundation
import InferenceCore
import Logging
import Synchronization

/// Maps Frigate's `model_name` (the file name of its `model.path`) to a model of the registry,
/// loading the file from the models directory when it is there but not loaded, and remembers
/// which model each peer asked for: inference requests do not name their model.
final class FrigateModels: Sendable {
    let registry: ModelRegistry
    let logger: Logger
    /// Model id by peer (routing id), most recent last; bounded.
    private let peers = Mutex<[String: String]>([:])
    static let maxPeers = 4096

    init(registry: ModelRegistry, logger: Logger) {
        self.registry = registry
        self.logger = logger
    }

    /// What the handshake answers.
    struct Status: Sendable {
        var available: Bool
        var loaded: Bool
        var modelID: String?
        var error: InferenceError?
    }

    /// Finds or loads the model `name` stands for.
    func resolve(_ name: String) async -> Status {
        if let info = await find(name) {
            if info.state == .ready { return Status(available: true, loaded: true, modelID: info.record.modelID) }
            let reason = "model '\(info.record.modelID)' is \(info.state.rawValue)\(info.error.map { ": \($0)" } ?? "")"
            return Status(
                available: true, loaded: false, modelID: info.record.modelID,
                error: InferenceError(.unavailable, .modelNotReady, reason))
        }
        guard Self.isPlainFileName(name), ModelFormat(fileName: name) != nil else {
            return Status(available: false, loaded: false, error: .modelNotFound(name))
        }
        let resolver = await registry.resolver
        do {
            _ = try resolver.resolve(name)
        } catch {
            return Status(available: false, loaded: false, error: error)
        }
        do {
            let (info, _) = try await registry.load(LoadRequest(source: .path(name)))
            return Status(available: true, loaded: info.state == .ready, modelID: info.record.modelID)
        } catch {
            return Status(available: true, loaded: false, error: Self.inferenceError(error))
        }
    }

    /// Saves a model file sent by a peer the way HTTP uploads are saved (the registry writes it
    /// under the data directory's `uploads/`, named by content and sanitised name) and loads it.
    func save(_ name: String, bytes: [UInt8], limit: Int) async -> (saved: Bool, status: Status) {
        guard Self.isPlainFileName(name) else {
            return (
                false,
                Status(
                    available: false, loaded: false,
                    error: .invalidRequest(
                        "model_name '\(name)' is refused: send a plain file name (no directories, no '..')"))
            )
        }
        guard ModelFormat(fileName: name) != nil else {
            return (
                false,
                Status(
                    available: false, loaded: false,
                    error: InferenceError(
                        .unprocessable, .unsupportedModel,
                        "'\(name)' is not a supported model file: expected .onnx (CPU) or .hef (Hailo-8)"))
            )
        }
        guard bytes.count <= limit else {
            return (
                false,
                Status(
                    available: false, loaded: false,
                    error: InferenceError(
                        .payloadTooLarge, .invalidRequest,
                        "the model file is \(bytes.count) bytes; the limit is \(limit) (--max-body-size)"))
            )
        }
        guard !bytes.isEmpty else {
            return (false, Status(available: false, loaded: false, error: .invalidRequest("the model file is empty")))
        }
        do {
            let (info, _) = try await registry.load(LoadRequest(source: .upload(bytes: bytes, fileName: name)))
            return (true, Status(available: true, loaded: info.state == .ready, modelID: info.record.modelID))
        } catch {
            // The registry refuses before writing only for an invalid name or id; otherwise the
            // file is on disk.
            return (true, Status(available: true, loaded: false, error: Self.inferenceError(error)))
        }
    }

    /// The loaded model whose id or file name is `name`, ready ones first.
    func find(_ name: String) async -> ModelInfo? {
        let models = await registry.list()
        let matches = models.filter { Self.matches($0.record, name) }
        return matches.first { $0.state == .ready } ?? matches.first
    }

    static func matches(_ record: ModelRecord, _ name: String) -> Bool {
        if record.modelID == name || fileName(of: record) == name { return true }
        // `yolov8n.hef` for the model `yolov8n` loaded from a .hef.
        guard let format = ModelFormat(fileName: name) else { return false }
        return record.format == format && record.modelID == String(name.dropLast(format.rawValue.count + 1))
    }

    /// The name of the file a model was loaded from; for uploads, the name it was sent with
    /// (the registry prefixes it with the content's fingerprint, `hash-size-`).
    static func fileName(of record: ModelRecord) -> String {
        let last = record.source.split(separator: "/").last.map(String.init) ?? record.source
        guard record.uploaded else { return last }
        let parts = last.split(separator: "-", maxSplits: 2, omittingEmptySubsequences: false)
        return parts.count == 3 ? String(parts[2]) : last
    }

    /// One path component, no `..`, no control characters, not hidden.
    static func isPlainFileName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 255 && !name.hasPrefix(".") && !name.contains("/") && !name.contains("\\")
            && !name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f }
    }

    static func inferenceError(_ error: any Error) -> InferenceError {
        error as? InferenceError ?? InferenceError(.internal, .internalError, "\(error)", cause: error)
    }

    // MARK: Peers

    func remember(peer: String, modelID: String) {
        peers.withLock { peers in
            if peers.count >= Self.maxPeers, peers[peer] == nil, let any = peers.keys.first { peers[any] = nil }
            peers[peer] = modelID
        }
    }

    func model(of peer: String) -> String? {
        peers.withLock { $0[peer] }
    }
}
