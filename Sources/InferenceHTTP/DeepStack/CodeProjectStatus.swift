import Foundation
import InferenceCore

/// CodeProject.AI server's status answers, field for field as its clients read them (camelCase,
/// `success`, `code` and `hostname` in every one), with this service's own content.
enum CodeProjectStatus {
    /// `GET …/ping` and `…/version`: the server's version.
    struct Version: Encodable {
        var success = true
        var code = 200
        var hostname = ServiceIdentity.hostname
        var message: String
        var version: VersionInfo
        /// Not in CodeProject.AI's answer: which server this is.
        var server = ServiceIdentity.name

        init() {
            message = ServiceIdentity.version
            version = VersionInfo(ServiceIdentity.version)
        }
    }

    struct VersionInfo: Encodable {
        var major: Int
        var minor: Int
        var patch: Int
        var preRelease: String?
        var securityUpdate = false
        var build = 0

        init(_ text: String) {
            let core = text.split(separator: "-", maxSplits: 1)
            let numbers = core.first.map { $0.split(separator: ".").map { Int($0) ?? 0 } } ?? []
            major = numbers.first ?? 0
            minor = numbers.count > 1 ? numbers[1] : 0
            patch = numbers.count > 2 ? numbers[2] : 0
            preRelease = core.count > 1 ? String(core[1]) : nil
        }
    }

    /// `GET …/system-status`: what this service knows of the machine, and a text report.
    struct SystemStatus: Encodable {
        var success = true
        var code = 200
        var hostname = ServiceIdentity.hostname
        var data: Data

        struct Data: Encodable {
            /// Memory in use on the machine, in bytes (`MemTotal - MemAvailable`); nil off Linux.
            var systemMemUsage: UInt64?
            var serverStatus: String
        }
    }

    /// `GET …/modules/list` and `/v1/module/list/status`: one "module" per loaded model.
    struct Modules: Encodable {
        var success = true
        var code = 200
        var hostname = ServiceIdentity.hostname
        var statuses: [Module]
    }

    struct Module: Encodable {
        var moduleId: String
        var name: String
        var queue: String
        var version = ServiceIdentity.version
        var started: Date?
        var status: String
        var requestCount: Int
        var statusData: [String: String]

        init(_ info: ModelInfo, detector: Bool) {
            moduleId = info.record.modelID
            name = "\(info.record.modelID) (\(info.record.format.rawValue) on \(info.record.device.rawValue))"
            queue = info.record.modelID
            started = info.loadedAt
            status =
                switch info.state {
                case .ready: "Started"
                case .loading: "Starting"
                case .failed: "FailedStart"
                case .recovering: "Restarting"
                case .unloading: "Stopping"
                }
            requestCount = info.stats.requests
            var data = [
                "device": info.record.device.rawValue, "source": info.record.source,
                "route": detector ? "/v1/vision/custom/\(info.record.modelID)" : "POST /inference",
            ]
            if let error = info.error { data["error"] = error }
            statusData = data
        }
    }
}
