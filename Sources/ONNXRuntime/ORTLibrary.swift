internal import CONNXRuntime
import Foundation

/// A loaded ONNX Runtime shared library: its `OrtApi` table, the process-wide `OrtEnv`, a CPU
/// memory info and ORT's default allocator.
///
/// `@unchecked Sendable`: every stored property is immutable after `init`, the library is never
/// unloaded, and ORT documents `OrtEnv`, the memory info and the default allocator as usable from
/// any thread.
public final class ORTLibrary: @unchecked Sendable {
    /// The path that was opened.
    public let path: String
    /// `GetVersionString()`, e.g. "1.32.0".
    public let version: String

    let functions: ORTFunctions
    let env: OpaquePointer
    let cpuMemoryInfo: OpaquePointer
    let allocator: OpaquePointer

    /// Opens the first usable library among `candidates` (paths, or bare sonames searched by the
    /// dynamic linker). Throws with every attempt and its reason when none works.
    public static func load(candidates: [String]) throws(ORTLoadError) -> ORTLibrary {
        var attempts: [String] = []
        for candidate in candidates {
            do {
                return try ORTLibrary(path: candidate)
            } catch {
                attempts.append(error.message.hasPrefix(candidate) ? error.message : "\(candidate): \(error.message)")
            }
        }
        throw ORTLoadError(message: "ONNX Runtime library not found", attempts: attempts)
    }

    /// Opens the library at `path` and prepares it for use.
    public init(path: String) throws(ORTLoadError) {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "dlopen failed"
            throw ORTLoadError(message: reason, attempts: [])
        }
        guard let symbol = dlsym(handle, "OrtGetApiBase") else {
            dlclose(handle)
            throw ORTLoadError(message: "no OrtGetApiBase symbol: not an ONNX Runtime library", attempts: [])
        }
        let getApiBase = unsafeBitCast(symbol, to: ORTHS_GetApiBaseFn.self)
        guard let base = getApiBase(), let versionCString = base.pointee.GetVersionString() else {
            throw ORTLoadError(message: "OrtGetApiBase returned NULL", attempts: [])
        }
        let version = String(cString: versionCString)
        // Parse the version first: GetApi with an unsupported version prints to stderr.
        guard Self.supports(version: version) else {
            throw ORTLoadError(
                message: "ONNX Runtime \(version) is too old: version 1.\(ORTSlot.apiVersion) or later is required",
                attempts: [])
        }
        guard let table = base.pointee.GetApi(ORTSlot.apiVersion) else {
            throw ORTLoadError(message: "GetApi(\(ORTSlot.apiVersion)) returned NULL", attempts: [])
        }
        let functions = try ORTFunctions(table: table)

        func make(_ operation: String, _ body: (UnsafeMutablePointer<OpaquePointer?>) -> OpaquePointer?) throws(ORTLoadError)
            -> OpaquePointer
        {
            var out: OpaquePointer?
            if let status = body(&out) {
                let error = ORTError(status: status, operation: operation, functions: functions)
                throw ORTLoadError(message: error.description, attempts: [])
            }
            return out!
        }
        self.env = try make("CreateEnv") { functions.createEnv(2 /* WARNING */, "hailo8-service", $0) }
        self.cpuMemoryInfo = try make("CreateCpuMemoryInfo") {
            functions.createCpuMemoryInfo(0 /* OrtDeviceAllocator */, 0 /* OrtMemTypeDefault */, $0)
        }
        self.allocator = try make("GetAllocatorWithDefaultOptions") { functions.getDefaultAllocator($0) }
        self.path = path
        self.version = version
        self.functions = functions
    }

    /// True for ONNX Runtime 1.16 and later (any later major too).
    static func supports(version: String) -> Bool {
        let parts = version.split(separator: ".").compactMap { Int($0) }
        guard parts.count >= 2 else { return false }
        return parts[0] > 1 || (parts[0] == 1 && parts[1] >= Int(ORTSlot.apiVersion))
    }

    /// Throws the `ORTError` for a non-NULL status, releasing it.
    @inline(__always)
    func check(_ status: OpaquePointer?, _ operation: @autoclosure () -> String) throws(ORTError) {
        if let status {
            throw ORTError(status: status, operation: operation(), functions: functions)
        }
    }

    /// Copies a string that ORT allocated with the default allocator, then frees it.
    func takeString(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        defer { _ = functions.allocatorFree(allocator, pointer) }
        return String(cString: pointer)
    }
}

extension ORTError {
    /// Copies code and message out of `status`, then releases it.
    init(status: OpaquePointer, operation: String, functions: ORTFunctions) {
        let code = functions.getErrorCode(status)
        let message = functions.getErrorMessage(status).map { String(cString: $0) } ?? ""
        functions.releaseStatus(UnsafeMutableRawPointer(status))
        self.init(code: Code(rawValue: code), message: message, operation: operation)
    }
}
