// Declarations of the subset of the ONNX Runtime C ABI that hailo8-service uses.
//
// Written from the project's own notes on the ABI (slot indices of the append-only OrtApi table,
// enum values, ownership rules); no ONNX Runtime header is used. The library is never linked:
// the Swift binding dlopen()s libonnxruntime and finds `OrtGetApiBase` with dlsym, then reads
// function pointers out of the OrtApi table by slot index and casts them to the typedefs below.
// On Linux ORT_API_CALL is empty, so every entry is a plain C function pointer.
#ifndef CONNXRUNTIME_H
#define CONNXRUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Opaque handles: only ever used through pointers.
typedef struct OrtEnv OrtEnv;
typedef struct OrtStatus OrtStatus;
typedef struct OrtSession OrtSession;
typedef struct OrtSessionOptions OrtSessionOptions;
typedef struct OrtRunOptions OrtRunOptions;
typedef struct OrtValue OrtValue;
typedef struct OrtTypeInfo OrtTypeInfo;
typedef struct OrtTensorTypeAndShapeInfo OrtTensorTypeAndShapeInfo;
typedef struct OrtMemoryInfo OrtMemoryInfo;
typedef struct OrtAllocator OrtAllocator;
typedef struct OrtModelMetadata OrtModelMetadata;

// Every ORT enum is a 4-byte C enum; those without negative values are unsigned.
typedef uint32_t ORTHS_ElementType;     // ONNXTensorElementDataType
typedef uint32_t ORTHS_ONNXType;        // ONNXType
typedef uint32_t ORTHS_ErrorCode;       // OrtErrorCode
typedef uint32_t ORTHS_LoggingLevel;    // OrtLoggingLevel
typedef uint32_t ORTHS_GraphOptLevel;   // GraphOptimizationLevel
typedef uint32_t ORTHS_ExecutionMode;   // ExecutionMode
typedef int32_t ORTHS_AllocatorType;    // OrtAllocatorType (has -1)
typedef int32_t ORTHS_MemType;          // OrtMemType (has -2, -1)

// OrtApiBase: exactly two pointers, never versioned.
typedef struct ORTHS_ApiBase {
    const void *const *(*GetApi)(uint32_t version);
    const char *(*GetVersionString)(void);
} ORTHS_ApiBase;

typedef const ORTHS_ApiBase *(*ORTHS_GetApiBaseFn)(void);

// Function types of the OrtApi slots used (slot index in the comment).
typedef OrtStatus *(*ORTHS_CreateStatusFn)(ORTHS_ErrorCode code, const char *msg);               // 0
typedef ORTHS_ErrorCode (*ORTHS_GetErrorCodeFn)(const OrtStatus *status);                        // 1
typedef const char *(*ORTHS_GetErrorMessageFn)(const OrtStatus *status);                         // 2
typedef OrtStatus *(*ORTHS_CreateEnvFn)(ORTHS_LoggingLevel level, const char *logid, OrtEnv **out); // 3
typedef OrtStatus *(*ORTHS_CreateSessionFn)(const OrtEnv *env, const char *path,
                                            const OrtSessionOptions *opts, OrtSession **out);   // 7
typedef OrtStatus *(*ORTHS_CreateSessionFromArrayFn)(const OrtEnv *env, const void *bytes, size_t len,
                                                     const OrtSessionOptions *opts,
                                                     OrtSession **out);                         // 8
typedef OrtStatus *(*ORTHS_RunFn)(OrtSession *session, const OrtRunOptions *run_opts,
                                  const char *const *input_names, const OrtValue *const *inputs,
                                  size_t n_inputs, const char *const *output_names,
                                  size_t n_outputs, OrtValue **outputs);                         // 9
typedef OrtStatus *(*ORTHS_CreateSessionOptionsFn)(OrtSessionOptions **out);                     // 10
typedef OrtStatus *(*ORTHS_SetExecutionModeFn)(OrtSessionOptions *opts, ORTHS_ExecutionMode m);  // 13
typedef OrtStatus *(*ORTHS_SetGraphOptLevelFn)(OrtSessionOptions *opts, ORTHS_GraphOptLevel l);  // 23
typedef OrtStatus *(*ORTHS_SetNumThreadsFn)(OrtSessionOptions *opts, int n);                     // 24, 25
typedef OrtStatus *(*ORTHS_SessionGetCountFn)(const OrtSession *session, size_t *out);           // 30, 31
typedef OrtStatus *(*ORTHS_SessionGetTypeInfoFn)(const OrtSession *session, size_t index,
                                                 OrtTypeInfo **out);                             // 33, 34
typedef OrtStatus *(*ORTHS_SessionGetNameFn)(const OrtSession *session, size_t index,
                                             OrtAllocator *alloc, char **out);                   // 36, 37
typedef OrtStatus *(*ORTHS_CreateRunOptionsFn)(OrtRunOptions **out);                             // 39
typedef OrtStatus *(*ORTHS_RunOptionsFlagFn)(OrtRunOptions *ro);                                 // 46, 47
typedef OrtStatus *(*ORTHS_CreateTensorWithDataFn)(const OrtMemoryInfo *info, void *data,
                                                   size_t data_bytes, const int64_t *shape,
                                                   size_t rank, ORTHS_ElementType type,
                                                   OrtValue **out);                              // 49
typedef OrtStatus *(*ORTHS_GetTensorMutableDataFn)(OrtValue *value, void **out);                 // 51
typedef OrtStatus *(*ORTHS_CastTypeInfoToTensorInfoFn)(const OrtTypeInfo *ti,
                                                       const OrtTensorTypeAndShapeInfo **out);   // 55
typedef OrtStatus *(*ORTHS_GetOnnxTypeFromTypeInfoFn)(const OrtTypeInfo *ti, ORTHS_ONNXType *out); // 56
typedef OrtStatus *(*ORTHS_GetTensorElementTypeFn)(const OrtTensorTypeAndShapeInfo *info,
                                                   ORTHS_ElementType *out);                      // 60
typedef OrtStatus *(*ORTHS_GetDimensionsCountFn)(const OrtTensorTypeAndShapeInfo *info,
                                                 size_t *out);                                   // 61
typedef OrtStatus *(*ORTHS_GetDimensionsFn)(const OrtTensorTypeAndShapeInfo *info, int64_t *dims,
                                            size_t dims_len);                                    // 62
typedef OrtStatus *(*ORTHS_GetSymbolicDimensionsFn)(const OrtTensorTypeAndShapeInfo *info,
                                                    const char **names, size_t names_len);       // 63
typedef OrtStatus *(*ORTHS_GetTensorTypeAndShapeFn)(const OrtValue *value,
                                                    OrtTensorTypeAndShapeInfo **out);            // 65
typedef OrtStatus *(*ORTHS_CreateCpuMemoryInfoFn)(ORTHS_AllocatorType type, ORTHS_MemType mem,
                                                  OrtMemoryInfo **out);                          // 69
typedef OrtStatus *(*ORTHS_AllocatorFreeFn)(OrtAllocator *alloc, void *p);                       // 76
typedef OrtStatus *(*ORTHS_GetDefaultAllocatorFn)(OrtAllocator **out);                           // 78
typedef void (*ORTHS_ReleaseFn)(void *p);                                                        // 92-100, 118
typedef OrtStatus *(*ORTHS_SessionGetModelMetadataFn)(const OrtSession *session,
                                                      OrtModelMetadata **out);                   // 111
typedef OrtStatus *(*ORTHS_ModelMetadataGetStringFn)(const OrtModelMetadata *md,
                                                     OrtAllocator *alloc, char **out);           // 112-115
typedef OrtStatus *(*ORTHS_ModelMetadataLookupFn)(const OrtModelMetadata *md, OrtAllocator *alloc,
                                                  const char *key, char **out);                  // 116
typedef OrtStatus *(*ORTHS_ModelMetadataGetKeysFn)(const OrtModelMetadata *md, OrtAllocator *alloc,
                                                   char ***keys, int64_t *num_keys);             // 123
typedef OrtStatus *(*ORTHS_AddSessionConfigEntryFn)(OrtSessionOptions *opts, const char *key,
                                                    const char *value);                          // 130

#endif
