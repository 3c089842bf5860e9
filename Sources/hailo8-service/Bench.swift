import ArgumentParser

/// `hailo8-service bench …`: measurements of the service's own work, without HTTP. The HTTP
/// load scenarios that compare against these figures are in `bench/run.sh`.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks without HTTP: a model run back-to-back in-process, image decoding (see bench/).",
        subcommands: [BenchModel.self, BenchImage.self],
        defaultSubcommand: BenchModel.self)
}
