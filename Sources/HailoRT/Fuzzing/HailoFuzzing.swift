/// The fuzz harness of the HEF file reader (`FuzzTargets`): a model file as a client uploads it.
package enum HailoFuzzing {
    /// Any bytes: `HEFFile` reads a header or says nil without trapping, and reads only the
    /// header and the protobuf message, so bytes after a file it read change nothing.
    package static func hefFile(_ data: [UInt8]) {
        guard let file = HEFFile(bytes: data) else { return }
        precondition(HEFFile(bytes: data + [0x0A, 0x00]) == file, "bytes after the message changed what was read")
        precondition(HEFFile.headerSizes[file.headerVersion] != nil, "header version \(file.headerVersion) was read")
        precondition((file.sdkVersion?.utf8.count ?? 1) <= HEFFile.maximumSDKVersionLength, "an overlong SDK version was kept")
        _ = file.architecture.description
    }
}
