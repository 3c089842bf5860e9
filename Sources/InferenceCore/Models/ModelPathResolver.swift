public import Foundation

/// Confines model paths to the models root: relative paths are taken from the root, absolute ones
/// must lie inside it, `..` is refused outright, and a symlink that leads outside is refused too.
public struct ModelPathResolver: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    /// The real path of the model file `path` names. Throws 400 `path_outside_models_dir`,
    /// 404 `model_file_not_found` or 403 `model_file_unreadable`. Messages name the file as the
    /// client did, never the models directory's own path.
    public func resolve(_ path: String) throws(InferenceError) -> URL {
        guard !path.isEmpty, !path.contains("\0") else {
            throw InferenceError.invalidRequest("'model_path' is empty")
        }
        if path.split(separator: "/").contains("..") {
            throw outside(path, "'..' is not allowed")
        }
        let rootReal = root.resolvingSymlinksInPath().path
        let candidate: URL
        if path.hasPrefix("/") {
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            guard Self.isInside(absolute, root: root.path) || Self.isInside(absolute, root: rootReal) else {
                throw outside(path, "absolute paths must lie inside the models directory")
            }
            candidate = URL(fileURLWithPath: absolute)
        } else {
            candidate = root.appendingPathComponent(path)
        }
        guard FileManager.default.fileExists(atPath: candidate.path) else {
            throw InferenceError(.notFound, .modelFileNotFound, "no model file '\(path)' in the models directory")
        }
        let real = candidate.resolvingSymlinksInPath()
        guard Self.isInside(real.path, root: rootReal) else {
            throw outside(path, "it is a symlink that leads outside the models directory")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: real.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw InferenceError(.notFound, .modelFileNotFound, "'\(path)' is not a model file")
        }
        guard FileManager.default.isReadableFile(atPath: real.path) else { throw Self.unreadable(path) }
        return real
    }

    /// A model file the service's user may not read: 403 naming the file as the client did,
    /// never the models directory's own path.
    public static func unreadable(_ path: String) -> InferenceError {
        InferenceError(
            .forbidden, .modelFileUnreadable,
            "cannot read model file '\(path)': permission denied; the service's user needs read access to it")
    }

    /// An error reading a resolved model file, as a message a user understands (Foundation's
    /// names the error domain and the full path).
    public static func readError(_ error: any Error, path: String) -> InferenceError {
        var answer =
            switch (error as? CocoaError)?.code {
            case .fileReadNoPermission?: unreadable(path)
            case .fileReadNoSuchFile?, .fileNoSuchFile?:
                InferenceError(.notFound, .modelFileNotFound, "no model file '\(path)' in the models directory")
            default: InferenceError(.internal, .modelFileUnreadable, "cannot read model file '\(path)' (\(Self.reason(error)))")
            }
        answer.cause = error
        return answer
    }

    /// The system's reason for a failed read, without paths: the POSIX error when there is one.
    static func reason(_ error: any Error) -> String {
        if let posix = (error as? CocoaError)?.userInfo[NSUnderlyingErrorKey] as? POSIXError {
            return "\(posix.code)"
        }
        if let code = (error as? CocoaError)?.code.rawValue { return "file error \(code)" }
        return "an I/O error"
    }

    /// `path` relative to the root, as stored in the model list.
    public func relative(_ url: URL) -> String {
        let rootReal = root.resolvingSymlinksInPath().path
        let path = url.path
        return Self.isInside(path, root: rootReal) ? String(path.dropFirst(rootReal.count + 1)) : path
    }

    static func isInside(_ path: String, root: String) -> Bool {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix)
    }

    private func outside(_ path: String, _ why: String) -> InferenceError {
        InferenceError(
            .invalidRequest, .pathOutsideModelsDirectory,
            "model_path '\(path)' is refused: \(why); models are loaded from the models directory (--models-dir) only")
    }
}
