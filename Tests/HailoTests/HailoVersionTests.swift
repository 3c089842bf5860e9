@testable import HailoRT
import Testing

@Suite("HailoRT versions: which library, which layout", .timeLimit(.minutes(1)))
struct HailoVersionTests {
    @Test("the driver's version is tried first, then every supported version newest first")
    func searchOrder() {
        let paths = HailoLibrary.searchPaths(explicit: nil, driverVersion: HailoVersion("4.20.1"))
        #expect(paths.prefix(2) == ["libhailort.so.4.20.1", "/usr/lib/libhailort.so.4.20.1"])
        #expect(
            paths.filter { $0.hasPrefix("libhailort.so.") } == [
                "libhailort.so.4.20.1", "libhailort.so.4.23.0", "libhailort.so.4.22.0", "libhailort.so.4.21.1",
                "libhailort.so.4.21.0", "libhailort.so.4.20.0",
            ])
        #expect(paths.last == "libhailort.so")
        #expect(HailoLibrary.searchPaths(explicit: nil).first == "libhailort.so.4.23.0")
        #expect(HailoLibrary.searchPaths(explicit: "/opt/x.so", driverVersion: HailoVersion("4.21.0")) == ["/opt/x.so"])
        // An unsupported driver is still tried first: the mismatch is then reported by a library.
        #expect(HailoLibrary.searchPaths(explicit: nil, driverVersion: HailoVersion("4.19.0")).first == "libhailort.so.4.19.0")
    }

    @Test(
        "profiles",
        arguments: [
            ("4.20.0", HailoABIProfile.v4_20), ("4.20.1", .v4_20), ("4.21.0", .v4_21),
            ("4.21.1", .v4_21), ("4.22.0", .v4_21), ("4.23.0", .v4_21),
        ])
    func profiles(version: String, profile: HailoABIProfile) throws {
        #expect(HailoABIProfile(try #require(HailoVersion(version))) == profile)
    }

    @Test("versions outside 4.20 to 4.23 have no profile", arguments: ["4.19.0", "4.24.0", "5.0.0", "3.23.0"])
    func unsupported(version: String) throws {
        #expect(HailoABIProfile(try #require(HailoVersion(version))) == nil)
    }

    @Test("a driver/library mismatch names the file to install, or a driver to use")
    func mismatchAdvice() {
        let missing = HailoError.advice(for: .invalidDriverVersion, driverVersion: "4.21.0", libraryVersion: "4.23.0")
        #expect(missing.contains("driver is 4.21.0") && missing.contains("libhailort 4.23.0"))
        #expect(missing.contains("libhailort.so.4.21.0") && missing.contains("hailort_4.21.0_<arch>.deb"))
        let old = HailoError.advice(for: .invalidDriverVersion, driverVersion: "4.19.0", libraryVersion: "4.23.0")
        #expect(old.contains("4.19.0") && old.contains("does not support") && old.contains("4.20 to 4.23"))
        let unknown = HailoError.advice(for: .invalidDriverVersion, driverVersion: nil, libraryVersion: "4.22.0")
        #expect(unknown.contains("unknown") && unknown.contains("4.22.0"))
    }
}
