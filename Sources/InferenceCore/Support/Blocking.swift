import Dispatch

/// Runs blocking work (file I/O, hashing, a C call that waits) off Swift's cooperative pool, which
/// has one thread per core and must never wait. One shared concurrent queue for the whole
/// process: Dispatch keeps a few threads and adds one when a worker blocks, instead of a new
/// thread per call.
public enum Blocking {
    static let queue = DispatchQueue(label: "hailo8-blocking", qos: .utility, attributes: .concurrent)

    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
