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
    }

    enum CodingKeys: String, CodingKey {
        case modelID = "model_id", succeeded, failed, results
    }

    init(modelID: String, results: [Result<InferenceResult, APIError>], format: OutputFormat) {
        self.modelID = modelID
        self.results = results.enumerated().map { index, result in
            switch result {
            case .success(let r):
                let response = InferenceResponse(r, format: format)
                return Item(index: index, status: "succeeded", outputs: response.outputs, timing: response.timing)
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

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .single(let r): try r.encode(to: encoder)
            case .batch(let r): try r.encode(to: encoder)
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
        case nil:
            result = nil
        }
        error = task.error.map { APIErrorDetail(code: $0.code.rawValue, message: $0.message) }
    }
}
