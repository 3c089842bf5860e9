import Foundation
import HailoRT
import InferenceCore
import Logging

/// What `/devices` shows of one Hailo device, refreshed periodically on the control thread.
struct HailoDeviceSnapshot: Sendable {
    var id: String
    var identity: HailoIdentity?
    var temperature: Float?
    var throttling: Bool?
    var power: Float?
    var error: String?
    var alarms: [String: Int] = [:]
}

extension HailoDeviceManager {
    /// Reads identity, temperature, throttling and power of every device, and the driver's
    /// version: what `/devices`, `/status` and `/metrics` show until the next refresh.
    func refreshDevices() {
        var alarms = Dictionary(uniqueKeysWithValues: devices.map { ($0.id, $0.alarms) })
        let fresh = physicalDevices.map { device -> HailoDeviceSnapshot in
            let id = (try? device.id()) ?? "unknown"
            var snapshot = HailoDeviceSnapshot(id: id, alarms: alarms.removeValue(forKey: id) ?? [:])
            do {
                snapshot.identity = try device.identify()
                snapshot.temperature = try device.temperature()
                snapshot.throttling = try device.throttling()
            } catch {
                snapshot.error = describe(error)
            }
            snapshot.power = try? device.power()  // boards without a power sensor refuse
            return snapshot
        }
        let driverVersion = configuration.driverVersion()
        publish {
            $0.snapshots = fresh
            $0.driverVersion = driverVersion
        }
    }

    /// Logs health-monitor notifications and counts them per device.
    func observeHealth(_ devices: [HailoDevice]) {
        var tokens: [AnyObject] = []
        for device in devices {
            let id = (try? device.id()) ?? "unknown"
            for kind in HailoDevice.Notification.allCases {
                let token = try? device.observe(kind) { [weak self] notification in
                    guard let self else { return }
                    self.logger.warning("Hailo health notification", metadata: ["device": "\(id)", "notification": "\(notification)"])
                    self.publish {
                        if let index = $0.snapshots.firstIndex(where: { $0.id == id }) {
                            $0.snapshots[index].alarms["\(notification)", default: 0] += 1
                        }
                    }
                    Task { await self.refreshDevices() }
                }
                if let token { tokens.append(token) }
            }
        }
        notificationTokens = tokens
    }

    /// Refreshes the snapshots every `monitorInterval`, until cancelled (at shutdown).
    func startMonitor() {
        let interval = configuration.monitorInterval
        monitor = Task { [weak self] in
            while true {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                guard let manager = self else { return }
                await manager.refreshDevices()
            }
        }
    }
}
