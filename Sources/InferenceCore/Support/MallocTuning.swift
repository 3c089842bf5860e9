import CMalloc
import Foundation
import Synchronization

/// glibc's malloc gives a block of 128 KiB or more a mapping of its own, unmapped when the block
/// is freed, until such a block is freed: then it raises that threshold to the block's size (up
/// to 32 MiB) and serves smaller blocks from its heaps, which keep what is freed. Loading a model
/// allocates its weights and frees blocks of several MiB (the file as parsed, weights before
/// optimisation), so after a few loads and unloads the heaps hold model-sized holes and the
/// process stays near its high-water mark: 300-400 MiB instead of 140-160 under ten minutes of
/// `bench/soak.py` (docs/performance.md, "Memory over time").
///
/// So the service sets the threshold itself: 128 KiB while a model loads, so that what the load
/// allocates has mappings of its own and goes back to the system when freed, and 32 MiB
/// (glibc's largest) otherwise, so that request buffers come from the heaps and are reused, as
/// under glibc's moving threshold (128 KiB at all times costs 4-12 % more CPU per request: every
/// tensor and image buffer mapped and faulted in afresh). After an unload the heaps' free pages
/// go back too (`trim`).
///
/// Setting the mmap threshold also stops glibc from moving its trim threshold (twice the mmap
/// threshold when it moves it), which would stay at 128 KiB: a heap whose top held more free
/// memory than that would be shrunk after nearly every request with megabyte buffers and grown
/// again by the next (a 1.2 MB raw frame to the simulated Hailo: 1 200 requests/s instead of
/// 1 700). So the trim threshold is set too, to 8 MiB: above a decoded 1080p image (6.2 MB), and
/// at most that much free memory kept at the top of each heap.
public enum MallocTuning {
    /// The threshold while a model loads: glibc's starting value.
    public static let loadingThreshold = 128 << 10
    /// The threshold otherwise: the largest glibc takes.
    public static let servingThreshold = 32 << 20
    /// Free memory at the top of a heap kept rather than given back at once.
    public static let trimThreshold = 8 << 20

    public enum Outcome: Equatable, Sendable, CustomStringConvertible {
        /// The service sets the threshold.
        case fixed
        /// Left as the environment sets it (`MALLOC_MMAP_THRESHOLD_`, `MALLOC_TRIM_THRESHOLD_`,
        /// `GLIBC_TUNABLES`), which glibc reads itself.
        case setByEnvironment
        /// Not glibc: nothing to set.
        case unsupported

        public var description: String {
            switch self {
            case .fixed: "\(servingThreshold) bytes, \(loadingThreshold) while a model loads; trim threshold \(trimThreshold) bytes"
            case .setByEnvironment: "as the environment sets it"
            case .unsupported: "not glibc's malloc: left alone"
            }
        }
    }

    /// Counts the loads under way: the first to begin lowers the threshold, the last to end
    /// raises it again. Does nothing until enabled.
    final class Loads: Sendable {
        private let state = Mutex<(enabled: Bool, count: Int)>((false, 0))
        private let set: @Sendable (Int) -> Bool

        init(set: @escaping @Sendable (Int) -> Bool) { self.set = set }

        func enable() -> Bool {
            state.withLock { state in
                state.enabled = set(servingThreshold)
                return state.enabled
            }
        }

        func begin() {
            state.withLock { state in
                guard state.enabled else { return }
                if state.count == 0 { _ = set(loadingThreshold) }
                state.count += 1
            }
        }

        func end() {
            state.withLock { state in
                guard state.enabled, state.count > 0 else { return }
                state.count -= 1
                if state.count == 0 { _ = set(servingThreshold) }
            }
        }
    }

    static let loads = Loads { setThreshold($0) }

    /// Whether the environment sets either threshold for glibc.
    static func setByEnvironment(_ environment: [String: String]) -> Bool {
        let tunables = (environment["GLIBC_TUNABLES"] ?? "").split(separator: ":")
        return environment["MALLOC_MMAP_THRESHOLD_"] != nil || environment["MALLOC_TRIM_THRESHOLD_"] != nil
            || tunables.contains { $0.hasPrefix("glibc.malloc.mmap_threshold=") || $0.hasPrefix("glibc.malloc.trim_threshold=") }
    }

    /// Takes both thresholds over unless the environment sets one. Call it once, at start,
    /// before models load: the trim threshold is set here, once; the mmap threshold moves with
    /// the loads (`whileLoading`).
    public static func start(environment: [String: String]? = nil) -> Outcome {
        if setByEnvironment(environment ?? ProcessInfo.processInfo.environment) { return .setByEnvironment }
        return cmalloc_set_trim_threshold(trimThreshold) == 1 && loads.enable() ? .fixed : .unsupported
    }

    /// Runs a model's load with the loading threshold (when `start` took the threshold over).
    public static func whileLoading<T>(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T) async rethrows -> T {
        loads.begin()
        defer { loads.end() }
        return try await body()
    }

    /// Gives the system back the free pages inside malloc's heaps (`malloc_trim`); whether any
    /// were. Blocks while it walks the heaps: call it off Swift's cooperative pool.
    @discardableResult
    public static func trim() -> Bool {
        cmalloc_trim() == 1
    }

    static func setThreshold(_ bytes: Int) -> Bool {
        cmalloc_set_mmap_threshold(bytes) == 1
    }

    /// Bytes in blocks with mappings of their own, nil where the C library does not say.
    static var mappedBytes: Int? {
        let bytes = cmalloc_mapped_bytes()
        return bytes < 0 ? nil : Int(bytes)
    }
}
