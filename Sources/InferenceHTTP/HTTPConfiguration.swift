/// What the HTTP layer needs to know beyond the core.
public struct HTTPConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Largest request body accepted, in bytes; larger ones get 413.
    public var maxBodySize: Int
    /// API keys; empty turns authentication off.
    public var apiKeys: Set<String>

    public init(host: String = "0.0.0.0", port: Int = 8080, maxBodySize: Int = 64 << 20, apiKeys: Set<String> = []) {
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.apiKeys = apiKeys
    }
}
