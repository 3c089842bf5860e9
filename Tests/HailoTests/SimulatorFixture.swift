import Foundation
import HailoBackend
import HailoRT
import Logging
import Synchronization
import TestSupport

/// Loads private copies of the HailoRT simulator. The simulator reads its `HAILO_SIM_*`
/// settings when it is loaded, and `dlopen` of a path already loaded returns the same instance,
/// so each fixture copies the library to a fresh path and sets its environment under a lock.
enum SimulatorFixture {
    private static let loading = Mutex(())

    /// A fresh copy of the simulator and its own state directory (device ownership locks).
    static func libraryCopy() throws -> (library: String, stateDirectory: String) {
        let directory = try TestEnvironment.temporaryDirectory()
        let copy = directory.appendingPathComponent("libhailort.so.4.23.0").path
        try FileManager.default.copyItem(atPath: try TestEnvironment.simulatorLibrary(), toPath: copy)
        return (copy, directory.path)
    }

    /// Runs `body` (which must load the library) with the simulator's environment set.
    static func withEnvironment<T>(_ settings: [String: String], stateDirectory: String, _ body: () throws -> T) rethrows -> T {
        try loading.withLock { _ in
            let all = settings.merging(["HAILO_SIM_STATE_DIR": stateDirectory]) { given, _ in given }
            for (key, value) in all { setenv(key, value, 1) }
            defer { for key in all.keys { unsetenv(key) } }
            return try body()
        }
    }

    static func library(_ settings: [String: String] = [:]) throws -> HailoLibrary {
        let (path, state) = try libraryCopy()
        return try withEnvironment(settings, stateDirectory: state) {
            try HailoLibrary.load(candidates: [path], loggerDirectory: nil)
        }
    }

    /// A started backend over a private simulator.
    static func backend(_ settings: [String: String] = [:], configure: (inout HailoBackend.Configuration) -> Void = { _ in }) async throws
        -> HailoBackend
    {
        let (path, state) = try libraryCopy()
        var configuration = HailoBackend.Configuration(
            libraryPath: path, monitorInterval: .milliseconds(200), initialBackoff: 0.05, maximumBackoff: 0.2)
        configure(&configuration)
        let backend = withEnvironment(settings, stateDirectory: state) {
            HailoBackend(configuration: configuration, logger: Logger(label: "test"))
        }
        await backend.start()
        return backend
    }

    /// Runs `body` with a started backend over a private simulator, then shuts the backend down
    /// (also when `body` throws) before returning.
    static func withBackend<T>(
        _ settings: [String: String] = [:], configure: (inout HailoBackend.Configuration) -> Void = { _ in },
        _ body: (HailoBackend) async throws -> T
    ) async throws -> T {
        let backend = try await backend(settings, configure: configure)
        do {
            let result = try await body(backend)
            await backend.shutdown()
            return result
        } catch {
            await backend.shutdown()
            throw error
        }
    }

    static func hef(_ name: String) throws -> String {
        try TestEnvironment.model(name)
    }
}
