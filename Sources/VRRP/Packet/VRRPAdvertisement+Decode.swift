/// An advertisement as it arrived: the message plus what the IP layer said about it.
public struct ReceivedAdvertisement: Sendable, Equatable {
    /// Which checksum form the sender used (VRRPv3 over IPv4 has three in the wild).
    public enum ChecksumForm: Sendable, Equatable {
        /// v2, or v3 with the pseudo-header and the real destination (keepalived, RFC 5798).
        case standard
        /// v3 over IPv4 without pseudo-header (Cisco, Juniper, RFC 9568, keepalived `v3_checksum_as_v2`).
        case withoutPseudoHeader
        /// v3 unicast with 224.0.0.18 in the pseudo-header (keepalived ≤ 1.3.6).
        case multicastPseudoHeader
    }

    public var source: VRRPAddress
    public var destination: VRRPAddress
    /// IPv4 TTL or IPv6 hop limit.
    public var ttl: UInt8
    public var advertisement: VRRPAdvertisement
    public var checksumForm: ChecksumForm
}

extension VRRPAdvertisement {
    /// Decodes a whole IPv4 packet as a raw IPv4 socket delivers it (header included).
    public static func decode(ipv4Packet bytes: ArraySlice<UInt8>) throws(VRRPDropReason) -> ReceivedAdvertisement {
        let base = bytes.startIndex
        guard bytes.count >= 20 else { throw .truncated("\(bytes.count)-byte IPv4 packet is shorter than its header") }
        guard bytes[base] >> 4 == 4 else { throw .badIPHeader("IP version \(bytes[base] >> 4), expected 4") }
        let headerLength = Int(bytes[base] & 0x0F) * 4
        guard headerLength >= 20, bytes.count >= headerLength else { throw .badIPHeader("header length \(headerLength)") }
        let totalLength = Int(bytes[base + 2]) << 8 | Int(bytes[base + 3])
        guard totalLength == bytes.count else {
            throw .badLength("IP total length \(totalLength) but \(bytes.count) bytes received")
        }
        guard bytes[base + 9] == ipProtocol else {
            throw .notVRRP(bytes[base + 9] == 51 ? "authentication header (AH) is not supported" : "IP protocol \(bytes[base + 9])")
        }
        let source = VRRPAddress(bytes: bytes[(base + 12)..<(base + 16)])!
        let destination = VRRPAddress(bytes: bytes[(base + 16)..<(base + 20)])!
        return try decode(message: bytes[(base + headerLength)...], source: source, destination: destination, ttl: bytes[base + 8])
    }

    /// Decodes a VRRP message whose IP source, destination and TTL/hop limit are known.
    public static func decode(message bytes: ArraySlice<UInt8>, source: VRRPAddress, destination: VRRPAddress,
                              ttl: UInt8) throws(VRRPDropReason) -> ReceivedAdvertisement {
        let base = bytes.startIndex
        guard bytes.count >= 8 else { throw .truncated("\(bytes.count)-byte VRRP message is shorter than 8 bytes") }
        guard let version = Version(rawValue: bytes[base] >> 4) else {
            throw .wrongVersion("VRRP version \(bytes[base] >> 4)")
        }
        guard bytes[base] & 0x0F == 1 else { throw .badType("type \(bytes[base] & 0x0F), only 1 (advertisement) exists") }
        let count = Int(bytes[base + 3])
        let addressSize = source.isIPv4 ? 4 : 16
        if version == .v2, !source.isIPv4 { throw .wrongVersion("VRRPv2 is IPv4 only") }
        let expected = 8 + addressSize * count + (version == .v2 ? 8 : 0)
        guard bytes.count == expected else {
            throw .badLength("\(bytes.count) bytes for \(count) address(es), expected \(expected)")
        }
        let received = UInt16(bytes[base + 6]) << 8 | UInt16(bytes[base + 7])
        var addresses: [VRRPAddress] = []
        for index in 0..<count {
            let start = base + 8 + index * addressSize
            addresses.append(VRRPAddress(bytes: bytes[start..<(start + addressSize)])!)
        }
        var advert = VRRPAdvertisement(version: version, virtualRouterID: bytes[base + 1], priority: bytes[base + 2],
                                       addresses: addresses, intervalCentiseconds: 0, checksum: received)
        switch version {
        case .v2:
            advert.intervalCentiseconds = UInt16(bytes[base + 5]) * 100
            let data = Array(bytes[(base + expected - 8)...])
            switch bytes[base + 4] {
            case 0: advert.authentication = .none
            case 1:
                var secret = data
                while secret.last == 0 { secret.removeLast() }
                advert.authentication = .password(secret)
            case 2: advert.authentication = .authenticationHeader
            case let other: throw .authMismatch("unknown authentication type \(other)")
            }
        case .v3:
            advert.intervalCentiseconds = (UInt16(bytes[base + 4]) & 0x0F) << 8 | UInt16(bytes[base + 5])
        }
        let form = try checksumForm(bytes, version: version, source: source, destination: destination)
        return ReceivedAdvertisement(source: source, destination: destination, ttl: ttl, advertisement: advert, checksumForm: form)
    }

    private static func checksumForm(_ bytes: ArraySlice<UInt8>, version: Version, source: VRRPAddress,
                                     destination: VRRPAddress) throws(VRRPDropReason) -> ReceivedAdvertisement.ChecksumForm {
        let plain = InternetChecksum.sum(bytes)
        if version == .v2 {
            guard plain == 0xFFFF else { throw .badChecksum("VRRPv2 checksum does not verify") }
            return .standard
        }
        let folded = { (initial: UInt32) -> UInt32 in
            var total = plain + initial
            while total > 0xFFFF { total = (total & 0xFFFF) + (total >> 16) }
            return total
        }
        if folded(pseudoHeaderSum(source, destination, length: bytes.count)) == 0xFFFF { return .standard }
        if source.isIPv4 {
            if plain == 0xFFFF { return .withoutPseudoHeader }
            if folded(pseudoHeaderSum(source, VRRPAddress.vrrpMulticastIPv4, length: bytes.count)) == 0xFFFF {
                return .multicastPseudoHeader
            }
        }
        throw .badChecksum("VRRPv3 checksum does not verify with or without the pseudo-header")
    }
}
