import Foundation
import Synchronization

/// `--port-file`: the ports the front ends are bound to, as one small JSON document, e.g.
/// `{"grpc":43122,"http":43121,"zmq":["tcp://127.0.0.1:43123"]}`, written once every front end
/// that runs has reported (so a program that sees the file can use all of them), and removed at
/// shutdown. The file is written whole or not at all: to a temporary file in the same directory,
/// then renamed over `path`.
final class PortFile: Sendable {
    struct Ports: Codable, Equatable {
        var http: Int?
        var grpc: Int?
        var zmq: [String]?
    }

    enum FrontEnd: Sendable { case http, grpc, zmq }

    private struct State {
        var ports = Ports()
        var waiting: Set<FrontEnd>
        var written = false
        var removed = false
    }

    let path: String
    private let state: Mutex<State>

    /// A file written once each of `frontEnds` has reported.
    init(path: String, frontEnds: Set<FrontEnd>) {
        self.path = path
        state = Mutex(State(waiting: frontEnds))
    }

    func listening(http port: Int) throws { try report(.http) { $0.http = port } }
    func listening(grpc port: Int) throws { try report(.grpc) { $0.grpc = port } }
    func listening(zmq endpoints: [String]) throws { try report(.zmq) { $0.zmq = endpoints } }

    /// Removes the file if it was written (once); no file is written after this.
    func remove() {
        state.withLock { state in
            state.removed = true
            if state.written { unlink(path) }
            state.written = false
        }
    }

    private func report(_ frontEnd: FrontEnd, _ update: (inout Ports) -> Void) throws {
        try state.withLock { state in
            update(&state.ports)
            state.waiting.remove(frontEnd)
            guard state.waiting.isEmpty, !state.removed else { return }
            try Self.write(state.ports, to: path)
            state.written = true
        }
    }

    static func write(_ ports: Ports, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var data = try encoder.encode(ports)
        data.append(UInt8(ascii: "\n"))
        let temporary = "\(path).\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw ConfigurationError("cannot write the port file \(temporary)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ConfigurationError("cannot rename \(temporary) to \(path): \(reason)")
        }
    }
}
