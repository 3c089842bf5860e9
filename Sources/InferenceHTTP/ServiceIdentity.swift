#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The service's name and version as the protocols that report one say it (KServe's server
/// metadata, CodeProject.AI's version and ping answers).
enum ServiceIdentity {
    static let name = "hailo8-service"
    static let version = "0.1.0"

    /// The machine's host name, as CodeProject.AI puts it in every status answer: `gethostname`
    /// alone (Foundation's `hostName` may also ask DNS, which can block for seconds).
    static let hostname: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()
}
