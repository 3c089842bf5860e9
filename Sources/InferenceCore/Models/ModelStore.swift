import Foundation

/// Reads and writes the list of loaded models.
struct ModelStore: Sendable {
    let file: URL

    func load() throws -> [ModelRecord] {
        guard FileManager.default.fileExists(atPath: file.path) else { return [] }
        return try JSONDecoder().decode(Contents.self, from: Data(contentsOf: file)).models
    }

    func save(_ records: [ModelRecord]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try DurableFile.write(try encoder.encode(Contents(models: records)), to: file)
    }

    private struct Contents: Codable {
        var models: [ModelRecord]
    }
}
