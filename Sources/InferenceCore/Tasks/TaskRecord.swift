import Foundation

/// A task as it is written to disk: everything `GET /inference/{task_id}` answers, results
/// included, so that a restart loses no accepted task.
struct TaskRecord: Codable, Equatable {
    struct StoredTensor: Codable, Equatable {
        var name: String
        var dtype: String
        var shape: [Int]
        var data: Data
    }

    struct StoredResult: Codable, Equatable {
        var modelID: String
        var outputs: [StoredTensor]
        var queueNanoseconds: Int64
        var inferenceNanoseconds: Int64
        var totalNanoseconds: Int64
    }

    struct StoredError: Codable, Equatable {
        /// The HTTP status of the error's kind: a stable way to name the kind.
        var status: Int
        var code: String
        var message: String
    }

    struct StoredItem: Codable, Equatable {
        var result: StoredResult?
        var error: StoredError?
    }

    var id: String
    var modelID: String
    var kind: String
    var attributes: [String: String]
    var status: TaskStore.Status
    var createdAt: Date
    var startedAt: Date?
    var finishedAt: Date?
    var single: StoredResult?
    var batch: [StoredItem]?
    var document: Data?
    var error: StoredError?
}

extension TaskRecord {
    init(_ task: TaskStore.Snapshot) {
        self.init(
            id: task.id, modelID: task.modelID, kind: task.kind, attributes: task.attributes, status: task.status,
            createdAt: task.createdAt, startedAt: task.startedAt, finishedAt: task.finishedAt,
            error: task.error.map(StoredError.init))
        switch task.outcome {
        case .single(let result): single = StoredResult(result)
        case .batch(let items):
            batch = items.map { item in
                switch item {
                case .success(let result): StoredItem(result: StoredResult(result))
                case .failure(let error): StoredItem(error: StoredError(error))
                }
            }
        case .document(let data): document = data
        case nil: break
        }
    }

    /// The task again; nil when the file holds something this version cannot read back.
    var snapshot: TaskStore.Snapshot? {
        var outcome: TaskStore.Outcome?
        if let single {
            guard let result = single.result else { return nil }
            outcome = .single(result)
        } else if let batch {
            var items: [Result<InferenceResult, InferenceError>] = []
            for item in batch {
                if let result = item.result?.result {
                    items.append(.success(result))
                } else if let error = item.error {
                    items.append(.failure(error.error))
                } else {
                    return nil
                }
            }
            outcome = .batch(items)
        } else if let document {
            outcome = .document(document)
        }
        return TaskStore.Snapshot(
            id: id, modelID: modelID, kind: kind, attributes: attributes, status: status, createdAt: createdAt,
            startedAt: startedAt, finishedAt: finishedAt, outcome: outcome, error: error?.error)
    }
}

extension TaskRecord.StoredResult {
    init(_ result: InferenceResult) {
        self.init(
            modelID: result.modelID,
            outputs: result.outputs.map { .init(name: $0.name, dtype: $0.dtype.rawValue, shape: $0.shape, data: Data($0.data)) },
            queueNanoseconds: result.timing.queue.nanoseconds, inferenceNanoseconds: result.timing.inference.nanoseconds,
            totalNanoseconds: result.timing.total.nanoseconds)
    }

    var result: InferenceResult? {
        var tensors: [Tensor] = []
        for output in outputs {
            guard let dtype = ElementType(rawValue: output.dtype) else { return nil }
            tensors.append(Tensor(name: output.name, dtype: dtype, shape: output.shape, data: [UInt8](output.data)))
        }
        return InferenceResult(
            modelID: modelID, outputs: tensors,
            timing: .init(
                queue: .nanoseconds(queueNanoseconds), inference: .nanoseconds(inferenceNanoseconds), total: .nanoseconds(totalNanoseconds))
        )
    }
}

extension TaskRecord.StoredError {
    init(_ error: InferenceError) {
        self.init(status: error.kind.httpStatus, code: error.code.rawValue, message: error.message)
    }

    var error: InferenceError {
        let kind = InferenceError.Kind.all.first { $0.httpStatus == status } ?? .internal
        return InferenceError(kind, InferenceError.Code(code), message)
    }
}
