import ArgumentParser
import Foundation
import Logging
import HailoBackend
import InferenceCore
import ONNXBackend

/// Options that say how to find and use the runtimes; shared by every subcommand.
struct RuntimeOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Path of libonnxruntime.so (env HAILO8_ONNXRUNTIME_LIBRARY). Default: the system's, then ./.venv's onnxruntime wheel.",
            valueName: "path"))
    var onnxruntimeLibrary: String?

    @Option(
        help:
            "Threads of each ONNX model's intra-op pool (env HAILO8_INTRA_OP_THREADS). Default (or 0): every usable CPU for a run alone, one each for runs side by side (docs/performance.md)."
    )
    var intraOpThreads: Int?

    @Option(help: "Threads of each ONNX model's inter-op pool (env HAILO8_INTER_OP_THREADS, default 1).")
    var interOpThreads: Int?

    @Option(
        help:
            "Dedicated threads that run ONNX models: how many runs at once (env HAILO8_INFERENCE_THREADS). Default: one per CPU the cgroup allows, or as many as fit --intra-op-threads."
    )
    var inferenceThreads: Int?

    @Option(
        help: ArgumentHelp(
            "Whether idle ONNX intra-op threads spin before sleeping: on or off (env HAILO8_INTRA_OP_SPINNING). Default: ONNX Runtime's (on).",
            valueName: "on|off"))
    var intraOpSpinning: String?

    @Option(
        help: ArgumentHelp(
            "Path of libhailort (env HAILO8_HAILORT_LIBRARY). Default: libhailort.so.<the hailo_pci driver's version>, then 4.23.0 down to 4.20.0.",
            valueName: "path"))
    var hailortLibrary: String?

    @Option(
        help: ArgumentHelp(
            "Hailo devices to use, comma-separated PCIe ids (env HAILO8_HAILO_DEVICES). Default: every free device.", valueName: "ids"))
    var hailoDevices: String?

    @Flag(
        help:
            "Open the Hailo devices through HailoRT's multi-process service (hailort_service on the host), to share them with other Hailo applications (env HAILO8_HAILO_MULTI_PROCESS=1)."
    )
    var hailoMultiProcess = false

    @Option(
        help: ArgumentHelp(
            "Group id of the shared devices with --hailo-multi-process (env HAILO8_HAILO_GROUP_ID, default SHARED).", valueName: "id"))
    var hailoGroupId: String?

    func hailoConfiguration(dataDirectory: URL?) -> HailoBackend.Configuration {
        let multiProcess =
            hailoMultiProcess || ["1", "true", "yes"].contains(Environment.string(nil, "HAILO8_HAILO_MULTI_PROCESS")?.lowercased() ?? "")
        let devices = Environment.list(hailoDevices.map { [$0] } ?? [], "HAILO8_HAILO_DEVICES").flatMap {
            $0.split(separator: ",").map(String.init)
        }
        return HailoBackend.Configuration(
            libraryPath: Environment.string(hailortLibrary, "HAILO8_HAILORT_LIBRARY"),
            deviceIDs: devices.isEmpty ? nil : devices,
            loggerDirectory: dataDirectory?.appendingPathComponent("logs").path,
            driverVersionFile: Environment.string(nil, "HAILO8_DRIVER_VERSION_FILE") ?? "/sys/module/hailo_pci/version",
            multiProcessGroup: multiProcess ? (Environment.string(hailoGroupId, "HAILO8_HAILO_GROUP_ID") ?? "SHARED") : nil)
    }

    /// Thread counts not given default to the process's usable CPUs (`ResourceSizing`).
    func onnxConfiguration(resources: ResourceLimits = .current) throws -> ONNXBackend.Configuration {
        let spinning: Bool?
        switch Environment.string(intraOpSpinning, "HAILO8_INTRA_OP_SPINNING")?.lowercased() {
        case nil: spinning = nil
        case "on", "1", "true", "yes": spinning = true
        case "off", "0", "false", "no": spinning = false
        case let other?: throw ValidationError("--intra-op-spinning takes on or off, not '\(other)'")
        }
        let configuration = ONNXBackend.Configuration(
            libraryPath: Environment.string(onnxruntimeLibrary, "HAILO8_ONNXRUNTIME_LIBRARY"),
            intraOpThreads: try Environment.optionalInt(intraOpThreads, "HAILO8_INTRA_OP_THREADS"),
            interOpThreads: try Environment.int(interOpThreads, "HAILO8_INTER_OP_THREADS", default: 1),
            inferenceThreads: try Environment.optionalInt(inferenceThreads, "HAILO8_INFERENCE_THREADS"),
            spinning: spinning, resources: resources)
        guard (configuration.intraOpThreads ?? 0) >= 0, configuration.interOpThreads >= 0, (configuration.inferenceThreads ?? 1) >= 1 else {
            throw ValidationError("thread counts must be positive (intra-op and inter-op may be 0 for automatic)")
        }
        return configuration
    }
}
