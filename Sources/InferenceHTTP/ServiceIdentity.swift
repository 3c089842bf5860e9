import Foundation

/// The service's name and version as the protocols that report one say it (KServe's server
/// metadata, CodeProject.AI's version and ping answers).
enum ServiceIdentity {
    static let name = "hailo8-service"
    static let version = "0.1.0"

    /// The machine's host name, as CodeProject.AI puts it in every status answer.
    static let hostname: String = ProcessInfo.processInfo.hostName
}
