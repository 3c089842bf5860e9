public import Foundation

extension ORTLibrary {
    /// Where to look for `libonnxruntime`, in order.
    ///
    /// An explicit path (flag or environment variable) is the only candidate when given, so that
    /// a mistyped path fails loudly instead of silently picking another library. Otherwise: the
    /// dynamic linker's own search (`LD_LIBRARY_PATH`, ldconfig), the usual install locations,
    /// then a project-local virtualenv holding the `onnxruntime` wheel, looked for in the working
    /// directory and in the executable's ancestor directories.
    public static func searchPaths(
        explicit: String?,
        workingDirectory: String = FileManager.default.currentDirectoryPath,
        executablePath: String? = Bundle.main.executablePath
    ) -> [String] {
        if let explicit, !explicit.isEmpty { return [explicit] }
        var paths = ["libonnxruntime.so"]
        for dir in ["/usr/local/lib", "/usr/lib", "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/opt/onnxruntime/lib"] {
            paths += versionedLibraries(in: dir)
        }
        var roots = [workingDirectory]
        if let executablePath {
            var dir = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<4 {
                roots.append(dir.path)
                dir = dir.deletingLastPathComponent()
            }
        }
        var seen = Set<String>()
        for root in roots where seen.insert(root).inserted {
            paths += virtualenvLibraries(root: root + "/.venv")
        }
        return paths
    }

    /// `libonnxruntime.so*` files in `dir`, the unversioned name first.
    static func versionedLibraries(in dir: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasPrefix("libonnxruntime.so") }.sorted().map { "\(dir)/\($0)" }
    }

    /// The library shipped inside the `onnxruntime` wheel of a virtualenv.
    static func virtualenvLibraries(root: String) -> [String] {
        let lib = root + "/lib"
        let pythons = ((try? FileManager.default.contentsOfDirectory(atPath: lib)) ?? []).filter { $0.hasPrefix("python") }
        return pythons.sorted().flatMap { versionedLibraries(in: "\(lib)/\($0)/site-packages/onnxruntime/capi") }
    }
}
