import Foundation
import HTTPTypes
import Hummingbird
import InferenceCore

/// `/health`, `/devices`, `/status`.
struct HealthController {
    let service: InferenceService

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/health", use: health)
        router.get("/devices", use: devices)
        router.get("/status", use: status)
    }

    struct Health: Encodable {
        var status: String
        var backends: [String: BackendStatus]
        var models: [String: Int]
    }

    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> Response {
        let serving = service.isServing
        let models = await service.registry.list()
        // Open to anyone (probes need no key): what is up and why not, without the machine's
        // file-system paths; /devices has the full detail.
        let body = Health(
            status: serving ? "ok" : "unavailable",
            backends: backendStatuses.mapValues(PathRedaction.redacted),
            models: ["loaded": models.filter { $0.state == .ready }.count, "failed": models.filter { $0.state == .failed }.count])
        return try JSONBody.make(body, status: serving ? .ok : .serviceUnavailable)
    }

    var backendStatuses: [String: BackendStatus] {
        Dictionary(uniqueKeysWithValues: service.backends.map { ($0.kind.rawValue, $0.status) })
    }

    struct Device: Encodable {
        var info: DeviceInfo
        var models: [String]

        func encode(to encoder: any Encoder) throws {
            try info.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(models, forKey: .models)
        }

        enum CodingKeys: String, CodingKey { case models }
    }

    @Sendable func devices(_ request: Request, context: AppRequestContext) async throws -> Response {
        let models = await service.registry.list()
        let devices = service.backends.flatMap { backend in
            backend.devices().map { info in
                Device(info: info, models: models.filter { $0.record.device == backend.kind }.map(\.record.modelID))
            }
        }
        let missing = DeviceKind.allCases.filter { kind in !service.backends.contains { $0.kind == kind } }
        let notes = missing.map { ["kind": $0.rawValue, "reason": "the \($0.rawValue) backend is not part of this build"] }
        struct Body: Encodable {
            var devices: [Device]
            var unavailable: [[String: String]]
        }
        return try JSONBody.make(Body(devices: devices, unavailable: notes))
    }

    struct Status: Encodable {
        var status: String
        /// The host (`--node-name`), as in task ids and the `X-Hailo8-Node` header.
        var node: String
        /// As `GET /v2/health/ready`: a backend serves and the models to load at start are ready.
        var ready: Bool
        var waitingFor: [String]
        var uptimeSeconds: Double
        var startedAt: Date
        var backends: [String: BackendStatus]
        var models: [ModelStatus]
        var tasks: [String: Int]
        var devices: [DeviceStatus]
        var resources: ResourceStatus

        enum CodingKeys: String, CodingKey {
            case status, node, ready, waitingFor = "waiting_for", uptimeSeconds = "uptime_seconds", startedAt = "started_at", backends,
                models, tasks, devices, resources
        }
    }

    struct ModelStatus: Encodable {
        var modelID: String
        var device: String
        var state: String
        var requests: Int
        var succeeded: Int
        var failed: Int
        var inFlight: Int
        var queueDepth: Int
        var latencyMs: [String: Double]
        var latencyWindow: Int
        var lastMinute: LastMinute

        enum CodingKeys: String, CodingKey {
            case modelID = "model_id", device, state, requests, succeeded, failed, inFlight = "in_flight"
            case queueDepth = "queue_depth", latencyMs = "latency_ms", latencyWindow = "latency_window"
            case lastMinute = "last_minute"
        }

        init(_ info: ModelInfo) {
            let s = info.stats
            modelID = info.record.modelID
            device = info.record.device.rawValue
            state = info.state.rawValue
            requests = s.requests
            succeeded = s.succeeded
            failed = s.failed
            // The same figures as hailo8_model_in_flight and hailo8_model_queue_depth: requests
            // holding a run slot, and requests waiting for one.
            inFlight = info.scheduler?.inFlight ?? 0
            queueDepth = info.scheduler?.queued ?? 0
            var latency: [String: Double] = [:]
            latency["p50"] = s.latencyP50Ms.map(Self.rounded)
            latency["p99"] = s.latencyP99Ms.map(Self.rounded)
            latency["mean"] = s.latencyMeanMs.map(Self.rounded)
            latencyMs = latency
            latencyWindow = s.latencyWindow
            lastMinute = LastMinute(s.lastMinute)
        }

        static func rounded(_ ms: Double) -> Double { (ms * 1000).rounded() / 1000 }
    }

    @Sendable func status(_ request: Request, context: AppRequestContext) async throws -> Response {
        let models = await service.registry.list()
        let readiness = await service.readiness()
        let body = Status(
            status: service.isServing ? "ok" : "unavailable",
            node: service.node.rawValue, ready: readiness.ready, waitingFor: readiness.waitingFor,
            uptimeSeconds: (service.uptime * 1000).rounded() / 1000, startedAt: service.startedAt,
            backends: backendStatuses,
            models: models.map(ModelStatus.init),
            tasks: ["stored": await service.tasks.count, "capacity": service.tasks.capacity],
            devices: service.backends.flatMap { $0.devices() }.map(DeviceStatus.init),
            resources: ResourceStatus(service.resources))
        return try JSONBody.make(body)
    }
}
