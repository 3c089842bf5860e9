internal import CONNXRuntime

/// An `OrtRunOptions`, one per run, so that terminating it cancels that run alone.
///
/// `@unchecked Sendable`: `terminate()` is meant to be called from another thread while `Run`
/// uses the options (ORT sets an atomic flag); nothing else mutates them after `init`.
public final class ORTRunOptions: @unchecked Sendable {
    let library: ORTLibrary
    let handle: OpaquePointer

    public init(library: ORTLibrary) throws(ORTError) {
        var out: OpaquePointer?
        try library.check(library.functions.createRunOptions(&out), "CreateRunOptions")
        self.library = library
        self.handle = out!
    }

    deinit {
        library.functions.releaseRunOptions(UnsafeMutableRawPointer(handle))
    }

    /// Makes the run using these options return `ORT_FAIL` at its next node boundary. Sticky.
    public func terminate() {
        if let status = library.functions.runOptionsSetTerminate(handle) {
            library.functions.releaseStatus(UnsafeMutableRawPointer(status))
        }
    }
}
