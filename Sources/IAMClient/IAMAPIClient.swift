import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
public import PolicyEngine

/// The HTTP methods the API uses.
public enum RequestMethod: String, Sendable {
    case get = "GET", post = "POST", put = "PUT", delete = "DELETE"
}

/// The apiserver's REST API as iamctl calls it: JSON in, JSON out, non-200 answers as ``ClientError``.
public struct IAMAPIClient: Sendable {
    public let configuration: ClientConfiguration
    private let http: HTTPClient

    /// Runs `body` with a client for `configuration` and shuts the client down afterwards.
    public static func with<T: Sendable>(_ configuration: ClientConfiguration, _ body: (IAMAPIClient) async throws -> T) async throws -> T {
        var tls = TLSConfiguration.makeClientConfiguration()
        if configuration.insecureSkipTLSVerify { tls.certificateVerification = .none }
        if !configuration.certificateAuthority.isEmpty {
            tls.trustRoots = .file(configuration.certificateAuthority)
        }
        if !configuration.clientCertificate.isEmpty {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(configuration.clientCertificate).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: configuration.clientKey, format: .pem))
        }
        let http = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: HTTPClient.Configuration(tlsConfiguration: tls, timeout: .init(connect: .seconds(configuration.timeoutSeconds))),
            backgroundActivityLogger: Logger(label: "iamctl", factory: { _ in SwiftLogNoOpLogHandler() }))
        let client = IAMAPIClient(configuration: configuration, http: http)
        do {
            let result = try await body(client)
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// `method path?query` with an optional JSON body; the parsed JSON of a 200 answer.
    @discardableResult
    public func call(_ method: RequestMethod, _ path: String, query: [(String, String)] = [], body: String? = nil,
                     authenticated: Bool = true) async throws -> JSONValue {
        var url = configuration.baseURL + path
        if !query.isEmpty {
            url += "?" + query.map { Self.escape($0.0) + "=" + Self.escape($0.1) }.joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method.rawValue)
        if authenticated, let header = try configuration.authorizationHeader(now: Int64(Date().timeIntervalSince1970)) {
            request.headers.add(name: "Authorization", value: header)
        }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        if !configuration.tlsServerName.isEmpty { request.headers.replaceOrAdd(name: "Host", value: configuration.tlsServerName) }
        let (status, text) = try await send(request)
        let json = (try? JSONValue.parse(text)) ?? .null
        guard status == 200 else {
            var error = ClientError(status: status, message: text.isEmpty ? "no body" : text)
            if case .number(let code)? = json.member("code") { error.code = Int(code) }
            if case .string(let message)? = json.member("message") { error.message = message }
            if case .string(let details)? = json.member("details") { error.details = details }
            throw error
        }
        return json
    }

    /// Sends with `server.max-retries` retries on connection failures (never on an HTTP answer).
    private func send(_ request: HTTPClientRequest) async throws -> (Int, String) {
        var attempt = 0
        while true {
            do {
                let response = try await http.execute(request, timeout: .seconds(configuration.timeoutSeconds))
                let body = try await response.body.collect(upTo: 64 << 20)
                return (Int(response.status.code), String(buffer: body))
            } catch {
                attempt += 1
                guard attempt <= configuration.maxRetries else {
                    throw ClientError(message: "cannot reach the apiserver at \(configuration.baseURL): \(error)")
                }
                try await Task.sleep(for: .seconds(configuration.retryIntervalSeconds))
            }
        }
    }

    /// `name` percent-encoded for use as one path segment.
    public static func pathSegment(_ name: String) -> String { escape(name) }

    private static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }
}
