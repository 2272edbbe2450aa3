/// Why a request could not be read: the status to answer with (400, 431, 501, 505) and what was wrong, in words a
/// client's developer can act on. The connection is answered and closed: the rest of the stream cannot be trusted
/// to start a request.
public struct HTTPScanError: Error, Equatable, Sendable {
    public var status: Int
    public var reason: String

    public init(status: Int, reason: String) {
        self.status = status
        self.reason = reason
    }

    public static func bad(_ reason: String) -> HTTPScanError { HTTPScanError(status: 400, reason: reason) }
}
