import Foundation
import Synchronization
import Testing

@testable import InferenceCore

@Suite("malloc's mmap threshold", .timeLimit(.minutes(1)))
struct MallocTuningTests {
    @Test("a threshold the environment sets is left to glibc")
    func environment() {
        #expect(MallocTuning.setByEnvironment(["MALLOC_MMAP_THRESHOLD_": "65536"]))
        #expect(MallocTuning.setByEnvironment(["GLIBC_TUNABLES": "glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=65536"]))
        #expect(MallocTuning.setByEnvironment(["MALLOC_TRIM_THRESHOLD_": "65536"]))
        #expect(MallocTuning.setByEnvironment(["GLIBC_TUNABLES": "glibc.malloc.trim_threshold=65536"]))
        #expect(!MallocTuning.setByEnvironment(["GLIBC_TUNABLES": "glibc.malloc.arena_max=2", "MALLOC_ARENA_MAX": "2"]))
        #expect(!MallocTuning.setByEnvironment([:]))
        #expect(MallocTuning.start(environment: ["MALLOC_MMAP_THRESHOLD_": "65536"]) == .setByEnvironment)
    }

    @Test("the first load to begin lowers the threshold, the last to end raises it; nothing before enable")
    func overlappingLoads() {
        let set = Mutex<[Int]>([])
        let loads = MallocTuning.Loads { bytes in
            set.withLock { $0.append(bytes) }
            return true
        }
        loads.begin()
        loads.end()
        #expect(set.withLock { $0 }.isEmpty)
        #expect(loads.enable())
        loads.begin()
        loads.begin()
        loads.end()
        loads.end()
        loads.end()  // one too many: ignored
        loads.begin()
        loads.end()
        let (low, high) = (MallocTuning.loadingThreshold, MallocTuning.servingThreshold)
        #expect(set.withLock { $0 } == [high, low, high, low, high])
    }

    @Test("at the loading threshold 4 MiB blocks get mappings of their own, though a 16 MiB block was freed before")
    func loading() throws {
        try #require(MallocTuning.mappedBytes != nil, "glibc 2.33 or later only")
        // Under glibc's moving threshold this free raises it to 16 MiB: 4 MiB blocks would then
        // come from the heaps, which keep them when freed.
        free(malloc(16 << 20))
        #expect(MallocTuning.setThreshold(MallocTuning.loadingThreshold))
        defer { _ = MallocTuning.setThreshold(MallocTuning.servingThreshold) }
        let blocks = (0..<4).map { _ in malloc(4 << 20)! }
        defer { blocks.forEach { free($0) } }
        // Each block's own header says so (glibc's IS_MMAPPED bit of the size word before it), not
        // a process-wide count that other tests running meanwhile change.
        #expect(blocks.allSatisfy(Self.hasOwnMapping))
    }

    /// glibc's chunk header: the size word just before the block, bit 1 set when it was mmapped.
    static func hasOwnMapping(_ block: UnsafeMutableRawPointer) -> Bool {
        block.advanced(by: -MemoryLayout<UInt>.size).load(as: UInt.self) & 0x2 != 0
    }
}
