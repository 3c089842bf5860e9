/// The defaults the service sizes itself with, from the limits of its cgroup rather than the
/// host: a container given 2 CPUs on a 16-core host starts 2-wide pools, not 16. Flags and
/// `HAILO8_*` variables that set a size explicitly win over these.
public struct ResourceSizing: Sendable, Equatable {
    public var limits: ResourceLimits

    public init(_ limits: ResourceLimits) {
        self.limits = limits
    }

    /// Threads that run models (`--inference-threads`) and that decode images
    /// (`--vision-threads`): one per CPU the process can use.
    public var threads: Int { limits.cpus }

    /// The default largest request body: 64 MiB, or an eighth of a known memory limit when that
    /// is smaller (at least 1 MiB). Several bodies are held at once — while they arrive, as
    /// decoded images and tensors, in async tasks — so one eighth keeps a handful of the largest
    /// from exhausting a small container. Nothing else is sized from memory: image decoding is
    /// bounded by `--max-image-pixels` and scales JPEGs down to the model input.
    public var maxBodySize: Int {
        guard let memory = limits.memoryLimit else { return Self.maxBodySizeCeiling }
        return Int(min(Int64(Self.maxBodySizeCeiling), max(Int64(Self.maxBodySizeFloor), memory / 8)))
    }

    public static let maxBodySizeCeiling = 64 << 20
    public static let maxBodySizeFloor = 1 << 20

    /// Requests that may wait per model (`--max-queue`): 16 per usable CPU, between 8 and 64. A
    /// waiting request holds its decoded input, and what it waits for is a share of these CPUs
    /// (or of the device they feed), so a narrower container keeps a shorter queue and refuses
    /// the excess at once (429) instead of answering it late.
    public var maxQueue: Int { min(64, max(8, 16 * limits.cpus)) }

    /// Async tasks kept at once (`--task-capacity`): 1024, or one per MiB of a known memory
    /// limit when that is fewer (at least 64), since a finished task keeps its whole result.
    public var taskCapacity: Int {
        guard let memory = limits.memoryLimit else { return 1024 }
        return Int(min(1024, max(64, memory >> 20)))
    }

    /// Bytes of results finished async tasks may hold (`--task-memory`): 512 MiB, or a quarter
    /// of a known memory limit when that is less (at least 16 MiB). The count alone does not
    /// bound them: one batch task can hold hundreds of MiB of tensors.
    public var taskResultBytes: Int {
        guard let memory = limits.memoryLimit else { return 512 << 20 }
        return Int(min(512 << 20, max(16 << 20, memory / 4)))
    }

    /// Bytes of request bodies held at once (`--body-memory`): 1 GiB, or half a known memory
    /// limit when that is less; never less than one body of `maxBodySize`.
    public func bodyBytesInFlight(maxBodySize: Int) -> Int {
        let share = limits.memoryLimit.map { Int(min(1 << 30, $0 / 2)) } ?? 1 << 30
        return max(maxBodySize, share)
    }
}
