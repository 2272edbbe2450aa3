/// Why a received packet was dropped; every drop is counted under one of these (the names are the
/// metric labels).
public struct VRRPDropReason: Error, Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let detail: String

    init(_ name: String, _ detail: String) {
        self.name = name
        self.detail = detail
    }

    public var description: String { "\(name): \(detail)" }

    // Decoding (any instance).
    static func truncated(_ detail: String) -> Self { .init("truncated", detail) }
    static func badIPHeader(_ detail: String) -> Self { .init("bad_ip_header", detail) }
    static func notVRRP(_ detail: String) -> Self { .init("not_vrrp", detail) }
    static func badType(_ detail: String) -> Self { .init("bad_type", detail) }
    static func badLength(_ detail: String) -> Self { .init("bad_length", detail) }
    static func badChecksum(_ detail: String) -> Self { .init("bad_checksum", detail) }
    // Validation against an instance, in keepalived's order.
    static func badTTL(_ detail: String) -> Self { .init("bad_ttl", detail) }
    static func wrongVersion(_ detail: String) -> Self { .init("wrong_version", detail) }
    static func authMismatch(_ detail: String) -> Self { .init("auth_mismatch", detail) }
    static func intervalMismatch(_ detail: String) -> Self { .init("interval_mismatch", detail) }
    static func addressCountMismatch(_ detail: String) -> Self { .init("address_count_mismatch", detail) }
    static func addressMismatch(_ detail: String) -> Self { .init("address_mismatch", detail) }
    static func wrongDelivery(_ detail: String) -> Self { .init("wrong_delivery", detail) }
    static func unknownSource(_ detail: String) -> Self { .init("unknown_source", detail) }
    static func unknownVirtualRouter(_ detail: String) -> Self { .init("unknown_vrid", detail) }

    /// Every reason name, for pre-registering metrics.
    public static let allNames = [
        "truncated", "bad_ip_header", "not_vrrp", "bad_type", "bad_length", "bad_checksum", "bad_ttl",
        "wrong_version", "auth_mismatch", "interval_mismatch", "address_count_mismatch", "address_mismatch",
        "wrong_delivery", "unknown_source", "unknown_vrid",
    ]
}
