internal import CONNXRuntime

/// Slot indices in the append-only `OrtApi` table (`offsetof(OrtApi, X) / sizeof(void*)`).
/// Every slot here exists from API version 16 on, the version this binding requests.
enum ORTSlot {
    static let getErrorCode = 1
    static let getErrorMessage = 2
    static let createEnv = 3
    static let createSession = 7
    static let createSessionFromArray = 8
    static let run = 9
    static let createSessionOptions = 10
    static let setSessionExecutionMode = 13
    static let setSessionGraphOptimizationLevel = 23
    static let setIntraOpNumThreads = 24
    static let setInterOpNumThreads = 25
    static let sessionGetInputCount = 30
    static let sessionGetOutputCount = 31
    static let sessionGetInputTypeInfo = 33
    static let sessionGetOutputTypeInfo = 34
    static let sessionGetInputName = 36
    static let sessionGetOutputName = 37
    static let createRunOptions = 39
    static let runOptionsSetTerminate = 46
    static let createTensorWithDataAsOrtValue = 49
    static let getTensorMutableData = 51
    static let castTypeInfoToTensorInfo = 55
    static let getOnnxTypeFromTypeInfo = 56
    static let getTensorElementType = 60
    static let getDimensionsCount = 61
    static let getDimensions = 62
    static let getSymbolicDimensions = 63
    static let getTensorTypeAndShape = 65
    static let createCpuMemoryInfo = 69
    static let allocatorFree = 76
    static let getAllocatorWithDefaultOptions = 78
    static let releaseEnv = 92
    static let releaseStatus = 93
    static let releaseMemoryInfo = 94
    static let releaseSession = 95
    static let releaseValue = 96
    static let releaseRunOptions = 97
    static let releaseTypeInfo = 98
    static let releaseTensorTypeAndShapeInfo = 99
    static let releaseSessionOptions = 100
    static let sessionGetModelMetadata = 111
    static let modelMetadataGetProducerName = 112
    static let modelMetadataGetGraphName = 113
    static let modelMetadataGetDomain = 114
    static let modelMetadataGetDescription = 115
    static let modelMetadataLookupCustomMetadataMap = 116
    static let releaseModelMetadata = 118
    static let modelMetadataGetCustomMetadataMapKeys = 123
    static let addSessionConfigEntry = 130

    /// The API version requested from `GetApi`: present in every runtime since 1.16 and
    /// covering slots 0–265.
    static let apiVersion: UInt32 = 16
    static let lastSlotOfRequestedVersion = 265
}

/// The `OrtApi` function pointers this binding calls, resolved once when the library loads.
struct ORTFunctions: @unchecked Sendable {
    // @unchecked: plain C function pointers into a library that stays loaded for the process.
    let getErrorCode: ORTHS_GetErrorCodeFn
    let getErrorMessage: ORTHS_GetErrorMessageFn
    let createEnv: ORTHS_CreateEnvFn
    let createSession: ORTHS_CreateSessionFn
    let createSessionFromArray: ORTHS_CreateSessionFromArrayFn
    let run: ORTHS_RunFn
    let createSessionOptions: ORTHS_CreateSessionOptionsFn
    let setSessionExecutionMode: ORTHS_SetExecutionModeFn
    let setGraphOptimizationLevel: ORTHS_SetGraphOptLevelFn
    let setIntraOpNumThreads: ORTHS_SetNumThreadsFn
    let setInterOpNumThreads: ORTHS_SetNumThreadsFn
    let sessionGetInputCount: ORTHS_SessionGetCountFn
    let sessionGetOutputCount: ORTHS_SessionGetCountFn
    let sessionGetInputTypeInfo: ORTHS_SessionGetTypeInfoFn
    let sessionGetOutputTypeInfo: ORTHS_SessionGetTypeInfoFn
    let sessionGetInputName: ORTHS_SessionGetNameFn
    let sessionGetOutputName: ORTHS_SessionGetNameFn
    let createRunOptions: ORTHS_CreateRunOptionsFn
    let runOptionsSetTerminate: ORTHS_RunOptionsFlagFn
    let createTensorWithData: ORTHS_CreateTensorWithDataFn
    let getTensorMutableData: ORTHS_GetTensorMutableDataFn
    let castTypeInfoToTensorInfo: ORTHS_CastTypeInfoToTensorInfoFn
    let getOnnxTypeFromTypeInfo: ORTHS_GetOnnxTypeFromTypeInfoFn
    let getTensorElementType: ORTHS_GetTensorElementTypeFn
    let getDimensionsCount: ORTHS_GetDimensionsCountFn
    let getDimensions: ORTHS_GetDimensionsFn
    let getSymbolicDimensions: ORTHS_GetSymbolicDimensionsFn
    let getTensorTypeAndShape: ORTHS_GetTensorTypeAndShapeFn
    let createCpuMemoryInfo: ORTHS_CreateCpuMemoryInfoFn
    let allocatorFree: ORTHS_AllocatorFreeFn
    let getDefaultAllocator: ORTHS_GetDefaultAllocatorFn
    let releaseEnv: ORTHS_ReleaseFn
    let releaseStatus: ORTHS_ReleaseFn
    let releaseMemoryInfo: ORTHS_ReleaseFn
    let releaseSession: ORTHS_ReleaseFn
    let releaseValue: ORTHS_ReleaseFn
    let releaseRunOptions: ORTHS_ReleaseFn
    let releaseTypeInfo: ORTHS_ReleaseFn
    let releaseTensorTypeAndShapeInfo: ORTHS_ReleaseFn
    let releaseSessionOptions: ORTHS_ReleaseFn
    let sessionGetModelMetadata: ORTHS_SessionGetModelMetadataFn
    let modelMetadataGetProducerName: ORTHS_ModelMetadataGetStringFn
    let modelMetadataGetGraphName: ORTHS_ModelMetadataGetStringFn
    let modelMetadataGetDomain: ORTHS_ModelMetadataGetStringFn
    let modelMetadataGetDescription: ORTHS_ModelMetadataGetStringFn
    let modelMetadataLookup: ORTHS_ModelMetadataLookupFn
    let releaseModelMetadata: ORTHS_ReleaseFn
    let modelMetadataGetKeys: ORTHS_ModelMetadataGetKeysFn
    let addSessionConfigEntry: ORTHS_AddSessionConfigEntryFn

    /// Reads every slot out of `table`; throws naming the first NULL slot.
    init(table: UnsafePointer<UnsafeRawPointer?>) throws(ORTLoadError) {
        func slot<F>(_ index: Int, _ name: String) throws(ORTLoadError) -> F {
            precondition(index <= ORTSlot.lastSlotOfRequestedVersion, "slot \(index) is past API \(ORTSlot.apiVersion)")
            guard let pointer = table[index] else {
                throw ORTLoadError(message: "OrtApi slot \(index) (\(name)) is NULL", attempts: [])
            }
            return unsafeBitCast(pointer, to: F.self)
        }
        typealias S = ORTSlot
        getErrorCode = try slot(S.getErrorCode, "GetErrorCode")
        getErrorMessage = try slot(S.getErrorMessage, "GetErrorMessage")
        createEnv = try slot(S.createEnv, "CreateEnv")
        createSession = try slot(S.createSession, "CreateSession")
        createSessionFromArray = try slot(S.createSessionFromArray, "CreateSessionFromArray")
        run = try slot(S.run, "Run")
        createSessionOptions = try slot(S.createSessionOptions, "CreateSessionOptions")
        setSessionExecutionMode = try slot(S.setSessionExecutionMode, "SetSessionExecutionMode")
        setGraphOptimizationLevel = try slot(S.setSessionGraphOptimizationLevel, "SetSessionGraphOptimizationLevel")
        setIntraOpNumThreads = try slot(S.setIntraOpNumThreads, "SetIntraOpNumThreads")
        setInterOpNumThreads = try slot(S.setInterOpNumThreads, "SetInterOpNumThreads")
        sessionGetInputCount = try slot(S.sessionGetInputCount, "SessionGetInputCount")
        sessionGetOutputCount = try slot(S.sessionGetOutputCount, "SessionGetOutputCount")
        sessionGetInputTypeInfo = try slot(S.sessionGetInputTypeInfo, "SessionGetInputTypeInfo")
        sessionGetOutputTypeInfo = try slot(S.sessionGetOutputTypeInfo, "SessionGetOutputTypeInfo")
        sessionGetInputName = try slot(S.sessionGetInputName, "SessionGetInputName")
        sessionGetOutputName = try slot(S.sessionGetOutputName, "SessionGetOutputName")
        createRunOptions = try slot(S.createRunOptions, "CreateRunOptions")
        runOptionsSetTerminate = try slot(S.runOptionsSetTerminate, "RunOptionsSetTerminate")
        createTensorWithData = try slot(S.createTensorWithDataAsOrtValue, "CreateTensorWithDataAsOrtValue")
        getTensorMutableData = try slot(S.getTensorMutableData, "GetTensorMutableData")
        castTypeInfoToTensorInfo = try slot(S.castTypeInfoToTensorInfo, "CastTypeInfoToTensorInfo")
        getOnnxTypeFromTypeInfo = try slot(S.getOnnxTypeFromTypeInfo, "GetOnnxTypeFromTypeInfo")
        getTensorElementType = try slot(S.getTensorElementType, "GetTensorElementType")
        getDimensionsCount = try slot(S.getDimensionsCount, "GetDimensionsCount")
        getDimensions = try slot(S.getDimensions, "GetDimensions")
        getSymbolicDimensions = try slot(S.getSymbolicDimensions, "GetSymbolicDimensions")
        getTensorTypeAndShape = try slot(S.getTensorTypeAndShape, "GetTensorTypeAndShape")
        createCpuMemoryInfo = try slot(S.createCpuMemoryInfo, "CreateCpuMemoryInfo")
        allocatorFree = try slot(S.allocatorFree, "AllocatorFree")
        getDefaultAllocator = try slot(S.getAllocatorWithDefaultOptions, "GetAllocatorWithDefaultOptions")
        releaseEnv = try slot(S.releaseEnv, "ReleaseEnv")
        releaseStatus = try slot(S.releaseStatus, "ReleaseStatus")
        releaseMemoryInfo = try slot(S.releaseMemoryInfo, "ReleaseMemoryInfo")
        releaseSession = try slot(S.releaseSession, "ReleaseSession")
        releaseValue = try slot(S.releaseValue, "ReleaseValue")
        releaseRunOptions = try slot(S.releaseRunOptions, "ReleaseRunOptions")
        releaseTypeInfo = try slot(S.releaseTypeInfo, "ReleaseTypeInfo")
        releaseTensorTypeAndShapeInfo = try slot(S.releaseTensorTypeAndShapeInfo, "ReleaseTensorTypeAndShapeInfo")
        releaseSessionOptions = try slot(S.releaseSessionOptions, "ReleaseSessionOptions")
        sessionGetModelMetadata = try slot(S.sessionGetModelMetadata, "SessionGetModelMetadata")
        modelMetadataGetProducerName = try slot(S.modelMetadataGetProducerName, "ModelMetadataGetProducerName")
        modelMetadataGetGraphName = try slot(S.modelMetadataGetGraphName, "ModelMetadataGetGraphName")
        modelMetadataGetDomain = try slot(S.modelMetadataGetDomain, "ModelMetadataGetDomain")
        modelMetadataGetDescription = try slot(S.modelMetadataGetDescription, "ModelMetadataGetDescription")
        modelMetadataLookup = try slot(S.modelMetadataLookupCustomMetadataMap, "ModelMetadataLookupCustomMetadataMap")
        releaseModelMetadata = try slot(S.releaseModelMetadata, "ReleaseModelMetadata")
        modelMetadataGetKeys = try slot(S.modelMetadataGetCustomMetadataMapKeys, "ModelMetadataGetCustomMetadataMapKeys")
        addSessionConfigEntry = try slot(S.addSessionConfigEntry, "AddSessionConfigEntry")
    }
}
