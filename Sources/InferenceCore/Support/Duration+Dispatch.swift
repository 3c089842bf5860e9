public import Dispatch

extension Duration {
    /// The longest wait a timer is set for; a later deadline fires then (no request waits a year).
    static let longestTimer = Duration.seconds(365 * 86_400)

    /// This duration as a Dispatch interval for a timer: 0 when negative, at most
    /// `longestTimer`, so that no deadline a client sets can overflow the conversion.
    public var dispatchInterval: DispatchTimeInterval {
        let clamped = min(max(self, .zero), Self.longestTimer)
        let (seconds, attoseconds) = clamped.components
        return .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
    }
}
