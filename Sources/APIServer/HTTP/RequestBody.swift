import Hummingbird
import IAMResources
import NIOCore

extension Request {
    /// The body as a JSON object, at most `limit` bytes (413 beyond), malformed JSON a bind error.
    func jsonFields(limit: Int) async throws -> JSONFields {
        try JSONFields.parseBody(try await body(limit: limit).readableBytesView)
    }

    /// The whole body, at most `limit` bytes (413 beyond).
    func body(limit: Int) async throws -> ByteBuffer {
        var request = self
        do {
            return try await request.collectBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw IAMError(.bodyTooLarge, "the body is larger than \(limit) bytes (server.max-body-bytes)")
        } catch is NIOTooManyBytesError {
            throw IAMError(.bodyTooLarge, "the body is larger than \(limit) bytes (server.max-body-bytes)")
        }
    }

    /// Every value of query parameter `name` (`?name=a&name=b`).
    func queryValues(_ name: String) -> [String] {
        uri.queryParameters.getAll(name).map { String($0) }
    }

    func queryValue(_ name: String) -> String? { queryValues(name).first }
}
