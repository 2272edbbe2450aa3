/// One VRRP advertisement: the VRRP message of RFC 3768 (version 2) or RFC 5798/9568 (version 3).
///
/// ```swift
/// let advert = VRRPAdvertisement(version: .v2, virtualRouterID: 51, priority: 100,
///                                addresses: [.v4(0xC000_0263)], intervalCentiseconds: 100,
///                                authentication: .password("1111"))
/// let bytes = advert.encode(source: src, destination: VRRPAddress("224.0.0.18")!)
/// ```
public struct VRRPAdvertisement: Sendable, Equatable {
    public enum Version: UInt8, Sendable { case v2 = 2, v3 = 3 }

    /// VRRPv2 authentication (keepalived still implements RFC 2338's types; v3 has none).
    public enum Authentication: Sendable, Equatable {
        case none
        /// Type 1: up to 8 bytes of clear text, zero-padded.
        case password([UInt8])
        /// Type 2: IP Authentication Header. Decoded so it can be counted and dropped; never sent.
        case authenticationHeader

        public static func password(_ text: String) -> Authentication { .password(Array(text.utf8.prefix(8))) }

        var typeCode: UInt8 {
            switch self {
            case .none: 0
            case .password: 1
            case .authenticationHeader: 2
            }
        }
    }

    public var version: Version
    public var virtualRouterID: UInt8
    public var priority: UInt8
    public var addresses: [VRRPAddress]
    /// Version 3: Max Adver Int in centiseconds (12 bits). Version 2: whole seconds × 100.
    public var intervalCentiseconds: UInt16
    public var authentication: Authentication
    /// The checksum as received (0 for values built locally until encoded).
    public var checksum: UInt16

    public init(version: Version, virtualRouterID: UInt8, priority: UInt8, addresses: [VRRPAddress],
                intervalCentiseconds: UInt16, authentication: Authentication = .none, checksum: UInt16 = 0) {
        self.version = version
        self.virtualRouterID = virtualRouterID
        self.priority = priority
        self.addresses = addresses
        self.intervalCentiseconds = intervalCentiseconds
        self.authentication = authentication
        self.checksum = checksum
    }

    /// VRRP is IP protocol 112.
    public static let ipProtocol: UInt8 = 112

    /// The message bytes with the checksum filled in. Version 3 sums a pseudo-header of `source` and
    /// `destination` (keepalived: the real destination, so each unicast copy differs); version 2 has none.
    public func encode(source: VRRPAddress, destination: VRRPAddress) -> [UInt8] {
        var bytes = bodyWithZeroChecksum()
        let sum = version == .v2
            ? InternetChecksum.checksum(bytes)
            : InternetChecksum.checksum(bytes, initial: VRRPAdvertisement.pseudoHeaderSum(source, destination, length: bytes.count))
        bytes[6] = UInt8(sum >> 8)
        bytes[7] = UInt8(sum & 0xFF)
        return bytes
    }

    func bodyWithZeroChecksum() -> [UInt8] {
        var bytes: [UInt8] = [version.rawValue << 4 | 1, virtualRouterID, priority, UInt8(truncatingIfNeeded: addresses.count)]
        switch version {
        case .v2:
            bytes += [authentication.typeCode, UInt8(truncatingIfNeeded: intervalCentiseconds / 100), 0, 0]
        case .v3:
            bytes += [UInt8((intervalCentiseconds >> 8) & 0x0F), UInt8(intervalCentiseconds & 0xFF), 0, 0]
        }
        for address in addresses { bytes += address.bytes }
        if version == .v2 {
            var data = [UInt8](repeating: 0, count: 8)
            if case .password(let secret) = authentication {
                for (index, byte) in secret.prefix(8).enumerated() { data[index] = byte }
            }
            bytes += data
        }
        return bytes
    }

    /// The ones' complement sum of the IPv4 (src, dst, 0, 112, length) or IPv6 (src, dst, length, 0, 112)
    /// pseudo-header.
    static func pseudoHeaderSum(_ source: VRRPAddress, _ destination: VRRPAddress, length: Int) -> UInt32 {
        var header = source.bytes + destination.bytes
        if source.isIPv4 {
            header += [0, ipProtocol, UInt8(length >> 8), UInt8(length & 0xFF)]
        } else {
            header += [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF), 0, 0, 0, ipProtocol]
        }
        return InternetChecksum.sum(header)
    }
}
