import Foundation
import FuzzTargets
import Testing

/// Every file of `Tests/FuzzRegressions/<target>/` — the seeds scripts/fuzz.sh starts from and
/// every input a fuzzer ever made a parser trap on — through the target's harness, which traps
/// on a regression (docs/fuzzing.md).
@Suite("Fuzz regressions", .timeLimit(.minutes(1)))
struct FuzzRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzRegressions")

    static func inputs(of target: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: folder.appendingPathComponent(target), includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test("each input goes through its harness without a trap", arguments: FuzzTargets.all.map(\.name))
    func replay(target name: String) throws {
        let target = try #require(FuzzTargets.named(name))
        let files = try Self.inputs(of: name)
        #expect(!files.isEmpty, "Tests/FuzzRegressions/\(name)/ has no seeds")
        for file in files {
            target.run(Array(try Data(contentsOf: file)))
        }
    }

    @Test("every dictionary a target names is in Fuzz/Dictionaries")
    func dictionariesExist() {
        let folder = Self.folder.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz/Dictionaries")
        for target in FuzzTargets.all {
            for name in target.dictionaries {
                #expect(
                    FileManager.default.fileExists(atPath: folder.appendingPathComponent("\(name).dict").path),
                    "\(target.name): \(name).dict")
            }
        }
    }

    @Test("every folder of Tests/FuzzRegressions names a target")
    func foldersNameTargets() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { !$0.hasPrefix(".") }
        #expect(Set(folders) == Set(FuzzTargets.all.map(\.name)))
    }
}
