// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "hailo8-service",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hailo8-service", targets: ["hailo8-service"]),
        // Test double of libhailort: loaded only when pointed at (HAILO8_HAILORT_LIBRARY).
        .library(name: "HailoRTSimulator", type: .dynamic, targets: ["HailoRTSimulator"]),
    ],
    dependencies: [
        // ConfigurationSupport is off: configuration comes from flags and HAILO8_* variables.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // Libraries emit through swift-metrics; only the executable picks Prometheus as the backend.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        // The models file (`serve --config`).
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // Hand-written declarations of the ONNX Runtime C ABI subset we use (no ORT header, no link).
        .target(name: "CONNXRuntime"),
        .target(
            name: "ONNXRuntime",
            dependencies: ["CONNXRuntime"],
            swiftSettings: swiftSettings
        ),
        // Hand-written declarations of the HailoRT 4.23 C ABI subset we use (no Hailo header, no link).
        .target(name: "CHailoRT"),
        .target(
            name: "HailoRT",
            dependencies: ["CHailoRT"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "InferenceCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // System libraries for image decoding (scripts/setup.sh installs them).
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CSPNG", pkgConfig: "spng", providers: [.apt(["libspng-dev"])]),
        .target(
            name: "InferenceVision",
            dependencies: [
                "InferenceCore", "CTurboJPEG", "CSPNG",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // libzmq for the ZeroMQ front end (Frigate's remote detector); scripts/setup.sh installs it.
        .systemLibrary(name: "CZeroMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
        .target(
            name: "InferenceZMQ",
            dependencies: [
                "InferenceCore", "InferenceVision", "CZeroMQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ONNXBackend",
            dependencies: [
                "InferenceCore", "ONNXRuntime",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HailoBackend",
            dependencies: [
                "InferenceCore", "HailoRT",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "InferenceHTTP",
            dependencies: [
                "InferenceCore", "InferenceVision",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [
                // The dashboard's files, compiled into the binary (PackageResources): no files to
                // install beside it, nothing fetched by the browser from elsewhere.
                .embedInCode("Dashboard/Resources/index.html"),
                .embedInCode("Dashboard/Resources/app.js"),
                .embedInCode("Dashboard/Resources/app.css"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "hailo8-service",
            dependencies: [
                "InferenceCore", "InferenceHTTP", "InferenceVision", "InferenceZMQ", "ONNXBackend", "HailoBackend",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // A C library exporting the hailo_* symbols the binding uses, with simulated devices,
        // HEFs, inference and faults (docs/hailo-simulator.md).
        .target(
            name: "HailoRTSimulator",
            dependencies: ["CHailoRT"],
            linkerSettings: [.linkedLibrary("pthread")]
        ),
        // Paths of the test models, shared by the test targets.
        .target(name: "TestSupport", swiftSettings: swiftSettings),
        .testTarget(
            name: "ONNXRuntimeTests",
            dependencies: ["ONNXRuntime", "CONNXRuntime", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HailoTests",
            dependencies: ["HailoRT", "CHailoRT", "HailoBackend", "InferenceCore", "TestSupport",
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "InferenceCoreTests",
            dependencies: ["InferenceCore", "ONNXBackend", "TestSupport",
                           .product(name: "Metrics", package: "swift-metrics"),
                           .product(name: "Prometheus", package: "swift-prometheus")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "InferenceVisionTests",
            dependencies: ["InferenceVision", "InferenceCore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "InferenceZMQTests",
            dependencies: ["InferenceZMQ", "InferenceVision", "InferenceCore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "InferenceHTTPTests",
            dependencies: [
                "InferenceHTTP", "InferenceCore", "InferenceVision", "ONNXBackend", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
