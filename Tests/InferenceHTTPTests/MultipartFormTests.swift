import Testing

@testable import InferenceHTTP

@Suite("Multipart bodies", .timeLimit(.minutes(1)))
struct MultipartFormTests {
    @Test("byte search finds the first occurrence in the slice's own indices, near misses included")
    func byteSearch() {
        let bytes = Array("xx--b--bound--boundary\r\n--boundary".utf8)
        let slice = bytes[3...]
        #expect(slice.range(ofBytes: Array("--boundary".utf8)) == 12..<22)
        #expect(bytes[...].range(ofBytes: Array("xx".utf8)) == 0..<2)
        #expect(bytes[...].range(ofBytes: Array("--boundary".utf8).suffix(4).map { $0 }) == 18..<22)
        #expect(bytes[13...].range(ofBytes: Array("--boundary".utf8)) == 24..<34)  // the last bytes
        #expect(bytes[...].range(ofBytes: Array("--boundaryX".utf8)) == nil)
        #expect(bytes[30...].range(ofBytes: Array("--boundary".utf8)) == nil)  // longer than what is left
        #expect(bytes[...].range(ofBytes: []) == nil)
    }

    @Test("a form's parts with their names, file names and bytes; binary bodies with CR, LF and dashes")
    func parts() throws {
        let payload: [UInt8] = [0xFF, 0xD8, 13, 10, 45, 45, 0, 13, 10, 45]
        let body =
            Array("--B\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
            + payload + Array("\r\n--B\r\nContent-Disposition: form-data; name=\"min_confidence\"\r\n\r\n0.5\r\n--B--\r\n".utf8)
        let form = try MultipartForm(body: body, boundary: "B")
        #expect(form.parts.map(\.name) == ["image", "min_confidence"])
        #expect(form.part("image").map { Array($0.body) } == payload && form.part("image")?.fileName == "a.jpg")
        #expect(form.text("min_confidence") == "0.5")
        #expect(throws: (any Error).self) { try MultipartForm(body: Array(body.dropLast(8)), boundary: "B") }
    }
}
