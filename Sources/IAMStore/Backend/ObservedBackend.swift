import IAMResources
import SQLKit

/// Told about every store call: how many wait for or hold a connection, how long each took, which failed.
public protocol StoreObserver: Sendable {
    func storeCallStarted()
    func storeCallFinished(duration: Duration, failed: Bool)
}

/// A backend that reports its calls to an observer (the apiserver's metrics).
struct ObservedBackend: SQLBackend {
    let base: any SQLBackend
    let observer: any StoreObserver

    var engine: String { base.engine }

    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await observe { try await base.read(body) }
    }

    func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await observe { try await base.transaction(body) }
    }

    func singleStatement<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await observe { try await base.singleStatement(body) }
    }

    func consistentRead<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await observe { try await base.consistentRead(body) }
    }

    func close() async { await base.close() }

    private func observe<T>(_ call: () async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        observer.storeCallStarted()
        do {
            let result = try await call()
            observer.storeCallFinished(duration: ContinuousClock.now - started, failed: false)
            return result
        } catch {
            // Refusals the caller caused (not found, duplicates) are answers, not store failures.
            observer.storeCallFinished(duration: ContinuousClock.now - started, failed: !(error is IAMError))
            throw error
        }
    }
}

extension SQLStore {
    /// The same store, reporting each call to `observer`.
    public func observed(by observer: any StoreObserver) -> SQLStore {
        SQLStore(backend: ObservedBackend(base: backend, observer: observer), revisionSignal: revisionSignal)
    }
}
