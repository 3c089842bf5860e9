import Foundation
import Hummingbird
import InferenceCore
import InferenceVision

/// The CodeProject.AI server status routes that Blue Iris and Agent DVR call to find and check a
/// server: ping and version on the current (`/v1/server/status/…`) and the legacy
/// (`/v1/status/…`) paths, the system status, and the module list, where each loaded model is
/// a module. The pings need no API key, like `/health`.
struct CodeProjectStatusController {
    let service: InferenceService
    let vision: VisionService

    static let prefixes = ["/v1/server/status", "/v1/status"]
    static var pingPaths: [String] { prefixes.map { "\($0)/ping" } }

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        for prefix in Self.prefixes {
            router.get("\(prefix)/ping", use: version)
            router.get("\(prefix)/version", use: version)
            router.get("\(prefix)/system-status", use: systemStatus)
            router.get("\(prefix)/modules/list", use: modules)
        }
        router.get("/v1/module/list/status", use: modules)
    }

    @Sendable func version(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONBody.make(CodeProjectStatus.Version())
    }

    @Sendable func systemStatus(_ request: Request, context: AppRequestContext) async throws -> Response {
        let models = await service.registry.list()
        var lines = [
            "Server version:   \(ServiceIdentity.name) \(ServiceIdentity.version)",
            "Serving:          \(service.isServing ? "yes" : "no (shutting down)")",
        ]
        for backend in service.backends {
            let status = backend.status
            let runtime = [status.runtime, status.version].compactMap { $0 }.joined(separator: " ")
            let state = status.available ? (status.state ?? "available") : "unavailable: \(status.reason ?? "unknown reason")"
            lines.append("Backend \(backend.kind.rawValue):".padding(toLength: 18, withPad: " ", startingAt: 0) + "\(runtime), \(state)")
            for device in backend.devices() {
                let temperature = device.details["temperature_c"].map { ", \($0) °C" } ?? ""
                lines.append("  device \(device.id): \(device.name), \(device.state)\(temperature)")
            }
        }
        let ready = models.filter { $0.state == .ready }.map(\.record.modelID)
        lines.append("Models loaded:    \(ready.isEmpty ? "none" : ready.joined(separator: ", "))")
        let data = CodeProjectStatus.SystemStatus.Data(systemMemUsage: Self.memoryInUse(), serverStatus: lines.joined(separator: "\n"))
        let body = CodeProjectStatus.SystemStatus(data: data)
        return try JSONBody.make(body)
    }

    @Sendable func modules(_ request: Request, context: AppRequestContext) async throws -> Response {
        var statuses: [CodeProjectStatus.Module] = []
        for info in await service.registry.list() {
            statuses.append(.init(info, detector: await vision.isDetector(info.record.modelID)))
        }
        return try JSONBody.make(CodeProjectStatus.Modules(statuses: statuses))
    }

    /// `MemTotal - MemAvailable` from `/proc/meminfo`, in bytes.
    static func memoryInUse() -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        var kilobytes: [String: UInt64] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == ":" || $0 == " " })
            if fields.count >= 2, let value = UInt64(fields[1]) { kilobytes[String(fields[0])] = value }
        }
        guard let total = kilobytes["MemTotal"], let available = kilobytes["MemAvailable"], total >= available else { return nil }
        return (total - available) * 1024
    }
}
