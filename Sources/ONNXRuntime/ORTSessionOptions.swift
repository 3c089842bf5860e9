internal import CONNXRuntime
import Foundation

/// Options for creating a session.
public struct ORTSessionOptions: Sendable, Equatable {
    public enum GraphOptimization: String, Sendable, CaseIterable {
        case disabled, basic, extended, all

        var level: UInt32 {
            switch self {
            case .disabled: 0
            case .basic: 1
            case .extended: 2
            case .all: 99
            }
        }
    }

    /// Threads of the session's intra-op pool; 0 lets ORT choose (one per core).
    public var intraOpThreads: Int = 0
    /// Threads of the inter-op pool, used only with `parallelExecution`.
    public var interOpThreads: Int = 1
    public var graphOptimization: GraphOptimization = .all
    public var parallelExecution = false
    /// Extra `AddSessionConfigEntry` key/values, e.g. `session.intra_op.allow_spinning`.
    public var configEntries: [String: String] = [:]

    public init() {}
}
