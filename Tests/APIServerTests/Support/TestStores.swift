import Foundation
import IAMStore
import IAMTestSupport
import Logging
import PostgresNIO
import ServiceLifecycle
import SQLKit
import Testing

/// The store engines a test runs against: SQLite always, PostgreSQL when `IAM_TEST_POSTGRES_URL` names a server
/// (scripts/test.sh starts one and sets it; `IAM_TEST_REQUIRE_POSTGRES=1` makes its absence a failure).
enum TestEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    static let postgresURL = ProcessInfo.processInfo.environment["IAM_TEST_POSTGRES_URL"]

    static var available: [TestEngine] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }
}

enum TestStores {
    static let logger: Logger = {
        var logger = Logger(label: "iam.tests")
        logger.logLevel = .critical
        return logger
    }()

    /// A fresh, migrated store: a new SQLite file, or a new PostgreSQL database dropped afterwards.
    static func withStore<T: Sendable>(_ engine: TestEngine, _ body: @Sendable (SQLStore) async throws -> T) async throws -> T {
        switch engine {
        case .sqlite:
            let files = try TemporaryFiles()
            let store = try await StoreLocation.sqlite(path: files.path("iam.db")).open(logger: logger).store
            do {
                let result = try await body(store)
                await store.close()
                withExtendedLifetime(files) {}
                return result
            } catch {
                await store.close()
                throw error
            }
        case .postgres:
            return try await withPostgresDatabase { url in
                try await withPostgresStore(url: url) { store in try await body(store) }
            }
        }
    }

    /// A store on the PostgreSQL database at `url`, its pool running for the duration of `body`.
    static func withPostgresStore<T: Sendable>(url: String, _ body: @Sendable (SQLStore) async throws -> T) async throws -> T {
        // Five minutes, not the apiserver's ten seconds: this test process runs a minute of CPU-bound tests on two
        // cores beside the async ones, which then wait tens of seconds for a thread, and the wait would fire while a
        // granted lease waits for one (PostgresUnreachableTests covers the wait itself).
        let opened = try await StoreLocation(parsing: url, dataDirectory: "/nonexistent").open(logger: logger, connectionWait: .seconds(300))
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await opened.service!.run()
                return nil
            }
            try await opened.store.migrate()
            let result = try await body(opened.store)
            group.cancelAll()
            return result
        }
    }

    /// Creates a database named for this test on the server of `IAM_TEST_POSTGRES_URL` and drops it afterwards.
    static func withPostgresDatabase<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        guard let admin = TestEngine.postgresURL else { throw TemporaryFiles.Failure("IAM_TEST_POSTGRES_URL is not set") }
        let name = "iamtest_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try await adminCommand(admin, "CREATE DATABASE \"\(name)\"")
        let url = admin.replacingOccurrences(of: "/postgres?", with: "/\(name)?")
        do {
            let result = try await body(url)
            try await adminCommand(admin, "DROP DATABASE \"\(name)\" WITH (FORCE)")
            return result
        } catch {
            try? await adminCommand(admin, "DROP DATABASE \"\(name)\" WITH (FORCE)")
            throw error
        }
    }

    private static func adminCommand(_ url: String, _ sql: String) async throws {
        let location = try PostgresLocation(url: url)
        let configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.username, password: location.password,
            database: location.database, tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

@Suite struct TestEnvironmentTests {
    @Test func postgresIsThereWhenRequired() {
        if ProcessInfo.processInfo.environment["IAM_TEST_REQUIRE_POSTGRES"] == "1" {
            #expect(TestEngine.postgresURL != nil, "scripts/test.sh should have started PostgreSQL and set IAM_TEST_POSTGRES_URL")
        }
    }
}
