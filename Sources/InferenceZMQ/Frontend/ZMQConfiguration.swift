/// Settings of the ZeroMQ front end (`serve --zmq-endpoint`).
public struct ZMQConfiguration: Sendable {
    /// libzmq endpoints to bind a ROUTER socket to: `tcp://0.0.0.0:5555`, `ipc:///path`.
    public var endpoints: [String]
    /// Largest model file a peer may send (`model_data`); larger ones are refused. Messages much
    /// larger than this (`maxMessageSize`) make libzmq drop the connection instead.
    public var maxModelSize: Int
    /// How long an inference request may take, from its arrival to its reply. Frigate gives up
    /// after its `request_timeout_ms` (200 ms by default) and resets its socket, so a late reply
    /// helps no one.
    public var requestTimeout: Duration
    /// Requests being answered at once, over all peers; past it a request is answered at once with
    /// an error. Each REQ peer has at most one request out, so this only bounds misbehaving peers.
    public var maxPending: Int

    public init(endpoints: [String], maxModelSize: Int = 64 << 20, requestTimeout: Duration = .seconds(1), maxPending: Int = 1024) {
        self.endpoints = endpoints
        self.maxModelSize = maxModelSize
        self.requestTimeout = requestTimeout
        self.maxPending = maxPending
    }

    /// The largest message libzmq accepts: a model file, its header and some slack.
    var maxMessageSize: Int { maxModelSize + (1 << 20) }
}
