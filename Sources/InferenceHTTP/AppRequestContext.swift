import Hummingbird

/// The request context of every route. Bodies are read by the controllers themselves, up to the
/// configured `--max-body-size`, so the context needs nothing beyond the basics.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }
}
