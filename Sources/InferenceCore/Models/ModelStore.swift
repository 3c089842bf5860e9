import Foundation

/// Reads and writes the list of loaded models. Writes (a durable replace: temp file, fsync,
/// rename) run in order on a queue of their own, off the registry actor and Swift's cooperative
/// pool: each is queued before its caller suspends, so the last list taken is the last written.
struct ModelStore: Sendable {
    let file: URL
    private let writes = DispatchQueue(label: "hailo8-models-json")

    init(file: URL) {
        self.file = file
    }

    func load() throws -> [ModelRecord] {
        guard FileManager.default.fileExists(atPath: file.path) else { return [] }
        return try JSONDecoder().decode(Contents.self, from: Data(contentsOf: file)).models
    }

    func save(_ records: [ModelRecord]) async throws {
        let file = file
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            writes.async {
                done.resume(
                    with: Result {
                        let encoder = JSONEncoder()
                        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                        try DurableFile.write(try encoder.encode(Contents(models: records)), to: file)
                    })
            }
        }
    }

    private struct Contents: Codable {
        var models: [ModelRecord]
    }
}
