// The libFuzzer entry points: one binary for every target of `FuzzTargets`, the target chosen
// by HAILO8_FUZZ_TARGET (`list` prints each name, its -max_len and its dictionaries). Built only
// when HAILO8_FUZZ=1 is set for the manifest; scripts/fuzz.sh builds and runs it (docs/fuzzing.md).
#if canImport(Glibc)
import Glibc
#endif
import FuzzTargets

/// The target HAILO8_FUZZ_TARGET names, chosen once.
let selected: FuzzTarget = {
    let name = getenv("HAILO8_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    if name == "list" {
        for target in FuzzTargets.all { print(target.name, target.maxLength, target.dictionaries.joined(separator: " ")) }
        exit(0)
    }
    guard let target = FuzzTargets.named(name) else {
        let names = FuzzTargets.all.map(\.name).joined(separator: ", ")
        let message = "HAILO8_FUZZ_TARGET must name a target: \(names) (or list)\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        exit(2)
    }
    return target
}()

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    _ = selected
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selected.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}
