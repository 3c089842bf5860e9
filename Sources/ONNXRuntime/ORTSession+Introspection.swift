internal import CONNXRuntime
import Foundation

extension ORTLibrary {
    /// Creates `OrtSessionOptions` from `options`, passes them to `body`, then releases them
    /// (a session copies its options).
    func withSessionOptions<R>(_ options: ORTSessionOptions, _ body: (OpaquePointer) throws(ORTError) -> R) throws(ORTError) -> R {
        let f = functions
        var handle: OpaquePointer?
        try check(f.createSessionOptions(&handle), "CreateSessionOptions")
        defer { f.releaseSessionOptions(UnsafeMutableRawPointer(handle)) }
        let opts = handle!
        try check(f.setIntraOpNumThreads(opts, Int32(clamping: options.intraOpThreads)), "SetIntraOpNumThreads")
        try check(f.setInterOpNumThreads(opts, Int32(clamping: options.interOpThreads)), "SetInterOpNumThreads")
        try check(f.setGraphOptimizationLevel(opts, options.graphOptimization.level), "SetSessionGraphOptimizationLevel")
        try check(f.setSessionExecutionMode(opts, options.parallelExecution ? 1 : 0), "SetSessionExecutionMode")
        for (key, value) in options.configEntries.sorted(by: { $0.key < $1.key }) {
            try check(f.addSessionConfigEntry(opts, key, value), "AddSessionConfigEntry(\(key))")
        }
        return try body(opts)
    }

    /// Reads name, type and shape of every input (or output) of a session.
    func tensorInfos(
        _ session: OpaquePointer,
        count: ORTHS_SessionGetCountFn,
        name: ORTHS_SessionGetNameFn,
        typeInfo: ORTHS_SessionGetTypeInfoFn,
        what: String
    ) throws(ORTError) -> [ORTTensorInfo] {
        let f = functions
        var n = 0
        try check(count(session, &n), "Session\(what)Count")
        var infos: [ORTTensorInfo] = []
        for index in 0..<n {
            var namePointer: UnsafeMutablePointer<CChar>?
            try check(name(session, index, allocator, &namePointer), "Session\(what)Name")
            let tensorName = takeString(namePointer) ?? ""
            var info: OpaquePointer?
            try check(typeInfo(session, index, &info), "Session\(what)TypeInfo")
            defer { f.releaseTypeInfo(UnsafeMutableRawPointer(info)) }
            var tensorInfo: OpaquePointer?
            try check(f.castTypeInfoToTensorInfo(info, &tensorInfo), "CastTypeInfoToTensorInfo")
            guard let tensorInfo else {
                // Sequences and maps: listed with an undefined type so that callers can refuse them.
                infos.append(ORTTensorInfo(name: tensorName, elementType: .undefined, shape: [], symbolicDimensions: []))
                continue
            }
            var (elementType, shape) = try typeAndShape(tensorInfo)
            var symbols = [UnsafePointer<CChar>?](repeating: nil, count: shape.count)
            try check(f.getSymbolicDimensions(tensorInfo, &symbols, symbols.count), "GetSymbolicDimensions")
            for i in shape.indices where shape[i] < 0 { shape[i] = -1 }
            infos.append(
                ORTTensorInfo(
                    name: tensorName, elementType: elementType, shape: shape,
                    symbolicDimensions: symbols.map { $0.map { String(cString: $0) } ?? "" }))
        }
        return infos
    }

    func typeAndShape(_ info: OpaquePointer) throws(ORTError) -> (ORTElementType, [Int64]) {
        let f = functions
        var type: UInt32 = 0
        try check(f.getTensorElementType(info, &type), "GetTensorElementType")
        var rank = 0
        try check(f.getDimensionsCount(info, &rank), "GetDimensionsCount")
        var dims = [Int64](repeating: 0, count: rank)
        try check(f.getDimensions(info, &dims, rank), "GetDimensions")
        return (ORTElementType(rawValue: type), dims)
    }

    func modelMetadata(_ session: OpaquePointer) throws(ORTError) -> ORTModelMetadata {
        let f = functions
        var md: OpaquePointer?
        try check(f.sessionGetModelMetadata(session, &md), "SessionGetModelMetadata")
        defer { f.releaseModelMetadata(UnsafeMutableRawPointer(md)) }
        func string(_ fn: ORTHS_ModelMetadataGetStringFn, _ op: String) throws(ORTError) -> String {
            var out: UnsafeMutablePointer<CChar>?
            try check(fn(md, allocator, &out), op)
            return takeString(out) ?? ""
        }
        var keys: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        var keyCount: Int64 = 0
        try check(f.modelMetadataGetKeys(md, allocator, &keys, &keyCount), "ModelMetadataGetCustomMetadataMapKeys")
        var custom: [String: String] = [:]
        if let keys {
            for i in 0..<Int(keyCount) {
                guard let key = keys[i] else { continue }
                var value: UnsafeMutablePointer<CChar>?
                let status = f.modelMetadataLookup(md, allocator, key, &value)
                let name = takeString(key)!
                try check(status, "ModelMetadataLookupCustomMetadataMap(\(name))")
                custom[name] = takeString(value)
            }
            _ = f.allocatorFree(allocator, keys)
        }
        return ORTModelMetadata(
            producerName: try string(f.modelMetadataGetProducerName, "ModelMetadataGetProducerName"),
            graphName: try string(f.modelMetadataGetGraphName, "ModelMetadataGetGraphName"),
            domain: try string(f.modelMetadataGetDomain, "ModelMetadataGetDomain"),
            description: try string(f.modelMetadataGetDescription, "ModelMetadataGetDescription"),
            custom: custom)
    }

    /// Copies an output `OrtValue` into Swift memory.
    func copyTensor(_ value: OpaquePointer, name: String) throws(ORTError) -> ORTOutputTensor {
        let f = functions
        var info: OpaquePointer?
        try check(f.getTensorTypeAndShape(value, &info), "GetTensorTypeAndShape(\(name))")
        defer { f.releaseTensorTypeAndShapeInfo(UnsafeMutableRawPointer(info)) }
        let (elementType, shape) = try typeAndShape(info!)
        guard let elementSize = elementType.byteSize else {
            throw ORTError(
                code: .notImplemented, message: "output '\(name)' has element type \(elementType), which is not supported", operation: "Run"
            )
        }
        var data: UnsafeMutableRawPointer?
        try check(f.getTensorMutableData(value, &data), "GetTensorMutableData(\(name))")
        let count = shape.reduce(1) { $0 * Int($1) } * elementSize
        let bytes = count == 0 || data == nil ? [] : [UInt8](UnsafeRawBufferPointer(start: data, count: count))
        return ORTOutputTensor(name: name, elementType: elementType, shape: shape, data: bytes)
    }
}
