/// What a loaded model takes and gives.
public struct ModelSignature: Sendable, Equatable {
    public var inputs: [TensorSpec]
    public var outputs: [TensorSpec]
    /// Shapes to use for an input's dynamic dimensions when a request gives none.
    public var defaultInputShapes: [String: [Int]]
    /// Class names, when the model carries them (e.g. Ultralytics' `names`).
    public var labels: [String]?
    /// Free-form metadata (ONNX custom metadata, HEF facts).
    public var metadata: [String: String]

    public init(
        inputs: [TensorSpec], outputs: [TensorSpec], defaultInputShapes: [String: [Int]] = [:],
        labels: [String]? = nil, metadata: [String: String] = [:]
    ) {
        self.inputs = inputs
        self.outputs = outputs
        self.defaultInputShapes = defaultInputShapes
        self.labels = labels
        self.metadata = metadata
    }
}

/// Backend options given at load time. Unset fields take the service's defaults.
public struct ModelOptions: Sendable, Codable, Equatable {
    /// ONNX Runtime: threads of the model's intra-op pool (0 = automatic: the usable CPUs under a quota, else the runtime's default).
    public var intraOpThreads: Int?
    /// ONNX Runtime: threads of the inter-op pool.
    public var interOpThreads: Int?
    /// ONNX Runtime: `disabled`, `basic`, `extended` or `all`.
    public var graphOptimization: String?
    /// Shapes for dynamic dimensions, by input name (overrides what the model's metadata says).
    public var inputShapes: [String: [Int]]?
    /// Requests that may wait for this model (default `--max-queue`).
    public var maxQueue: Int?
    /// Requests handed to the backend at once (default: what the backend needs to stay busy).
    public var maxInFlight: Int?
    /// Dynamic batching: most rows (first-dimension entries) run together; 1 or nil is off.
    public var maxBatchSize: Int?
    /// Dynamic batching: how long a batch may wait for company before it runs, in µs (default 0:
    /// only requests that would wait for a run slot anyway share a run).
    public var maxQueueDelayUs: Int?
    /// Hailo: batch size of the network group (the scheduler's burst); 0 or nil lets HailoRT choose.
    public var batchSize: Int?
    /// Hailo: `performance` (default) or `ultra_performance`.
    public var powerMode: String?
    /// Hailo: scheduler priority 0–31 (HailoRT's default 16).
    public var schedulerPriority: Int?
    /// Hailo: ms after which a model with pending frames runs even below its threshold.
    public var schedulerTimeoutMs: Int?
    /// Hailo: pending frames the scheduler waits for before running the model.
    public var schedulerThreshold: Int?
    /// Hailo NMS overrides, where the HEF's NMS runs on the host.
    public var nmsScoreThreshold: Float?
    public var nmsIouThreshold: Float?
    public var nmsMaxProposalsPerClass: Int?

    // Image models (InferenceVision reads and validates these).
    /// Output decoder: `auto` (default), `yolov8`, `yolov5`, `yolox`, `hailo_nms` or `none`.
    public var postprocess: String?
    /// Image input layout: `nchw` or `nhwc` (default: from the input's shape).
    public var inputLayout: String?
    /// Image input element type: `uint8`, `float32` or `float16` (default: the input's).
    public var inputDtype: String?
    /// Float inputs: `(pixel / 255 - mean) / std` per channel (defaults 0 and 1).
    public var mean: [Double]?
    public var std: [Double]?
    /// Channels in B, G, R order instead of R, G, B.
    public var bgr: Bool?
    /// `letterbox` (default) or `stretch`.
    public var resize: String?
    /// Detection defaults, overridable per request.
    public var scoreThreshold: Double?
    public var iouThreshold: Double?
    public var maxDetections: Int?

    public init(
        intraOpThreads: Int? = nil, interOpThreads: Int? = nil, graphOptimization: String? = nil, inputShapes: [String: [Int]]? = nil
    ) {
        self.intraOpThreads = intraOpThreads
        self.interOpThreads = interOpThreads
        self.graphOptimization = graphOptimization
        self.inputShapes = inputShapes
    }

    /// The field names of the JSON (and YAML) form, for refusing unknown ones.
    public static var fieldNames: Set<String> { Set(CodingKeys.allCases.map(\.stringValue)) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case intraOpThreads = "intra_op_threads"
        case interOpThreads = "inter_op_threads"
        case graphOptimization = "graph_optimization"
        case inputShapes = "input_shapes"
        case maxQueue = "max_queue", maxInFlight = "max_in_flight"
        case maxBatchSize = "max_batch_size", maxQueueDelayUs = "max_queue_delay_us"
        case batchSize = "batch_size", powerMode = "power_mode"
        case schedulerPriority = "scheduler_priority", schedulerTimeoutMs = "scheduler_timeout_ms", schedulerThreshold =
            "scheduler_threshold"
        case nmsScoreThreshold = "nms_score_threshold", nmsIouThreshold = "nms_iou_threshold"
        case nmsMaxProposalsPerClass = "nms_max_proposals_per_class"
        case postprocess
        case inputLayout = "input_layout"
        case inputDtype = "input_dtype"
        case mean, std, bgr, resize
        case scoreThreshold = "score_threshold"
        case iouThreshold = "iou_threshold"
        case maxDetections = "max_detections"
    }
}
