import Foundation
import InferenceCore

/// The answer to `POST /inference/batch`: one result per item, in order.
struct BatchResponse: Encodable {
    var modelID: String
    var succeeded: Int
    var failed: Int
    var results: [Item]

    struct Item: Encodable {
        var index: Int
        var status: String
        var outputs: [TensorResponse]?
        var timing: TimingResponse?
        var error: APIErrorDetail?
        /// An image item's answer: its fields stand beside `index` and `status`.
        var detection: DetectionResponse?

        enum CodingKeys: String, CodingKey { case index, status, outputs, timing, error }

        func encode(to encoder: any Encoder) throws {
            try detection?.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encode(status, forKey: .status)
            try container.encodeIfPresent(outputs, forKey: .outputs)
            try container.encodeIfPresent(timing, forKey: .timing)
            try container.encodeIfPresent(error, forKey: .error)
        }
    }

    /// What one item answered: output tensors, or an image's detections.
    enum Answer {
        case tensor(InferenceResult)
        case detection(DetectionResponse)
    }

    enum CodingKeys: String, CodingKey {
        case modelID = "model_id", succeeded, failed, results
    }

    init(modelID: String, results: [Result<InferenceResult, APIError>], format: OutputFormat) {
        self.init(modelID: modelID, answers: results.map { $0.map(Answer.tensor) }, format: format)
    }

    init(modelID: String, answers: [Result<Answer, APIError>], format: OutputFormat) {
        self.modelID = modelID
        results = answers.enumerated().map { index, answer in
            switch answer {
            case .success(.tensor(let r)):
                let response = InferenceResponse(r, format: format)
                return Item(index: index, status: "succeeded", outputs: response.outputs, timing: response.timing)
            case .success(.detection(let response)):
                return Item(index: index, status: "succeeded", detection: response)
            case .failure(let e):
                return Item(index: index, status: "failed", error: APIErrorDetail(code: e.code, message: e.message))
            }
        }
        succeeded = self.results.filter { $0.status == "succeeded" }.count
        failed = self.results.count - succeeded
    }
}

struct APIErrorDetail: Encodable {
    var code: String
    var message: String
}

/// `GET /inference/{task_id}`.
struct TaskResponse: Encodable {
    var taskID: String
    var modelID: String
    var kind: String
    var status: String
    var createdAt: Date
    var startedAt: Date?
    var finishedAt: Date?
    var result: Result?
    var error: APIErrorDetail?

    enum Result: Encodable {
        case single(InferenceResponse)
        case batch(BatchResponse)
        case document(EmbeddedJSON)

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .single(let r): try r.encode(to: encoder)
            case .batch(let r): try r.encode(to: encoder)
            case .document(let r): try r.encode(to: encoder)
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", modelID = "model_id", kind, status
        case createdAt = "created_at", startedAt = "started_at", finishedAt = "finished_at", result, error
    }

    init(_ task: TaskStore.Snapshot, format: OutputFormat) {
        taskID = task.id
        modelID = task.modelID
        kind = task.kind
        status = task.status.rawValue
        createdAt = task.createdAt
        startedAt = task.startedAt
        finishedAt = task.finishedAt
        switch task.outcome {
        case .single(let r):
            result = .single(InferenceResponse(r, format: format))
        case .batch(let results):
            result = .batch(BatchResponse(modelID: task.modelID, results: results.map { $0.mapError(APIError.init) }, format: format))
        case .document(let data):
            // Encoded by this layer when the task finished; unreadable only if the file was damaged.
            result = (try? JSONDecoder().decode(EmbeddedJSON.self, from: data)).map(Result.document)
        case nil:
            result = nil
        }
        error = task.error.map { APIErrorDetail(code: $0.code.rawValue, message: $0.message) }
    }
}
