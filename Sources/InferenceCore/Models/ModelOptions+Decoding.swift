import Foundation

/// Load options are read with every number checked against its range (`ClientNumber`), so that
/// a load request cannot set a model up that hangs or can never serve: a thread count past what
/// the machine can run, a negative queue, a batch of zero slots. A value out of range is 400
/// `out_of_range` naming the option and its range.
extension ModelOptions {
    /// The allowed range of each whole-number option.
    public static var ranges: [String: ClosedRange<Int>] {
        let threads = 0...(4 * ProcessInfo.processInfo.activeProcessorCount)
        let uint32 = Int(UInt32.max)
        return [
            "intra_op_threads": threads, "inter_op_threads": threads,
            "max_queue": 0...100_000, "max_in_flight": 1...1024,
            "max_batch_size": 0...1024, "max_queue_delay_us": 0...10_000_000,
            "batch_size": 0...Int(UInt16.max), "scheduler_priority": 0...31,
            "scheduler_timeout_ms": 0...uint32, "scheduler_threshold": 0...uint32,
            "nms_max_proposals_per_class": 1...uint32, "max_detections": 1...1_000_000,
        ]
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func int(_ key: CodingKeys) throws -> Int? {
            guard let value = try container.decodeIfPresent(Double.self, forKey: key) else { return nil }
            return try ClientNumber.int(value, field: "options.\(key.stringValue)", in: Self.ranges[key.stringValue]!)
        }
        func fraction(_ key: CodingKeys) throws -> Double? {
            guard let value = try container.decodeIfPresent(Double.self, forKey: key) else { return nil }
            return try ClientNumber.double(value, field: "options.\(key.stringValue)", in: 0...1)
        }
        func channels(_ key: CodingKeys) throws -> [Double]? {
            try container.decodeIfPresent([Double].self, forKey: key).map { values in
                try values.enumerated().map { index, value in
                    try ClientNumber.double(value, field: "options.\(key.stringValue)[\(index)]", in: -1e9...1e9)
                }
            }
        }
        self.init(
            intraOpThreads: try int(.intraOpThreads), interOpThreads: try int(.interOpThreads),
            graphOptimization: try container.decodeIfPresent(String.self, forKey: .graphOptimization),
            inputShapes: try Self.inputShapes(container.decodeIfPresent([String: [Double]].self, forKey: .inputShapes)))
        maxQueue = try int(.maxQueue)
        maxInFlight = try int(.maxInFlight)
        maxBatchSize = try int(.maxBatchSize)
        maxQueueDelayUs = try int(.maxQueueDelayUs)
        batchSize = try int(.batchSize)
        powerMode = try container.decodeIfPresent(String.self, forKey: .powerMode)
        schedulerPriority = try int(.schedulerPriority)
        schedulerTimeoutMs = try int(.schedulerTimeoutMs)
        schedulerThreshold = try int(.schedulerThreshold)
        nmsScoreThreshold = try fraction(.nmsScoreThreshold).map(Float.init)
        nmsIouThreshold = try fraction(.nmsIouThreshold).map(Float.init)
        nmsMaxProposalsPerClass = try int(.nmsMaxProposalsPerClass)
        postprocess = try container.decodeIfPresent(String.self, forKey: .postprocess)
        inputLayout = try container.decodeIfPresent(String.self, forKey: .inputLayout)
        inputDtype = try container.decodeIfPresent(String.self, forKey: .inputDtype)
        mean = try channels(.mean)
        std = try channels(.std)
        bgr = try container.decodeIfPresent(Bool.self, forKey: .bgr)
        resize = try container.decodeIfPresent(String.self, forKey: .resize)
        scoreThreshold = try fraction(.scoreThreshold)
        iouThreshold = try fraction(.iouThreshold)
        maxDetections = try int(.maxDetections)
    }

    /// `input_shapes` with positive whole dimensions whose tensors' byte sizes fit in 64 bits.
    static func inputShapes(_ shapes: [String: [Double]]?) throws(InferenceError) -> [String: [Int]]? {
        guard let shapes else { return nil }
        var checked: [String: [Int]] = [:]
        for (name, values) in shapes {
            let shape = values.map { Int(exactly: $0) ?? 0 }
            // float64, the widest element type, bounds every input's byte size.
            guard shape.allSatisfy({ $0 >= 1 }), TensorSpec.checkedByteCount(shape, dtype: .float64) != nil else {
                throw InferenceError(
                    .invalidRequest, .outOfRange,
                    "options.input_shapes[\(name)] = \(values.map(ClientNumber.describe)) is not a usable shape: its dimensions must be whole numbers of 1 or more and its size fit in 64 bits"
                )
            }
            checked[name] = shape
        }
        return checked
    }
}
