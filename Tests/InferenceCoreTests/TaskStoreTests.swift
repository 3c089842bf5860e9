import Foundation
import TestSupport
import Synchronization
import Testing

@testable import InferenceCore

@Suite("Async task store", .timeLimit(.minutes(1)))
struct TaskStoreTests {
    static let result = TaskStore.Outcome.batch([])

    func waitFor(_ store: TaskStore, _ id: String, _ status: TaskStore.Status) async throws {
        #expect(try await eventually { try await store.get(id).status == status }, "task \(id) never became \(status)")
    }

    @Test("queued, running, succeeded, and retrievable until the TTL")
    func lifecycle() async throws {
        let clock = Mutex(Date())
        let store = TaskStore(capacity: 4, timeToLive: .seconds(60), now: { clock.withLock { $0 } })
        let admit = AsyncStream<Void>.makeStream()
        let complete = AsyncStream<Void>.makeStream()
        let id = try await store.submit(modelID: "m", kind: "inference") { progress in
            for await _ in admit.stream { break }
            progress.running()
            for await _ in complete.stream { break }
            return Self.result
        }
        #expect(try await store.get(id).status == .queued)
        admit.continuation.yield()
        try await waitFor(store, id, .running)
        complete.continuation.yield()
        try await waitFor(store, id, .succeeded)
        clock.withLock { $0 += 59.9 }
        #expect(try await store.get(id).status == .succeeded, "kept until its time to live is up")
        clock.withLock { $0 += 0.2 }
        await #expect { try await store.get(id) } throws: { ($0 as! InferenceError).code == .taskNotFound }
    }

    @Test("a deadline that passes while queued gives expired; other failures give failed")
    func failures() async throws {
        let store = TaskStore(capacity: 4, timeToLive: .seconds(60))
        let expired = try await store.submit(modelID: "m", kind: "inference") { _ in
            throw InferenceError(.deadlineExceeded, .deadlineExceeded, "late")
        }
        let failed = try await store.submit(modelID: "m", kind: "inference") { progress in
            progress.running()
            try await Task.sleep(for: .milliseconds(20))
            throw InferenceError(.unprocessable, .shapeMismatch, "bad")
        }
        try await waitFor(store, expired, .expired)
        try await waitFor(store, failed, .failed)
        #expect(try await store.get(failed).error?.code == .shapeMismatch)
    }

    @Test("the store is bounded; cancelling frees nothing until deleted")
    func capacityAndCancel() async throws {
        let store = TaskStore(capacity: 2, timeToLive: .seconds(60))
        let forever: @Sendable (TaskStore.Progress) async throws -> TaskStore.Outcome = { _ in
            try await Task.sleep(for: .seconds(60))
            return Self.result
        }
        let a = try await store.submit(modelID: "m", kind: "inference", work: forever)
        _ = try await store.submit(modelID: "m", kind: "inference", work: forever)
        await #expect { try await store.submit(modelID: "m", kind: "inference", work: forever) } throws: { error in
            (error as! InferenceError).code == .taskStoreFull && (error as! InferenceError).kind == .resourceExhausted
        }
        #expect(try await store.cancel(a).status == .cancelled)
        try await Task.sleep(for: .milliseconds(20))
        #expect(try await store.get(a).status == .cancelled)  // the cancelled run does not overwrite it
        #expect(try await store.cancel(a).status == .cancelled)  // a second DELETE removes it
        await #expect { try await store.get(a) } throws: { ($0 as! InferenceError).code == .taskNotFound }
        _ = try await store.submit(modelID: "m", kind: "inference", work: forever)
    }

    @Test("finished results are bounded in bytes: a full budget refuses new tasks until results are deleted")
    func resultBytes() async throws {
        let store = TaskStore(capacity: 100, maxResultBytes: 1000, timeToLive: .seconds(60))
        let document: @Sendable (TaskStore.Progress) async throws -> TaskStore.Outcome = { _ in .document(Data(count: 600)) }
        let first = try await store.submit(modelID: "m", kind: "image", work: document)
        try await waitFor(store, first, .succeeded)
        let second = try await store.submit(modelID: "m", kind: "image", work: document)  // 600 < 1000: accepted
        try await waitFor(store, second, .succeeded)
        #expect(await store.resultBytes == 1200)
        await #expect { try await store.submit(modelID: "m", kind: "image", work: document) } throws: { error in
            let error = error as! InferenceError
            return error.code == .taskStoreFull && error.message.contains("MiB")
        }
        _ = try await store.cancel(first)  // a finished task deleted frees its bytes
        #expect(await store.resultBytes == 600)
        _ = try await store.submit(modelID: "m", kind: "image", work: document)
    }

    @Test("shutdown fails queued tasks with 'shutdown', lets running ones finish, refuses new ones")
    func shutdown() async throws {
        let store = TaskStore(capacity: 4, timeToLive: .seconds(60))
        let complete = AsyncStream<Void>.makeStream()
        let running = try await store.submit(modelID: "m", kind: "inference") { progress in
            progress.running()
            for await _ in complete.stream { break }
            return Self.result
        }
        let queued = try await store.submit(modelID: "m", kind: "inference") { _ in
            try await Task.sleep(for: .seconds(60))
            return Self.result
        }
        try await waitFor(store, running, .running)
        Task {
            try await Task.sleep(for: .milliseconds(50))
            complete.continuation.yield()  // finishes within the grace period
        }
        await store.shutdown(grace: .seconds(60))  // the task ends after 50 ms: the grace only bounds a busy machine
        #expect(try await store.get(running).status == .succeeded)
        let failed = try await store.get(queued)
        #expect(failed.status == .failed && failed.error?.code == .shuttingDown)
        await #expect { try await store.submit(modelID: "m", kind: "inference") { _ in Self.result } } throws: { error in
            (error as! InferenceError).code == .shuttingDown
        }
    }

    @Test("a task seen finished is on disk: a store restored from its directory at that moment answers the same")
    func finishedIsDurable() async throws {
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = TaskStore(capacity: 64, timeToLive: .seconds(60), directory: directory)
        for _ in 0..<20 {
            let id = try await store.submit(modelID: "m", kind: "image") { _ in .document(Data("{}".utf8)) }
            try await waitFor(store, id, .succeeded)
            // A restart at this instant: only what is on disk counts.
            let restarted = TaskStore(capacity: 64, timeToLive: .seconds(60), directory: directory)
            await restarted.restore()
            #expect(try await restarted.get(id).status == .succeeded)
        }
    }
}
