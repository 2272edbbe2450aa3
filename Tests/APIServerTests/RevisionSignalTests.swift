import IAMResources
import IAMStore
import Logging
import Testing

@Suite struct RevisionSignalTests {
    @Test func aWaitEndsOnAPokeOrAtItsTimeout() async {
        let signal = RevisionSignal()
        let seen = signal.generation
        async let waited: Void = signal.wait(after: seen, timeout: .seconds(60))
        signal.poke()
        await waited
        #expect(signal.generation == seen + 1)
        await signal.wait(after: signal.generation, timeout: .milliseconds(20))  // nothing pokes: returns at the timeout
        await signal.wait(after: seen, timeout: .seconds(60))  // already moved: returns at once
    }

    @Test(arguments: TestEngine.available)
    func everyCommitPokesTheStoresSignal(_ engine: TestEngine) async throws {
        try await TestStores.withStore(engine) { store in
            let before = store.revisionSignal.generation
            _ = try await store.createUser(User(metadata: ObjectMeta(name: "sig"), nickname: "sig", passwordHash: "x", email: "s@x.io"))
            #expect(store.revisionSignal.generation > before)
            let refused = store.revisionSignal.generation
            await #expect(throws: IAMError.self) {
                _ = try await store.createUser(User(metadata: ObjectMeta(name: "sig"), nickname: "sig", passwordHash: "x", email: "s@x.io"))
            }
            #expect(store.revisionSignal.generation == refused, "a rolled-back write is not news")
        }
    }

    /// PostgreSQL: a commit through one store reaches another store's signal through NOTIFY/LISTEN alone.
    @Test(.enabled(if: TestEngine.postgresURL != nil))
    func anotherApiserversCommitArrivesByNotify() async throws {
        try await TestStores.withPostgresDatabase { url in
            try await TestStores.withPostgresStore(url: url) { writer in
                try await TestStores.withPostgresStore(url: url) { listener in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { try await listener.followNotifications(logger: TestStores.logger) }
                        // The listener pokes once when LISTEN is in place; wait for that before writing.
                        await listener.revisionSignal.wait(after: 0, timeout: .seconds(30))
                        let seen = listener.revisionSignal.generation
                        #expect(seen > 0, "LISTEN started")
                        _ = try await writer.createUser(User(metadata: ObjectMeta(name: "n"), nickname: "n", passwordHash: "x", email: "n@x.io"))
                        await listener.revisionSignal.wait(after: seen, timeout: .seconds(30))
                        #expect(listener.revisionSignal.generation > seen, "the other store's commit was notified")
                        group.cancelAll()
                    }
                }
            }
        }
    }
}
