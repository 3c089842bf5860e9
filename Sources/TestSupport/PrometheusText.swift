/// The samples of a Prometheus text exposition, parsed strictly enough to catch a malformed
/// export: every line is a `# HELP`/`# TYPE` comment or `name{label="value",…} number`.
public struct PrometheusText {
    public struct Sample: Equatable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    public var samples: [Sample] = []
    /// `# TYPE` of each family.
    public var types: [String: String] = [:]

    public struct MalformedLine: Error, CustomStringConvertible {
        public var line: String
        public var description: String { "malformed exposition line: \(line)" }
    }

    public init(_ text: String) throws {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4 else { throw MalformedLine(line: line) }
                types[String(parts[2])] = String(parts[3])
                continue
            }
            if line.hasPrefix("#") { continue }
            samples.append(try Self.sample(line))
        }
    }

    static func sample(_ line: String) throws -> Sample {
        guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
            throw MalformedLine(line: line)
        }
        let series = line[..<space]
        guard let brace = series.firstIndex(of: "{") else {
            return Sample(name: String(series), labels: [:], value: value)
        }
        guard series.last == "}" else { throw MalformedLine(line: line) }
        var labels: [String: String] = [:]
        var rest = series[series.index(after: brace)..<series.index(before: series.endIndex)]
        while !rest.isEmpty {
            guard let equals = rest.firstIndex(of: "="), rest[rest.index(after: equals)] == "\"" else { throw MalformedLine(line: line) }
            let key = String(rest[..<equals])
            var cursor = rest.index(equals, offsetBy: 2)
            var value = ""
            while cursor < rest.endIndex, rest[cursor] != "\"" {
                if rest[cursor] == "\\" { cursor = rest.index(after: cursor) }
                value.append(rest[cursor])
                cursor = rest.index(after: cursor)
            }
            guard cursor < rest.endIndex else { throw MalformedLine(line: line) }
            labels[key] = value
            rest = rest[rest.index(after: cursor)...]
            if rest.first == "," { rest = rest.dropFirst() }
        }
        return Sample(name: String(series[..<brace]), labels: labels, value: value)
    }

    /// The value of the one sample named `name` whose labels include `labels`; nil when none.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = samples.filter { sample in sample.name == name && labels.allSatisfy { key, value in sample.labels[key] == value } }
        return matching.count == 1 ? matching[0].value : nil
    }

    /// The count of the histogram bucket `name_bucket` whose upper bound is `le`.
    public func bucket(_ name: String, _ labels: [String: String], le: Double) -> Double? {
        let matching = all(name + "_bucket", labels).filter { $0.labels["le"].flatMap { Double($0) } == le }
        return matching.count == 1 ? matching[0].value : nil
    }

    /// Every sample named `name` whose labels include `labels`.
    public func all(_ name: String, _ labels: [String: String] = [:]) -> [Sample] {
        samples.filter { sample in sample.name == name && labels.allSatisfy { key, value in sample.labels[key] == value } }
    }
}
