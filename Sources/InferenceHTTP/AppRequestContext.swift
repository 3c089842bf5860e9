public import Hummingbird

/// The request context of every route. Bodies are read by the controllers themselves, up to the
/// configured `--max-body-size`, so the context needs nothing beyond the basics.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address, when the transport has one (not in router tests).
    public let peer: String?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.peer = source.channel.remoteAddress?.ipAddress
    }
}
