public import InferenceVision

/// What the HTTP layer needs to know beyond the core.
public struct HTTPConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Largest request body accepted, in bytes; larger ones get 413.
    public var maxBodySize: Int
    /// Bytes of request bodies held at once, by their declared length (a body of unknown length
    /// counts as `maxBodySize`); a request past it is refused at once (429) before its body is
    /// read, so many large uploads together cannot exhaust the memory.
    public var maxBodyBytesInFlight: Int = 1 << 30
    /// API keys; empty turns authentication off.
    public var apiKeys: Set<String>
    /// Limits checked before an image is decoded.
    public var imageLimits: ImageLimits
    /// The model that serves `POST /v1/vision/detection`; nil for the first detection model loaded.
    public var deepStackModel: String?
    /// Most predictions the DeepStack detection routes (`/v1/vision/detection`,
    /// `/v1/vision/custom/{model}`) return, best first (Frigate reads at most 20); 0: all.
    public var deepStackMaxPredictions: Int
    /// A connection that sends nothing for this long while it is idle or while its request's
    /// head or body is being read is closed: keep-alive connections left open, slow headers
    /// (slowloris) and bodies that stall. A request being answered is never cut.
    public var idleTimeout: Duration = .seconds(30)
    /// Connections open at once; past it new ones wait in the listen backlog until one closes.
    public var maxConnections: Int = 1024

    public init(
        host: String = "0.0.0.0", port: Int = 8080, maxBodySize: Int = 64 << 20, apiKeys: Set<String> = [],
        imageLimits: ImageLimits = .init(), deepStackModel: String? = nil, deepStackMaxPredictions: Int = 20
    ) {
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.apiKeys = apiKeys
        self.imageLimits = imageLimits
        self.deepStackModel = deepStackModel
        self.deepStackMaxPredictions = deepStackMaxPredictions
    }
}
