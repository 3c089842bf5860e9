import Foundation
import Logging

/// Async tasks on disk, one file per task under `<data-dir>/tasks/`, so that an accepted task
/// survives a restart or a kill. Each write is a `DurableFile` write (a kill leaves the old file
/// or the new one, never half of one). Writes and deletions run in order on one serial queue of
/// their own, never on Swift's cooperative pool.
///
/// Why files rather than SQLite: a task is written twice (accepted, finished) and read back only
/// at start; one file each needs no schema, no dependency and no compaction, and the task
/// store's capacity bounds their number.
final class TaskJournal: Sendable {
    let directory: URL
    private let queue = DispatchQueue(label: "hailo8.task-journal")
    private let logger: Logger

    init(directory: URL, logger: Logger) {
        self.directory = directory
        self.logger = logger
    }

    /// Writes `record`, returning once it is on disk (the caller answers 202 after this).
    func write(_ record: TaskRecord) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.async {
                self.store(record)
                done.resume()
            }
        }
    }

    /// Writes `record` in the background, after every write queued before it.
    func writeLater(_ record: TaskRecord) {
        queue.async { self.store(record) }
    }

    func removeLater(_ id: String) {
        queue.async { try? FileManager.default.removeItem(at: self.file(id)) }
    }

    /// Every task on disk; files that cannot be read (a temporary file left by a kill, a file
    /// from a future version) are deleted.
    func loadAll() async -> [TaskRecord] {
        await withCheckedContinuation { (done: CheckedContinuation<[TaskRecord], Never>) in
            queue.async {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: self.directory.path)) ?? []
                var records: [TaskRecord] = []
                let decoder = JSONDecoder()
                decoder.dateDecodingStrategy = .millisecondsSince1970
                for name in names {
                    let url = self.directory.appendingPathComponent(name)
                    if name.hasSuffix(".json"), let data = try? Data(contentsOf: url),
                        let record = try? decoder.decode(TaskRecord.self, from: data), record.snapshot != nil
                    {
                        records.append(record)
                    } else {
                        try? FileManager.default.removeItem(at: url)
                    }
                }
                done.resume(returning: records)
            }
        }
    }

    private func file(_ id: String) -> URL { directory.appendingPathComponent("\(id).json") }

    private func store(_ record: TaskRecord) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        do {
            try DurableFile.write(try encoder.encode(record), to: file(record.id))
        } catch {
            logger.error("cannot write an async task to disk", metadata: ["task_id": "\(record.id)", "error": "\(error)"])
        }
    }
}
