internal import CONNXRuntime
import Foundation

/// An `OrtSession`.
///
/// `@unchecked Sendable`: ORT guarantees that `Run` may be called concurrently on one session;
/// everything else here is immutable after `init`, and the handle is released only in `deinit`,
/// when no `run` can be in flight.
public final class ORTSession: @unchecked Sendable {
    public let library: ORTLibrary
    public let inputs: [ORTTensorInfo]
    public let outputs: [ORTTensorInfo]
    public let metadata: ORTModelMetadata

    let handle: OpaquePointer
    /// C strings of input and output names, kept for the session's life and passed to `Run`.
    private let inputNamePointers: [UnsafeMutablePointer<CChar>]
    private let outputNamePointers: [UnsafeMutablePointer<CChar>]

    /// Loads the model at `path`.
    public convenience init(library: ORTLibrary, path: String, options: ORTSessionOptions = .init()) throws(ORTError) {
        let handle = try library.withSessionOptions(options) { (opts) throws(ORTError) -> OpaquePointer in
            var out: OpaquePointer?
            try library.check(library.functions.createSession(library.env, path, opts, &out), "CreateSession")
            return out!
        }
        try self.init(library: library, handle: handle)
    }

    /// Loads a model from bytes in memory; ORT keeps no reference to them after the call.
    public convenience init(library: ORTLibrary, bytes: UnsafeRawBufferPointer, options: ORTSessionOptions = .init()) throws(ORTError) {
        let handle = try library.withSessionOptions(options) { (opts) throws(ORTError) -> OpaquePointer in
            var out: OpaquePointer?
            try library.check(
                library.functions.createSessionFromArray(library.env, bytes.baseAddress, bytes.count, opts, &out),
                "CreateSessionFromArray")
            return out!
        }
        try self.init(library: library, handle: handle)
    }

    private init(library: ORTLibrary, handle: OpaquePointer) throws(ORTError) {
        do {
            let f = library.functions
            self.inputs = try library.tensorInfos(
                handle, count: f.sessionGetInputCount, name: f.sessionGetInputName, typeInfo: f.sessionGetInputTypeInfo, what: "Input")
            self.outputs = try library.tensorInfos(
                handle, count: f.sessionGetOutputCount, name: f.sessionGetOutputName, typeInfo: f.sessionGetOutputTypeInfo, what: "Output")
            self.metadata = try library.modelMetadata(handle)
        } catch {
            library.functions.releaseSession(UnsafeMutableRawPointer(handle))
            throw error
        }
        self.library = library
        self.handle = handle
        self.inputNamePointers = inputs.map { strdup($0.name)! }
        self.outputNamePointers = outputs.map { strdup($0.name)! }
    }

    deinit {
        library.functions.releaseSession(UnsafeMutableRawPointer(handle))
        (inputNamePointers + outputNamePointers).forEach { free($0) }
    }

    /// Runs the model synchronously. Blocks the calling thread for the whole inference: call it
    /// from a dedicated thread, never from Swift's cooperative pool.
    ///
    /// - Parameters:
    ///   - inputs: one tensor per model input, by name; their bytes are wrapped, not copied.
    ///   - outputNames: the outputs to compute (all when empty).
    ///   - runOptions: per-run options, e.g. to terminate the run from another thread.
    public func run(inputs: [ORTInputTensor], outputNames: [String] = [], runOptions: ORTRunOptions? = nil) throws(ORTError)
        -> [ORTOutputTensor]
    {
        let f = library.functions
        var values: [OpaquePointer?] = []
        values.reserveCapacity(inputs.count)
        defer { values.forEach { f.releaseValue(UnsafeMutableRawPointer($0)) } }
        var inputNames: [UnsafePointer<CChar>?] = []
        for input in inputs {
            guard let index = self.inputs.firstIndex(where: { $0.name == input.name }) else {
                throw ORTError(code: .invalidArgument, message: "the model has no input named '\(input.name)'", operation: "Run")
            }
            inputNames.append(UnsafePointer(inputNamePointers[index]))
            var value: OpaquePointer?
            try input.shape.withUnsafeBufferPointer { (shape) throws(ORTError) in
                try library.check(
                    f.createTensorWithData(
                        library.cpuMemoryInfo, UnsafeMutableRawPointer(mutating: input.data.baseAddress),
                        input.data.count, shape.baseAddress, shape.count, input.elementType.rawValue, &value),
                    "CreateTensorWithDataAsOrtValue(\(input.name))")
            }
            values.append(value)
        }
        let outputIndices: [Int]
        if outputNames.isEmpty {
            outputIndices = Array(self.outputs.indices)
        } else {
            outputIndices = try outputNames.map { (name) throws(ORTError) in
                guard let index = self.outputs.firstIndex(where: { $0.name == name }) else {
                    throw ORTError(code: .invalidArgument, message: "the model has no output named '\(name)'", operation: "Run")
                }
                return index
            }
        }
        let outNames: [UnsafePointer<CChar>?] = outputIndices.map { UnsafePointer(outputNamePointers[$0]) }
        var outValues = [OpaquePointer?](repeating: nil, count: outputIndices.count)
        defer { outValues.forEach { f.releaseValue(UnsafeMutableRawPointer($0)) } }
        try library.check(
            f.run(handle, runOptions?.handle, inputNames, values, values.count, outNames, outNames.count, &outValues),
            "Run")
        return try zip(outputIndices, outValues).map { (index, value) throws(ORTError) in
            try library.copyTensor(value!, name: self.outputs[index].name)
        }
    }
}
