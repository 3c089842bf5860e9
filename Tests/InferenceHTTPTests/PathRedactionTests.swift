@testable import InferenceHTTP
import Testing

@Suite("What unauthenticated callers are told", .timeLimit(.minutes(1)))
struct PathRedactionTests {
    @Test("absolute paths lose their folders; relative ones and versions stay")
    func paths() {
        #expect(
            PathRedaction.redacted("no usable library (tried: /opt/x/libhailort.so.4.23.0: cannot open; /usr/lib/libhailort.so)")
                == "no usable library (tried: libhailort.so.4.23.0: cannot open; /usr/lib/libhailort.so)")
        #expect(
            PathRedaction.redacted("put hailort_4.21.0_<arch>.deb into docker/hailort/ and rebuild")
                == "put hailort_4.21.0_<arch>.deb into docker/hailort/ and rebuild")
        #expect(PathRedaction.redacted("/data/models/a.onnx") == "a.onnx")
        #expect(PathRedaction.redacted("file '/srv/models/x.hef' missing") == "file 'x.hef' missing")
        #expect(PathRedaction.redacted("HailoRT 4.20 to 4.23") == "HailoRT 4.20 to 4.23")
        // Standard locations that advice names stay whole.
        #expect(
            PathRedaction.redacted("mount /tmp/hailort_uds.sock and /dev/shm; cat /sys/module/hailo_pci/version")
                == "mount /tmp/hailort_uds.sock and /dev/shm; cat /sys/module/hailo_pci/version")
    }

    @Test("API keys are compared whole, whatever their lengths")
    func keys() {
        #expect(APIKeyMiddleware<AppRequestContext>.constantTimeEqual(Array("secret".utf8), Array("secret".utf8)))
        #expect(!APIKeyMiddleware<AppRequestContext>.constantTimeEqual(Array("secret".utf8), Array("secreT".utf8)))
        #expect(!APIKeyMiddleware<AppRequestContext>.constantTimeEqual(Array("secret".utf8), Array("secret2".utf8)))
        #expect(!APIKeyMiddleware<AppRequestContext>.constantTimeEqual(Array("".utf8), Array("a".utf8)))
        #expect(APIKeyMiddleware<AppRequestContext>.constantTimeEqual([], []))
        // 256 bytes apart in length: the length difference must not wrap to 0.
        #expect(!APIKeyMiddleware<AppRequestContext>.constantTimeEqual([UInt8](repeating: 0, count: 256), []))
    }
}
