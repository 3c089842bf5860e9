/// The chip a HEF was compiled for: `hw_arch` of the HEF's header (`ProtoHEFHwArch`). Unknown
/// values are kept: newer compilers add some.
public struct HEFArchitecture: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let hailo8 = Self(rawValue: 0)
    public static let hailo8P = Self(rawValue: 1)
    public static let hailo8R = Self(rawValue: 2)
    public static let hailo8L = Self(rawValue: 3)
    public static let hailo15M = Self(rawValue: 4)
    public static let hailo10H = Self(rawValue: 5)
    public static let hailo15L = Self(rawValue: 6)
    public static let hailo15H = Self(rawValue: 103)

    /// HailoRT's name and the chip's, by `hw_arch` (100 and 101 are Hailo's internal ones).
    private static let names: [Int32: (name: String, chip: String)] = [
        0: ("HAILO8", "Hailo-8"), 1: ("HAILO8P", "Hailo-8"), 2: ("HAILO8R", "Hailo-8"), 3: ("HAILO8L", "Hailo-8L"),
        4: ("HAILO15M", "Hailo-15M"), 5: ("HAILO10H", "Hailo-10H"), 6: ("HAILO15L", "Hailo-15L"), 103: ("HAILO15H", "Hailo-15H"),
        100: ("SAGE_A0", "SAGE A0"), 101: ("SAGE_B0", "SAGE B0"),
    ]

    /// `HAILO8L`, as HailoRT names it; `HW_ARCH_<value>` for one it does not know.
    public var name: String { Self.names[rawValue]?.name ?? "HW_ARCH_\(rawValue)" }

    /// `Hailo-8L`: HAILO8P and HAILO8R HEFs are Hailo-8 HEFs.
    public var chip: String { Self.names[rawValue]?.chip ?? "an unknown chip" }

    /// `Hailo-8L (HAILO8L)`.
    public var description: String { "\(chip) (\(name))" }

    /// How a HEF runs on a device, by HailoRT's rule for the Hailo-8 family.
    public enum Fit: Sendable, Equatable {
        case full
        /// Accepted, with HailoRT's warning of lower performance: a Hailo-8L HEF on a Hailo-8.
        case lowerPerformance
        /// Refused at configure.
        case none
    }

    /// How this HEF runs on a device of `deviceArchitecture` (`HailoIdentity.architecture`): a
    /// Hailo-8 takes Hailo-8 HEFs and, more slowly, Hailo-8L ones; a Hailo-8L only Hailo-8L ones.
    /// Nil for other devices, which this rule does not cover.
    public func fit(onDevice deviceArchitecture: String) -> Fit? {
        switch deviceArchitecture {
        case "HAILO8": [.hailo8, .hailo8P, .hailo8R].contains(self) ? .full : self == .hailo8L ? .lowerPerformance : Fit.none
        case "HAILO8L": self == .hailo8L ? .full : Fit.none
        default: nil
        }
    }

    /// `Hailo-8 (HAILO8)` for a device's `HailoIdentity.architecture`.
    public static func describeDevice(_ deviceArchitecture: String) -> String {
        guard let chip = names.values.first(where: { $0.name == deviceArchitecture })?.chip else { return deviceArchitecture }
        return "\(chip) (\(deviceArchitecture))"
    }
}
