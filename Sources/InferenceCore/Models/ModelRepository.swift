import Foundation

/// The models root seen as a repository of named models, for protocols that address models by
/// name only (KServe's model repository extension). A name `NAME` is, in this order:
///
/// * the file `NAME.onnx` or `NAME.hef` at the top of the models root,
/// * the directory `NAME/` holding `model.onnx` or `model.hef`,
/// * Triton's layout `NAME/1/model.onnx` or `NAME/1/model.hef` (version 1 is the only version).
///
/// Paths go through `ModelPathResolver`, so that nothing outside the root is ever named.
public struct ModelRepository: Sendable {
    public let resolver: ModelPathResolver

    public init(resolver: ModelPathResolver) {
        self.resolver = resolver
    }

    /// A model file found in the root.
    public struct Entry: Sendable, Equatable {
        public var name: String
        /// Path relative to the models root.
        public var path: String
    }

    static let extensions = ["onnx", "hef"]

    /// The paths `name` may stand for, in order of preference.
    public static func candidates(for name: String) -> [String] {
        extensions.map { "\(name).\($0)" }
            + extensions.map { "\(name)/model.\($0)" }
            + extensions.map { "\(name)/1/model.\($0)" }
    }

    /// The path (relative to the root) of the model named `name`. Throws 400 for an invalid name
    /// and 404 `model_file_not_found` when no candidate exists.
    public func path(for name: String) async throws(InferenceError) -> String {
        try ModelRegistry.validate(id: name)
        let resolver = resolver
        let found = try? await Blocking.run {
            Self.candidates(for: name).first { candidate in (try? resolver.resolve(candidate)) != nil }
        }
        guard let path = found ?? nil else {
            throw InferenceError(
                .notFound, .modelFileNotFound,
                "no model named '\(name)' in the models directory: expected one of \(Self.candidates(for: name).joined(separator: ", "))")
        }
        return path
    }

    /// Every named model in the root, sorted by name.
    public func scan() async -> [Entry] {
        let resolver = resolver
        let entries = try? await Blocking.run { () -> [Entry] in
            let names = (try? FileManager.default.contentsOfDirectory(atPath: resolver.root.path)) ?? []
            var found: [String: String] = [:]
            for item in names where !item.hasPrefix(".") {
                let format = ModelFormat(fileName: item)
                let name = format == nil ? item : String(item.dropLast((format?.rawValue.count ?? 0) + 1))
                guard found[name] == nil, (try? ModelRegistry.validate(id: name)) != nil else { continue }
                if let path = Self.candidates(for: name).first(where: { (try? resolver.resolve($0)) != nil }) {
                    found[name] = path
                }
            }
            return found.map { Entry(name: $0.key, path: $0.value) }.sorted { $0.name < $1.name }
        }
        return entries ?? []
    }
}
