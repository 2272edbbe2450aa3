import AsyncHTTPClient
import Atomics
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The authz server's connection to its apiservers: every call goes to the one that answered last and moves on to
/// the next URL when a connection fails or an apiserver answers 5xx. Carries the cluster token.
final class APIServerLink: Sendable {
    struct Answer {
        var status: Int
        var body: [UInt8]
    }

    struct Unreachable: Error, CustomStringConvertible {
        var attempts: [String]
        var description: String { "no apiserver answered: " + attempts.joined(separator: "; ") }
    }

    let urls: [String]
    private let token: String
    private let http: HTTPClient
    /// The client's own event loop. An audit batch is up to a megabyte written to a socket; on the event loops that
    /// serve decisions that write would hold up every decision waiting on the same loop.
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let current = ManagedAtomic<Int>(0)
    private let logger: Logger

    init(urls: [String], token: String, logger: Logger) {
        precondition(!urls.isEmpty)
        self.urls = urls
        self.token = token
        self.logger = logger
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(2)))
        // A refused connection is an answer: move on to the next apiserver (or spool) at once instead of retrying
        // the same one until the request's deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroup: group, configuration: configuration,
                          backgroundActivityLogger: logger)
    }

    /// The client's event loop, also the audit shipper's timer.
    var eventLoop: any EventLoop { group.next() }

    func shutdown() async {
        try? await http.shutdown()
        try? await group.shutdownGracefully()
    }

    /// The URL calls start from (the last one that answered).
    var activeURL: String { urls[current.load(ordering: .relaxed) % urls.count] }

    /// `method path` with an optional body against the apiservers in turn, within `timeout` per attempt.
    func call(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, timeout: TimeAmount) async throws -> Answer {
        let start = current.load(ordering: .relaxed)
        var attempts: [String] = []
        for offset in 0..<urls.count {
            let index = (start + offset) % urls.count
            let url = urls[index]
            var request = HTTPClientRequest(url: url + path)
            request.method = method
            request.headers.add(name: "Authorization", value: "Bearer " + token)
            if let body {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: body))
            }
            do {
                let response = try await http.execute(request, timeout: timeout)
                let bytes = Array(try await response.body.collect(upTo: 256 << 20).readableBytesView)
                if response.status.code >= 500 {
                    attempts.append("\(url): HTTP \(response.status.code)")
                    continue
                }
                if index != start % urls.count {
                    logger.notice("now following apiserver \(url)")
                    current.store(index, ordering: .relaxed)
                }
                return Answer(status: Int(response.status.code), body: bytes)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                attempts.append("\(url): \(error)")
            }
        }
        throw Unreachable(attempts: attempts)
    }
}
