/// Where and how the KServe v2 gRPC service listens (`serve --grpc-port`).
public struct GRPCConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Keys accepted in the `x-api-key` metadata (or `authorization: Bearer …`); empty: no key needed.
    public var apiKeys: Set<String>
    /// The largest request message, in bytes (a 1×3×640×640 FP32 tensor is 4.9 MB).
    public var maxMessageSize: Int

    public init(host: String, port: Int, apiKeys: Set<String> = [], maxMessageSize: Int = 64 << 20) {
        self.host = host
        self.port = port
        self.apiKeys = apiKeys
        self.maxMessageSize = maxMessageSize
    }
}
