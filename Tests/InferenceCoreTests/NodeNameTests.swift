import Foundation
import Testing

@testable import InferenceCore

@Suite("Node names and task ids", .timeLimit(.minutes(1)))
struct NodeNameTests {
    @Test(
        "a node name is 1 to 128 of A-Z a-z 0-9 . -",
        arguments: ["node-1", "ip-10-0-0-7.ec2.internal", "A", String(repeating: "a", count: 128)])
    func valid(name: String) throws {
        #expect(try NodeName(name).rawValue == name)
    }

    @Test(
        "anything else is refused with the rule",
        arguments: ["", "has_underscore", "has space", "slash/", "ü", String(repeating: "a", count: 129)])
    func invalid(name: String) {
        #expect { try NodeName(name) } throws: { error in
            let error = error as! InferenceError
            return error.code == .invalidRequest && error.message.contains("A-Z a-z 0-9 . -")
        }
    }

    @Test("a host name is made valid, never refused")
    func sanitized() {
        #expect(NodeName.sanitized("my_host.lan").rawValue == "my-host.lan")
        #expect(NodeName.sanitized("").rawValue == "localhost")
        #expect(NodeName.sanitized(String(repeating: "x", count: 300)).rawValue.count == 128)
        #expect(!NodeName.host.rawValue.isEmpty)
    }

    @Test("the node part of a task id; none in a bare UUID")
    func owner() {
        #expect(NodeName.owner(ofTask: "node-1_0b8e6a3c-4f61-4d8e-9a45-1f1c2b3d4e5f") == "node-1")
        #expect(NodeName.owner(ofTask: "0b8e6a3c-4f61-4d8e-9a45-1f1c2b3d4e5f") == nil)
        #expect(NodeName.owner(ofTask: "_x") == nil)
    }

    @Test("task ids are <node>_<uuid>; another node's id is a 404 that names both nodes")
    func taskIDs() async throws {
        let store = TaskStore(capacity: 4, timeToLive: .seconds(60), node: try NodeName("node-a"))
        let id = try await store.submit(modelID: "m", kind: "inference") { _ in .batch([]) }
        #expect(id.hasPrefix("node-a_"))
        #expect(UUID(uuidString: String(id.dropFirst("node-a_".count))) != nil)
        #expect(NodeName.owner(ofTask: id) == "node-a")
        #expect(try await store.get(id).id == id)
        let foreign = "node-b_" + id.dropFirst("node-a_".count)
        await #expect { try await store.get(foreign) } throws: { error in
            let error = error as! InferenceError
            return error.code == .taskNotFound && error.message.contains("'node-b'") && error.message.contains("'node-a'")
        }
        await #expect { try await store.cancel("0b8e6a3c-4f61-4d8e-9a45-1f1c2b3d4e5f") } throws: { error in
            let error = error as! InferenceError
            return error.code == .taskNotFound && !error.message.contains("belongs to")
        }
    }
}
