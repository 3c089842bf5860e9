import ArgumentParser
import Foundation
import HailoBackend
import InferenceCore
import Logging
import ONNXBackend

/// `hailo8-service devices`: what the service would find on this machine.
struct Devices: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the backends and devices found on this machine.")

    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var runtime: RuntimeOptions

    func run() async throws {
        let quiet = Logger(label: "hailo8-service", factory: { _ in SwiftLogNoOpLogHandler() })
        let backend = ONNXBackend(configuration: try runtime.onnxConfiguration(), logger: quiet)
        // Probes without claiming the Hailo devices, so it also works while the service runs.
        let hailo = HailoBackend(configuration: runtime.hailoConfiguration(dataDirectory: nil), logger: quiet)
        let devices = backend.devices() + hailo.probeDevices()
        await backend.shutdown()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(["devices": devices]), as: UTF8.self))
            return
        }
        for device in devices {
            print("\(device.id)\t\(device.name)\t\(device.state)")
            print("  runtime: \(device.runtime) \(device.runtimeVersion ?? "-")\(device.library.map { " (\($0))" } ?? "")")
            if let reason = device.reason { print("  unavailable: \(reason)") }
            for (key, value) in device.details.sorted(by: { $0.key < $1.key }) { print("  \(key): \(value)") }
        }
    }
}
