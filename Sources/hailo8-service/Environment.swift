import Foundation

/// Flag values fall back to `HAILO8_*` environment variables, then to defaults.
enum Environment {
    static func string(_ flag: String?, _ variable: String) -> String? {
        if let flag { return flag }
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else { return nil }
        return value
    }

    static func int(_ flag: Int?, _ variable: String, default value: Int) throws -> Int {
        try optionalInt(flag, variable) ?? value
    }

    /// The flag, else the variable, else nil.
    static func optionalInt(_ flag: Int?, _ variable: String) throws -> Int? {
        if let flag { return flag }
        guard let text = string(nil, variable) else { return nil }
        guard let parsed = Int(text) else { throw ConfigurationError("\(variable)=\(text) is not an integer") }
        return parsed
    }

    /// Repeated flags, or a comma-separated variable.
    static func list(_ flags: [String], _ variable: String) -> [String] {
        if !flags.isEmpty { return flags }
        return (string(nil, variable) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Parses a byte size: a number with an optional K, M or G suffix (powers of 1024).
    static func byteSize(_ text: String) throws -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
            .replacingOccurrences(of: "IB", with: "").replacingOccurrences(of: "B", with: "")
        let multipliers: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        if let last = trimmed.last, let multiplier = multipliers[last], let value = Int(trimmed.dropLast()), value > 0 {
            let (bytes, overflow) = value.multipliedReportingOverflow(by: multiplier)
            guard !overflow else { throw ConfigurationError("'\(text)' is more bytes than this machine can count") }
            return bytes
        }
        guard let value = Int(trimmed), value > 0 else {
            throw ConfigurationError("'\(text)' is not a size in bytes (e.g. 67108864, 64M, 1G)")
        }
        return value
    }
}

struct ConfigurationError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
