import Foundation

/// Which device a load request asks for.
public enum DeviceChoice: String, Sendable, Codable {
    case auto, cpu, hailo
}

/// What is remembered of a loaded model across restarts (`<data-dir>/models.json`).
public struct ModelRecord: Sendable, Codable, Equatable {
    public var modelID: String
    /// Path of the file relative to the models root, or relative to the data directory for
    /// uploads (`uploads/…`).
    public var source: String
    public var uploaded: Bool
    public var device: DeviceKind
    public var format: ModelFormat
    public var labels: [String]?
    public var options: ModelOptions
    public var fingerprint: String

    enum CodingKeys: String, CodingKey {
        case modelID = "model_id", source, uploaded, device, format, labels, options, fingerprint
    }
}

/// A request to load a model, from a path in the models root or from uploaded bytes.
public struct LoadRequest: Sendable {
    public enum Source: Sendable {
        case path(String)
        case upload(bytes: [UInt8], fileName: String)
    }

    public var source: Source
    public var modelID: String?
    public var device: DeviceChoice
    public var labels: [String]?
    public var options: ModelOptions

    public init(
        source: Source, modelID: String? = nil, device: DeviceChoice = .auto, labels: [String]? = nil, options: ModelOptions = .init()
    ) {
        self.source = source
        self.modelID = modelID
        self.device = device
        self.labels = labels
        self.options = options
    }
}
