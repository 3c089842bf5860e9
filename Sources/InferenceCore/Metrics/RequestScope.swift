import Synchronization

/// What the core learns about the request being served that the protocol layer reports after
/// the core has run: the model it ran on (a label of the request metrics, set only for a model
/// that is loaded, so clients cannot make up label values), the request's id for logs, and when
/// the request arrived, from which its deadline counts.
///
/// A protocol layer binds one for each request (`RequestScope.$current.withValue`); the core
/// notes into it when there is one.
public final class RequestScope: Sendable {
    @TaskLocal public static var current: RequestScope?

    public let requestID: String
    /// When the request's head arrived, before its body was read and decoded.
    public let receivedAt: ContinuousClock.Instant
    private let model = Mutex<String?>(nil)

    public init(requestID: String, receivedAt: ContinuousClock.Instant = .now) {
        self.requestID = requestID
        self.receivedAt = receivedAt
    }

    /// The model the request ran on, when it reached one.
    public var modelID: String? { model.withLock { $0 } }

    public func note(modelID: String) {
        model.withLock { $0 = modelID }
    }
}
