import Foundation
import HTTPTypes
import InferenceCore

/// A model as `GET /models` shows it.
struct ModelResponse: Encodable {
    var modelID: String
    var device: String
    var state: String
    var format: String
    var source: String
    var uploaded: Bool
    var inputs: [TensorSpec]
    var outputs: [TensorSpec]
    var defaultInputShapes: [String: [Int]]
    var labels: [String]?
    var metadata: [String: String]
    var options: ModelOptions
    var error: String?
    var loadedAt: Date?
    var counters: Counters

    struct Counters: Encodable {
        var requests: Int
        var succeeded: Int
        var failed: Int
        var inFlight: Int

        enum CodingKeys: String, CodingKey {
            case requests, succeeded, failed, inFlight = "in_flight"
        }
    }

    enum CodingKeys: String, CodingKey {
        case modelID = "model_id", device, state, format, source, uploaded, inputs, outputs
        case defaultInputShapes = "default_input_shapes", labels, metadata, options, error
        case loadedAt = "loaded_at", counters
    }

    init(_ info: ModelInfo) {
        modelID = info.record.modelID
        device = info.record.device.rawValue
        state = info.state.rawValue
        format = info.record.format.rawValue
        source = info.record.source
        uploaded = info.record.uploaded
        inputs = info.signature?.inputs ?? []
        outputs = info.signature?.outputs ?? []
        defaultInputShapes = info.signature?.defaultInputShapes ?? [:]
        labels = info.labels
        metadata = info.signature?.metadata ?? [:]
        options = info.record.options
        error = info.error
        loadedAt = info.loadedAt
        let s = info.stats
        counters = Counters(requests: s.requests, succeeded: s.succeeded, failed: s.failed, inFlight: s.inFlight)
    }
}

struct ModelListResponse: Encodable {
    var models: [ModelResponse]
}

/// `POST /models/load` as JSON.
struct LoadBody: Decodable {
    var modelPath: String
    var modelID: String?
    var device: DeviceChoice?
    var labels: [String]?
    /// A file in the models root with one class name per line (or a JSON list).
    var labelsFile: String?
    var options: ModelOptions?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case modelPath = "model_path", modelID = "model_id", device, labels, labelsFile = "labels_file", options
    }

    /// The load it asks for, with `labels_file` read from the models root.
    func loadRequest(resolver: ModelPathResolver) async throws -> LoadRequest {
        var labels = labels
        if let labelsFile {
            guard labels == nil else { throw APIError.badRequest("give either 'labels' or 'labels_file', not both") }
            labels = try await Self.readLabels(try resolver.resolve(labelsFile), name: labelsFile)
        }
        return LoadRequest(source: .path(modelPath), modelID: modelID, device: device ?? .auto, labels: labels, options: options ?? .init())
    }

    /// Class names from a file: a JSON list, or one name per line (blank lines skipped).
    static func readLabels(_ url: URL, name: String) async throws -> [String] {
        let text = try await Blocking.run { () -> String? in
            guard let data = FileManager.default.contents(atPath: url.path), data.count <= 1 << 20 else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
        guard let text else {
            throw APIError(.notFound, "labels_file_not_found", "labels_file '\(name)' cannot be read (missing, or over 1 MiB)")
        }
        if let list = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) { return list }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !lines.isEmpty else { throw APIError.badRequest("labels_file '\(name)' holds no labels") }
        return lines
    }
}
