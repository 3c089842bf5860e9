import Foundation

/// Runs occasional blocking work (file I/O, hashing a model file) on a thread of its own, so that
/// it never occupies Swift's cooperative pool. Not for hot paths: backends keep their own pools.
public enum Blocking {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.name = "hailo8-blocking"
            thread.start()
        }
    }
}
