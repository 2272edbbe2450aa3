import Logging
public import PostgresNIO

/// Where the store is, from `--store`: empty for the embedded SQLite file under the data directory,
/// `sqlite:PATH`, or `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`
/// (`host=/path` in the query for a Unix socket directory).
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// Reads a `--store` value; `dataDirectory` places the default SQLite file.
    public init(parsing text: String, dataDirectory: String) throws(StoreError) {
        if text.isEmpty || text == "sqlite" {
            self = .sqlite(path: dataDirectory + "/iam.db")
        } else if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw StoreError("--store sqlite: needs a file path, e.g. sqlite:/var/lib/iam/iam.db") }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(try PostgresLocation(url: text))
        } else {
            throw StoreError("--store \(text): expected empty (embedded SQLite), sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
    }

    /// Without the password.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let location): location.description
        }
    }
}

/// The parts of a PostgreSQL URL.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var unixSocketDirectory: String?
    public var username: String
    public var password: String?
    public var database: String
    public var sslMode: String

    public init(url: String) throws(StoreError) {
        let body = url.drop { $0 != ":" }.dropFirst(3)
        let (main, query) = body.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            .map(String.init).paired()
        let (authority, path) = main.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            .map(String.init).paired()
        var credentials = ""
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            credentials = String(authority[..<at])
            hostPort = String(authority[authority.index(after: at)...])
        }
        let (user, password) = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            .map { $0.removingPercentEncoding() }.paired()
        username = user.isEmpty ? "postgres" : user
        self.password = credentials.contains(":") ? password : nil
        let (hostText, portText) = hostPort.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            .map(String.init).paired()
        host = hostText.isEmpty ? "127.0.0.1" : hostText
        guard let port = portText.isEmpty ? 5432 : Int(portText), (1...65535).contains(port) else {
            throw StoreError("--store \(Self.redacted(url)): port \(portText) is not a number from 1 to 65535")
        }
        self.port = port
        database = path.isEmpty ? username : path
        sslMode = "prefer"
        for item in query.split(separator: "&") {
            let (key, value) = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                .map { $0.removingPercentEncoding() }.paired()
            switch key {
            case "sslmode":
                guard ["disable", "prefer", "require"].contains(value) else {
                    throw StoreError("--store: sslmode=\(value) is not one of disable, prefer, require")
                }
                sslMode = value
            case "host": unixSocketDirectory = value
            default: throw StoreError("--store: unknown parameter \(key) (known: sslmode, host)")
            }
        }
    }

    private static func redacted(_ url: String) -> String {
        guard let at = url.lastIndex(of: "@") else { return url }
        return "postgres://…@" + url[url.index(after: at)...]
    }

    public var description: String {
        "postgres://\(username)@\(unixSocketDirectory ?? "\(host):\(port)")/\(database)"
    }

    /// The client configuration for postgres-nio.
    public func clientConfiguration() -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let directory = unixSocketDirectory {
            configuration = .init(unixSocketPath: "\(directory)/.s.PGSQL.\(port)", username: username, password: password, database: database)
        } else {
            let tls: PostgresClient.Configuration.TLS =
                switch sslMode {
                case "disable": .disable
                case "require": .require(.makeClientConfiguration())
                default: .prefer(.makeClientConfiguration())
                }
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        }
        configuration.options.maximumConnections = 20
        return configuration
    }
}

extension Array where Element == String {
    fileprivate func paired() -> (String, String) { (first ?? "", count > 1 ? self[1] : "") }
}

extension StringProtocol {
    /// `%XX` escapes decoded (URL user info and query values).
    fileprivate func removingPercentEncoding() -> String {
        var bytes: [UInt8] = []
        var iterator = Array(utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
