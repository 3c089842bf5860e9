import Foundation

/// Model ids: what they may hold, and the one a file name gives.
extension ModelRegistry {
    // MARK: Ids

    static func validate(id: String) throws(InferenceError) {
        let allowed = id.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x2e || c == 0x5f || c == 0x2d
        }
        guard allowed, (1...128).contains(id.utf8.count), id != ".", id != ".." else {
            throw InferenceError.invalidRequest("model_id '\(id)' is invalid: use 1 to 128 of the characters A-Z a-z 0-9 . _ -")
        }
    }

    /// The file name without its extension, made a valid id.
    static func defaultID(for fileName: String) -> String {
        let stem = fileName.split(separator: ".", omittingEmptySubsequences: false).dropLast().joined(separator: ".")
        let id = sanitized(stem.isEmpty ? fileName : stem)
        return String(id.prefix(128))
    }

    static func sanitized(_ name: String) -> String {
        let base = name.split(separator: "/").last.map(String.init) ?? name
        let cleaned = String(base.map { c in c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "_" || c == "-") ? c : "_" })
        return cleaned.isEmpty || cleaned.allSatisfy({ $0 == "." }) ? "model" : cleaned
    }

    static func fileName(of source: LoadRequest.Source) -> String {
        switch source {
        case .path(let path): path
        case .upload(_, let fileName): fileName
        }
    }
}
