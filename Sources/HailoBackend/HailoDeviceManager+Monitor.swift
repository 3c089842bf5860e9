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
    /// Reads identity, temperature, throttling and power of every device (control thread).
    func refreshDevices() {
        let devices = withLock { physicalDevices }
        var alarms = Dictionary(uniqueKeysWithValues: withLock { currentSnapshots }.map { ($0.id, $0.alarms) })
        let fresh = devices.map { device -> HailoDeviceSnapshot in
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
        withLock { currentSnapshots = fresh }
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
                    self.withLock {
                        if let index = self.currentSnapshots.firstIndex(where: { $0.id == id }) {
                            self.currentSnapshots[index].alarms["\(notification)", default: 0] += 1
                        }
                    }
                    self.control.async { self.refreshDevices() }
                }
                if let token { tokens.append(token) }
            }
        }
        withLock { notificationTokens = tokens }
    }

    /// Refreshes the snapshots every `monitorInterval`.
    func startMonitor() {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + configuration.monitorInterval, repeating: configuration.monitorInterval)
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            self.control.async { self.refreshDevices() }
        }
        timer.resume()
        withLock { monitorTimer = timer }
    }
}
