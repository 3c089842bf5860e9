import ArgumentParser

@main
struct Hailo8Service: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hailo8-service",
        abstract: "Serves inference on Hailo-8 accelerators, or on the CPU with ONNX Runtime, over HTTP.",
        subcommands: [Serve.self, Devices.self, Inspect.self, Bench.self],
        defaultSubcommand: Serve.self)
}
