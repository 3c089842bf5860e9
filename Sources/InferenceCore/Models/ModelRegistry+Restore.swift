import Foundation
import Logging

/// The models recorded in the data directory, loaded again at start and retried while they fail; uploads no model uses.
extension ModelRegistry {
    /// Loads every model recorded in the data directory. Models that fail stay listed as
    /// `failed` (and recorded), and `retryRestores()` tries them again until they load.
    public func restore() async {
        let records: [ModelRecord]
        do {
            records = try store.load()
        } catch {
            logger.error("cannot read the model list", metadata: ["file": "\(store.file.path)", "error": "\(error)"])
            return
        }
        await pruneUploads(keeping: records + entries.values.map(\.record))
        for record in records where entries[record.modelID] == nil {
            do {
                _ = try await startLoading(record, file: file(of: record))
            } catch {
                let entry = keepFailed(record, error: error)
                logger.error("model not restored", metadata: ["model_id": "\(record.modelID)", "error": "\(entry.error!)"])
            }
        }
    }

    /// Tries again to load the recorded models that failed at start (the Hailo board was busy or
    /// not yet there, a file was missing), each when its wait is over: at once, then
    /// `firstRetryDelay` (5 s) after the next failure, doubling up to 5 minutes. A model whose
    /// backend is not available is refused before any loading (its wait does not grow), so it
    /// loads at the first call after the backend comes back. Returns the ids that loaded.
    @discardableResult
    public func retryRestores() async -> [String] {
        var restored: [String] = []
        for id in order {
            guard let entry = entries[id], entry.state == .failed, let retry = entry.retry, retry.at <= now(),
                let reloaded = try? await startLoading(entry.record, file: file(of: entry.record))
            else { continue }
            if reloaded.state == .ready {
                restored.append(id)
                logger.info("model restored", metadata: ["model_id": "\(id)"])
            } else {
                reloaded.retry = (at: now() + retry.delay, delay: min(retry.delay * 2, Self.longestRetryDelay))
                logger.warning(
                    "model still not restored", metadata: ["model_id": "\(id)", "retry_in_s": "\(retry.delay.components.seconds)"])
            }
        }
        return restored
    }

    func file(of record: ModelRecord) -> URL {
        record.uploaded ? dataDirectory.appendingPathComponent(record.source) : resolver.root.appendingPathComponent(record.source)
    }

    /// Deletes an uploaded file (`uploads/…`) that no model in the registry uses.
    func removeUnusedUpload(_ source: String) async {
        guard !entries.values.contains(where: { $0.record.source == source }) else { return }
        let file = dataDirectory.appendingPathComponent(source)
        try? await Blocking.run { try FileManager.default.removeItem(at: file) }
    }

    /// Deletes the files in `uploads/` that no recorded model uses: uploads refused or cut short
    /// by a crash or a kill before they were recorded (an atomic write's temporary file too).
    func pruneUploads(keeping records: [ModelRecord]) async {
        let kept = Set(records.filter(\.uploaded).map { ($0.source as NSString).lastPathComponent })
        let directory = uploadsDirectory
        let removed =
            (try? await Blocking.run { () throws -> [String] in
                let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
                let stale = names.filter { !kept.contains($0) }
                for name in stale { try? FileManager.default.removeItem(at: directory.appendingPathComponent(name)) }
                return stale
            }) ?? []
        if !removed.isEmpty { logger.info("removed uploads no model uses", metadata: ["files": "\(removed)"]) }
    }
}
