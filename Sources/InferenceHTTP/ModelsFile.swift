import Foundation
public import InferenceCore
import InferenceVision
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
/// An optional `zmq_endpoints:` list turns on Frigate's ZeroMQ front end (`--zmq-endpoint`).
public struct ModelsFile: Sendable {
    let models: [LoadBody]
    /// ZeroMQ endpoints for Frigate's remote detector; used when no flag or variable sets them.
    public private(set) var zmqEndpoints: [String] = []

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

    /// Parses the file's text. An empty file, or `models:` with no entries, names no models.
    public init(yaml: String) throws(Invalid) {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch {
            throw Invalid(description: "not valid YAML: \(error)")
        }
        guard let node, node != Node("", Tag(.null)) else {
            models = []
            return
        }
        guard let root = node.mapping else { throw Invalid(description: "expected a mapping with a 'models' list") }
        try Self.refuseUnknown(root, known: ["models", "zmq_endpoints"], at: "")
        if let endpoints = root["zmq_endpoints"], endpoints.null == nil {
            guard let list = endpoints.sequence?.map({ $0.scalar?.string }), let strings = list as? [String] else {
                throw Invalid(description: "'zmq_endpoints' must be a list of endpoints such as tcp://0.0.0.0:5555")
            }
            zmqEndpoints = strings.filter { !$0.isEmpty }
        }
        guard let entries = root["models"], entries.null == nil else {
            models = []
            return
        }
        guard let list = entries.sequence else { throw Invalid(description: "'models' must be a list") }
        for (index, entry) in list.enumerated() {
            guard let fields = entry.mapping else { throw Invalid(description: "models[\(index)] is not a mapping") }
            try Self.refuseUnknown(fields, known: Set(LoadBody.CodingKeys.allCases.map(\.stringValue)), at: "models[\(index)].")
            if let options = fields["options"]?.mapping {
                try Self.refuseUnknown(options, known: ModelOptions.fieldNames, at: "models[\(index)].options.")
            }
        }
        do {
            models = try YAMLDecoder().decode([LoadBody].self, from: entries)
        } catch let error as DecodingError {
            throw Invalid(description: ErrorMiddleware<AppRequestContext>.describe(error))
        } catch {
            throw Invalid(description: "\(error)")
        }
    }

    private static func refuseUnknown(_ fields: Node.Mapping, known: Set<String>, at path: String) throws(Invalid) {
        for key in fields.keys {
            guard let name = key.scalar?.string, known.contains(name) else {
                throw Invalid(
                    description: "unknown key '\(path)\(key.scalar?.string ?? "\(key)")' (known: \(known.sorted().joined(separator: ", ")))"
                )
            }
        }
    }

    /// The loads the file asks for, in its order; `labels_file`s are read from the models root,
    /// options checked as `POST /models/load` checks them.
    public func loadRequests(resolver: ModelPathResolver) async throws -> [LoadRequest] {
        var requests: [LoadRequest] = []
        for model in models {
            let request = try await model.loadRequest(resolver: resolver)
            try VisionOptions.validate(request.options)
            requests.append(request)
        }
        return requests
    }
}
