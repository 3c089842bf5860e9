import Foundation

extension InferenceService {
    /// Device states that always have a `hailo8_device_state` series (0 or 1), so that a
    /// dashboard sees the switch from one to another; a state outside the list is added as met.
    public static let deviceStates = ["starting", "ready", "recovering", "unavailable"]

    /// Reads the state that scrape-time metrics show — schedulers' load, models, tasks,
    /// devices — and sets their gauges. Called by the metrics endpoint before it renders, so
    /// that the request path does no gauge work.
    public func collectMetrics() async {
        var values: [(label: String, dimensions: [(String, String)], value: Double)] = []
        let models = await registry.list()
        for model in models {
            guard let scheduler = model.scheduler else { continue }
            let labels = [("model", model.record.modelID), ("device", model.record.device.rawValue)]
            values.append((MetricNames.queueDepth, labels, Double(scheduler.queued)))
            values.append((MetricNames.queueCapacity, labels, Double(scheduler.policy.maxQueue)))
            values.append((MetricNames.inFlight, labels, Double(scheduler.inFlight)))
            values.append((MetricNames.maxInFlight, labels, Double(scheduler.policy.maxInFlight)))
        }
        for kind in DeviceKind.allCases {
            let mine = models.filter { $0.record.device == kind }
            values.append((MetricNames.modelsLoaded, [("device", kind.rawValue)], Double(mine.filter { $0.state == .ready }.count)))
            values.append((MetricNames.modelsFailed, [("device", kind.rawValue)], Double(mine.filter { $0.state == .failed }.count)))
        }
        values.append((MetricNames.tasksStored, [], Double(await tasks.count)))
        values.append((MetricNames.tasksCapacity, [], Double(tasks.capacity)))
        for backend in backends {
            for device in backend.devices() {
                let labels = [("device", Self.labelValue(device.id)), ("kind", device.kind.rawValue)]
                values.append((MetricNames.deviceAvailable, labels, device.available ? 1 : 0))
                var states = Self.deviceStates
                if !states.contains(device.state) { states.append(device.state) }
                for state in states {
                    values.append((MetricNames.deviceState, labels + [("state", Self.labelValue(state))], state == device.state ? 1 : 0))
                }
                // What the backend measures, from its device details (absent ones are not shown).
                if let celsius = device.details["temperature_c"].flatMap({ Double($0) }) {
                    values.append((MetricNames.deviceTemperature, labels, celsius))
                }
                if let watts = device.details["power_w"].flatMap({ Double($0) }) {
                    values.append((MetricNames.devicePower, labels, watts))
                }
                if let percent = device.details["utilization_percent"].flatMap({ Double($0) }) {
                    values.append((MetricNames.deviceUtilization, labels, percent / 100))
                }
            }
        }
        values += resourceGauges()
        metrics.gauges.update(values)
    }

    /// The process's limits and usage; a limit or usage that is not known is not exported.
    func resourceGauges() -> [(label: String, dimensions: [(String, String)], value: Double)] {
        let limits = resources.limits, usage = resources.usage(), threads = resources.threads
        var values: [(label: String, dimensions: [(String, String)], value: Double)] = [
            (MetricNames.resourceCPUs, [], Double(limits.cpus)),
            (MetricNames.resourceHostCPUs, [], Double(limits.processors.host)),
            (MetricNames.resourceThreads, [("pool", "inference")], Double(threads.inference)),
            (MetricNames.resourceThreads, [("pool", "intra_op")], Double(threads.intraOp)),
            (MetricNames.resourceThreads, [("pool", "intra_op_shared")], Double(threads.intraOpShared ?? threads.intraOp)),
            (MetricNames.resourceThreads, [("pool", "vision")], Double(threads.vision)),
        ]
        if let quota = limits.cpuQuota { values.append((MetricNames.resourceCPULimit, [], quota)) }
        if let bytes = limits.memoryLimit { values.append((MetricNames.resourceMemoryLimit, [], Double(bytes))) }
        if let bytes = usage.memoryBytes { values.append((MetricNames.resourceMemoryUsage, [], Double(bytes))) }
        if let seconds = usage.cpuSeconds { values.append((MetricNames.resourceCPUUsage, [], seconds)) }
        return values
    }

    /// A label value from a backend (device ids, states): printable ASCII without quotes or
    /// backslashes, at most 64 characters.
    static func labelValue(_ text: String) -> String {
        String(
            String(text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" ? Character($0) : "_" }).prefix(64))
    }
}
