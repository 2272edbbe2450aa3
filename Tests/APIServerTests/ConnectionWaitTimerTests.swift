import Foundation
@testable import IAMStore
import Testing

/// The timer behind ``PostgresBackend/connectionWait``: an event-loop timer, ended by cancellation.
@Suite struct ConnectionWaitTimerTests {
    @Test func lastsAtLeastItsDuration() async throws {
        let clock = ContinuousClock()
        let elapsed = try await clock.measure { try await PostgresBackend.sleep(for: .milliseconds(50)) }
        #expect(elapsed >= .milliseconds(50))
    }

    @Test(.timeLimit(.minutes(10)))
    func cancellationEndsItWithCancellationError() async throws {
        // Ten minutes unless cancelled: the time limit fails the test if cancellation does not end it.
        let sleeper = Task { try await PostgresBackend.sleep(for: .seconds(600)) }
        try await Task.sleep(for: .milliseconds(20))
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }

    @Test(.timeLimit(.minutes(10)))
    func aTaskAlreadyCancelledEndsAtOnce() async throws {
        let sleeper = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await PostgresBackend.sleep(for: .seconds(600))
        }
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }
}
