import NIOCore
import NIOPosix

/// The listening socket of the authz server: HTTP/1.1 with keep-alive, one ``AuthzHTTPHandler`` per connection,
/// on the event loops of `group`.
struct AuthzHTTPServer {
    let channel: any Channel

    static func bind(group: any EventLoopGroup, host: String, port: Int, context: AuthzContext) async throws -> AuthzHTTPServer {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Malformed requests get 400 and the connection closes; request heads are capped at 16 KiB (431).
                    try channel.pipeline.syncOperations.addHandler(AuthzHTTPHandler(context: context))
                }
            }
        return AuthzHTTPServer(channel: try await bootstrap.bind(host: host, port: port).get())
    }

    var port: Int { channel.localAddress?.port ?? 0 }

    /// Stops accepting; connections already open finish the request they are on.
    func close() async {
        try? await channel.close()
    }
}
