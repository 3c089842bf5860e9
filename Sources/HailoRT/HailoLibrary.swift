internal import CHailoRT
import Foundation

/// A loaded libhailort with every symbol resolved.
///
/// `@unchecked Sendable`: immutable after `init`, and the library is never unloaded.
public final class HailoLibrary: @unchecked Sendable {
    /// The released versions these declarations cover, newest first (4.21.1 exists as a branch
    /// of HailoRT only, but its layout is 4.21.0's).
    public static let supportedVersions = ["4.23.0", "4.22.0", "4.21.1", "4.21.0", "4.20.1", "4.20.0"].compactMap(HailoVersion.init)
    public static let supportedRange = "4.20 to 4.23"

    public let path: String
    public let version: HailoVersion
    /// The C ABI layout of this version.
    public let profile: HailoABIProfile
    let functions: HailoFunctions

    /// Opens the first usable library among `candidates`.
    ///
    /// HailoRT starts its own file logger when it loads (by default `./hailort.log`, which fails
    /// on a read-only filesystem): `loggerDirectory` is exported as `HAILORT_LOGGER_PATH` first,
    /// unless the environment already sets it.
    public static func load(candidates: [String], loggerDirectory: String?) throws(HailoLoadError) -> HailoLibrary {
        if let loggerDirectory, ProcessInfo.processInfo.environment["HAILORT_LOGGER_PATH"] == nil {
            try? FileManager.default.createDirectory(atPath: loggerDirectory, withIntermediateDirectories: true)
            setenv("HAILORT_LOGGER_PATH", loggerDirectory, 1)
        }
        var attempts: [String] = []
        for candidate in candidates {
            do {
                return try HailoLibrary(path: candidate)
            } catch {
                attempts.append(error.message.hasPrefix(candidate) ? error.message : "\(candidate): \(error.message)")
            }
        }
        // Nothing installed at all is the common case (a host without Hailo): say so in one line.
        if candidates.count > 1, attempts.allSatisfy({ $0.contains("No such file or directory") }) {
            let names = candidates.filter { !$0.hasPrefix("/") }.joined(separator: ", ")
            throw HailoLoadError(message: "no HailoRT library installed (\(supportedRange)): none of \(names) was found")
        }
        throw HailoLoadError(message: "no usable HailoRT library (\(supportedRange))", attempts: attempts)
    }

    public init(path: String) throws(HailoLoadError) {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw HailoLoadError(message: dlerror().map { String(cString: $0) } ?? "dlopen failed")
        }
        let functions: HailoFunctions
        do {
            functions = try HailoFunctions(handle: handle)
        } catch {
            dlclose(handle)
            throw error
        }
        var raw = hailo_version_t()
        let status = HailoStatus(rawValue: functions.getLibraryVersion(&raw))
        guard status == .success else {
            throw HailoLoadError(message: "hailo_get_library_version failed with \(status)")
        }
        let version = HailoVersion(major: Int(raw.major), minor: Int(raw.minor), revision: Int(raw.revision))
        guard let profile = HailoABIProfile(version) else {
            throw HailoLoadError(message: "libhailort is version \(version); this service supports HailoRT \(Self.supportedRange)")
        }
        self.path = path
        self.version = version
        self.profile = profile
        self.functions = functions
    }

    /// Throws a `HailoError` naming `operation` unless `status` is success.
    @inline(__always)
    func check(_ status: hailo_status, _ operation: @autoclosure () -> String) throws(HailoError) {
        guard status != 0 else { return }
        throw HailoError(status: HailoStatus(rawValue: status), operation: operation())
    }

    /// HailoRT's own name for a status (`HAILO_TIMEOUT`), when it has one.
    public func statusMessage(_ status: HailoStatus) -> String? {
        functions.getStatusMessage(status.rawValue).map { String(cString: $0) }
    }

    /// Where to look for libhailort, in order: an explicit path alone; else the library of the
    /// driver's version, the only one that can open its devices (each version has its own file
    /// name, so several can be installed side by side); then every supported version, newest
    /// first, and the unversioned symlink, so that a mismatch is still reported by a library.
    public static func searchPaths(explicit: String?, driverVersion: HailoVersion? = nil) -> [String] {
        if let explicit, !explicit.isEmpty { return [explicit] }
        var versions = supportedVersions
        if let driverVersion {
            versions.removeAll { $0 == driverVersion }
            versions.insert(driverVersion, at: 0)
        }
        // The dynamic linker searches LD_LIBRARY_PATH and its cache (which covers /usr/lib and
        // /usr/local/lib, where HailoRT's packages install); /usr/lib is named for hosts whose
        // cache was not refreshed after installing.
        return versions.flatMap { ["libhailort.so.\($0)", "/usr/lib/libhailort.so.\($0)"] } + ["libhailort.so"]
    }
}

/// A HailoRT, firmware or driver version.
public struct HailoVersion: Sendable, Equatable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var revision: Int

    public init(major: Int, minor: Int, revision: Int) {
        self.major = major
        self.minor = minor
        self.revision = revision
    }

    /// Parses "4.23.0" (extra text after the numbers is ignored).
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").prefix(3)
            .map { Int($0.prefix { $0.isNumber }) }
        guard parts.count == 3, let major = parts[0], let minor = parts[1], let revision = parts[2] else { return nil }
        self.init(major: major, minor: minor, revision: revision)
    }

    public var description: String { "\(major).\(minor).\(revision)" }

    /// Whether this release is one the declarations cover.
    public var isSupported: Bool { HailoABIProfile(self) != nil }
}
