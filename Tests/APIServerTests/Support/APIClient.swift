import APIServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IAMStore
import Logging
import NIOCore
import PolicyEngine
import Testing

/// A response as tests look at it: status, parsed JSON body, headers.
struct APIResult: Sendable {
    var status: Int
    var text: String
    var headers: HTTPFields

    var json: JSONValue { (try? JSONValue.parse(text)) ?? .null }
    /// The error code of an error body.
    var code: Int? {
        if case .number(let value)? = json.member("code") { return Int(value) }
        return nil
    }
    func string(_ path: String...) -> String? {
        var value = json
        for key in path { guard let next = value.member(key) else { return nil }; value = next }
        if case .string(let text) = value { return text }
        return nil
    }
    func number(_ path: String...) -> Double? {
        var value = json
        for key in path { guard let next = value.member(key) else { return nil }; value = next }
        if case .number(let number) = value { return number }
        return nil
    }
    /// `metadata.name` of each list item.
    var names: [String] {
        items.compactMap { item in
            guard case .string(let name)? = item.member("metadata")?.member("name") else { return nil }
            return name
        }
    }
    var items: [JSONValue] {
        if case .array(let items)? = json.member("items") { return items }
        return []
    }
}

/// How a request authenticates.
enum Credentials: Sendable {
    case none
    case bearer(String)
    case basic(String, String)
    case header(String)

    var headerValue: String? {
        switch self {
        case .none: nil
        case .bearer(let token): "Bearer \(token)"
        case .basic(let user, let password): "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        case .header(let raw): raw
        }
    }
}

/// Talks to a live apiserver in the test process.
struct APIClient: Sendable {
    let client: any TestClientProtocol

    @discardableResult
    func call(_ method: HTTPRequest.Method, _ path: String, _ credentials: Credentials = .none, body: String? = nil,
              headers extra: HTTPFields = [:]) async throws -> APIResult {
        var headers = extra
        if let value = credentials.headerValue { headers[.authorization] = value }
        if body != nil { headers[.contentType] = "application/json" }
        let response = try await client.executeRequest(
            uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        return APIResult(status: response.status.code, text: String(buffer: response.body), headers: response.headers)
    }

    /// Logs in and returns a bearer credential.
    func login(_ user: String, _ password: String) async throws -> Credentials {
        let result = try await call(.post, "/login", body: #"{"username":"\#(user)","password":"\#(password)"}"#)
        try #require(result.status == 200, "login \(user): \(result.text)")
        return .bearer(try #require(result.string("token")))
    }

    /// Self-registers a user with a valid profile.
    @discardableResult
    func register(_ name: String, password: String = "Secret@2024", as credentials: Credentials = .none, admin: Bool = false) async throws -> APIResult {
        try await call(.post, "/v1/users", credentials, body: """
            {"metadata":{"name":"\(name)"},"nickname":"\(name)","password":"\(password)","email":"\(name)@example.com","isAdmin":\(admin ? 1 : 0)}
            """)
    }
}

enum TestServers {
    static let adminPassword = "Admin@2021"

    static func configuration(_ adjust: (inout APIServerConfiguration) -> Void = { _ in }) -> APIServerConfiguration {
        var configuration = APIServerConfiguration()
        configuration.jwtKey = "test-jwt-key-0123456789"
        configuration.bcryptCost = 4
        adjust(&configuration)
        return configuration
    }

    /// A live apiserver (real socket) on `store`, with user admin bootstrapped.
    static func withServer<T: Sendable>(
        store: SQLStore, configuration: APIServerConfiguration = configuration(),
        _ body: @Sendable (APIClient, APIServer) async throws -> T
    ) async throws -> T {
        let server = APIServer(configuration: configuration, store: store, logger: TestStores.logger)
        try await server.bootstrapAdmin(password: adminPassword)
        let application = Application(router: server.makeRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                      logger: TestStores.logger)
        return try await application.test(.live) { client in try await body(APIClient(client: client), server) }
    }

    /// A fresh store of `engine` with a live server on it.
    static func withServer<T: Sendable>(
        _ engine: TestEngine, configuration: APIServerConfiguration = configuration(),
        _ body: @Sendable (APIClient, APIServer) async throws -> T
    ) async throws -> T {
        try await TestStores.withStore(engine) { store in try await withServer(store: store, configuration: configuration, body) }
    }
}
