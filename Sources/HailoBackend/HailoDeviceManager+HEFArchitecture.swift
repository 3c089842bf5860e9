import HailoRT
import Logging

/// The chip a HEF was compiled for against the chips present. HailoRT checks it at configure and
/// its C API names neither: the HEF's is read from the file's header (`HEFFile`), the devices'
/// from `hailo_identify`.
extension HailoDeviceManager {
    /// `HAILO8`, `HAILO8L`, … of the devices present, once each.
    var presentArchitectures: [String] { Set(devices.compactMap { $0.identity?.architecture }).sorted() }

    /// A HEF refused for its architecture: 93, or 26 on HailoRT 4.20, which has no status of its
    /// own for it and answers 26 for a corrupt HEF and one from a newer compiler too. Names the
    /// HEF's chip when `file` could be read; on 4.20 it blames the chip only when configure
    /// refused a HEF that a chip here cannot take.
    func hefArchitectureAdvice(_ status: HailoStatus, file: HEFFile?, atConfigure: Bool) -> String {
        let present = presentArchitectures
        guard let file, status == .hefNotCompatibleWithDevice || (atConfigure && Self.refuses(present, file)) else {
            return unnamedArchitectureAdvice(status, present: present, file: file)
        }
        let why =
            status == .invalidHEF
            ? "HailoRT \(library.version) refused the HEF (\(status.name)), as 4.20 refuses a HEF for another chip: " : ""
        return why
            + "the HEF was compiled for \(file.architecture); \(Self.describeChips(present)) [\(status.name)]. Compile it for \(Self.chipToCompileFor(present))"
    }

    /// Whether a device here cannot take the HEF, by HailoRT's rule.
    static func refuses(_ architectures: [String], _ file: HEFFile) -> Bool {
        architectures.contains { file.architecture.fit(onDevice: $0) == HEFArchitecture.Fit.none }
    }

    /// When the HEF's chip is unknown (the file is not a HEF as this service reads them) or may
    /// not be the cause: names the chip here, and the HEF's when its header was read.
    private func unnamedArchitectureAdvice(_ status: HailoStatus, present: [String], file: HEFFile?) -> String {
        let here = present.isEmpty ? "this device" : "this device (\(present.joined(separator: ", ")))"
        let header = file.map { "; the file's header says \($0.architecture)" } ?? ""
        let what =
            status == .invalidHEF
            ? "HailoRT \(library.version) refused the HEF (\(status.name)): it was compiled for another Hailo architecture than \(here), or it is corrupt or from a newer Dataflow Compiler (4.20 reports all three alike\(header))"
            : "the HEF was compiled for another Hailo architecture (e.g. Hailo-15 or Hailo-10) than \(here)"
        return what
            + " [\(status.name)]; HailoRT's log names the HEF's architecture. Compile it for the chip here (Hailo-8L HEFs also run on a Hailo-8, more slowly)"
    }

    /// `this device is Hailo-8 (HAILO8), which runs Hailo-8 and, more slowly, Hailo-8L HEFs`.
    static func describeChips(_ architectures: [String]) -> String {
        guard !architectures.isEmpty else { return "this device does not run it" }
        let chips = architectures.map(HEFArchitecture.describeDevice).joined(separator: " and ")
        let runs = architectures.count == 1 ? runs(architectures[0]).map { ", which runs \($0)" } ?? "" : ""
        return (architectures.count == 1 ? "this device is " : "these devices are ") + chips + runs
    }

    private static func runs(_ architecture: String) -> String? {
        switch architecture {
        case "HAILO8": "Hailo-8 and, more slowly, Hailo-8L HEFs"
        case "HAILO8L": "Hailo-8L HEFs only"
        default: nil
        }
    }

    private static func chipToCompileFor(_ architectures: [String]) -> String {
        if architectures == ["HAILO8"] { return "Hailo-8" }
        if architectures.contains("HAILO8L") { return "Hailo-8L (which every Hailo-8 runs too)" }
        return "the chip here (Hailo-8L HEFs also run on a Hailo-8, more slowly)"
    }

    /// HailoRT configures a Hailo-8L HEF on a Hailo-8 with a warning in its own log only: the
    /// service's log says it too.
    func warnOfLowerPerformance(_ model: String, file: HEFFile?) {
        guard let file, presentArchitectures.contains(where: { file.architecture.fit(onDevice: $0) == .lowerPerformance }) else { return }
        logger.warning(
            "the HEF was compiled for \(file.architecture) and runs on this Hailo-8 with lower performance; compile it for Hailo-8 for full speed",
            metadata: ["model": "\(model)", "hef_architecture": "\(file.architecture.name)"])
    }
}
