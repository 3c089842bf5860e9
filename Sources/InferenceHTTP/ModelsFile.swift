import Foundation
import InferenceCore
import Yams

/// The YAML file of models to load when the service starts (`serve --config`, docs/api.md):
///
/// ```yaml
/// models:
///   - model_id: demo
///     model_path: nudenet-320n.onnx
///     options: {max_batch_size: 4, max_queue_delay_us: 500}
/// ```
///
/// Each entry takes the fields of `POST /models/load` as JSON. Unlike the API, the file refuses
/// keys it does not know: a misspelt option in a file nobody watches would silently be dropped.
public struct ModelsFile: Sendable {
    let models: [LoadBody]

    /// A file that cannot be read, parsed, or holds a key or value the service does not know.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(contentsOf path: String) throws(Invalid) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Invalid(description: "cannot read the models file \(path)")
        }
        do {
            try self.init(yaml: String(decoding: data, as: UTF8.self))
        } catch {
            throw Invalid(description: "models file \(path): \(error.description)")
        }
    }

    public init(yaml: String) throws(Invalid) {
        let node: Any?
        do {
            node = try Yams.load(yaml: yaml)
        } catch {
            throw Invalid(description: "not valid YAML: \(error)")
        }
        guard let root = node as? [String: Any], let entries = root["models"] as? [Any] else {
            throw Invalid(description: "expected a mapping with a 'models' list")
        }
        try Self.refuseUnknown(root, known: ["models"], at: "")
        for (index, entry) in entries.enumerated() {
            guard let fields = entry as? [String: Any] else { throw Invalid(description: "models[\(index)] is not a mapping") }
            try Self.refuseUnknown(fields, known: Set(LoadBody.CodingKeys.allCases.map(\.stringValue)), at: "models[\(index)].")
            if let options = fields["options"] as? [String: Any] {
                try Self.refuseUnknown(options, known: ModelOptions.fieldNames, at: "models[\(index)].options.")
            }
        }
        struct Document: Decodable { var models: [LoadBody] }
        do {
            models = try YAMLDecoder().decode(Document.self, from: yaml).models
        } catch let error as DecodingError {
            throw Invalid(description: ErrorMiddleware<AppRequestContext>.describe(error))
        } catch {
            throw Invalid(description: "\(error)")
        }
    }

    private static func refuseUnknown(_ fields: [String: Any], known: Set<String>, at path: String) throws(Invalid) {
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw Invalid(description: "unknown key '\(path)\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
        }
    }

    /// The loads the file asks for, in its order; `labels_file`s are read from the models root.
    public func loadRequests(resolver: ModelPathResolver) async throws -> [LoadRequest] {
        var requests: [LoadRequest] = []
        for model in models {
            requests.append(try await model.loadRequest(resolver: resolver))
        }
        return requests
    }
}
