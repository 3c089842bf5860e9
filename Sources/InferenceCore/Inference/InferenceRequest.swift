/// One input of a request, as the client sent it. `name`, `dtype` and `shape` are optional: the
/// binder fills them from the model's signature.
public struct InputTensor: Sendable {
    public var name: String?
    public var dtype: ElementType?
    public var shape: [Int]?
    public var data: [UInt8]

    public init(name: String? = nil, dtype: ElementType? = nil, shape: [Int]? = nil, data: [UInt8]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }
}

/// One inference on one model, as every protocol layer hands it to the core.
public struct InferenceRequest: Sendable {
    public var modelID: String
    public var inputs: [InputTensor]
    /// Outputs to return; all when empty.
    public var outputs: [String]
    /// The request's deadline, counted from when it arrived (`RequestScope.receivedAt`), else
    /// from when the core receives it; nil for the default.
    public var timeout: Duration?
    /// Who sent it (API key, client header or address): clients take turns in a model's queue.
    public var client: String?

    public init(modelID: String, inputs: [InputTensor], outputs: [String] = [], timeout: Duration? = nil, client: String? = nil) {
        self.modelID = modelID
        self.inputs = inputs
        self.outputs = outputs
        self.timeout = timeout
        self.client = client
    }
}

/// The answer to one `InferenceRequest`.
public struct InferenceResult: Sendable {
    public var modelID: String
    public var outputs: [Tensor]
    public var timing: Timing

    public struct Timing: Sendable {
        public var queue: Duration
        public var inference: Duration
        public var total: Duration

        public init(queue: Duration, inference: Duration, total: Duration) {
            self.queue = queue
            self.inference = inference
            self.total = total
        }
    }

    public init(modelID: String, outputs: [Tensor], timing: Timing) {
        self.modelID = modelID
        self.outputs = outputs
        self.timing = timing
    }
}

/// Who is asking, for fairness between clients in a model's queue. Protocol layers set it once
/// per request (from the API key, a client header or the address); the core reads it when a
/// request does not name its client.
public enum RequestClient {
    @TaskLocal public static var current: String?
}
