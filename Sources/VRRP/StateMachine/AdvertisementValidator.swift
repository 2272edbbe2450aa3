/// Checks a decoded advertisement against one instance's configuration, in keepalived's order
/// (`vrrp_check_packet`): TTL, version, authentication, interval, address count, delivery mode,
/// addresses, unicast source. The first failed check is the drop reason.
public struct AdvertisementValidator: Sendable {
    public struct Expectations: Sendable, Equatable {
        public var version: VRRPAdvertisement.Version
        public var authentication: VRRPAdvertisement.Authentication = .none
        public var intervalCentiseconds: UInt16
        public var virtualAddresses: [VRRPAddress]
        /// Unicast peers; empty means the instance uses multicast.
        public var unicastPeers: [VRRPAddress] = []
        public var checkUnicastSource = false
        /// `vrrp_skip_check_adv_addr`: a BACKUP skips the address checks for the master it heard last.
        public var skipAddressCheckForSameMaster = false

        public init(version: VRRPAdvertisement.Version, intervalCentiseconds: UInt16, virtualAddresses: [VRRPAddress]) {
            self.version = version
            self.intervalCentiseconds = intervalCentiseconds
            self.virtualAddresses = virtualAddresses
        }
    }

    public let expectations: Expectations
    /// The source of the last accepted advertisement (for the skip rule).
    public private(set) var lastMaster: VRRPAddress?

    public init(_ expectations: Expectations) { self.expectations = expectations }

    /// Accepts or drops `received`; `inBackup` tells whether the skip rule may apply.
    public mutating func validate(_ received: ReceivedAdvertisement, inBackup: Bool) -> VRRPDropReason? {
        let advert = received.advertisement
        let multicast = expectations.unicastPeers.isEmpty
        if multicast, received.ttl != 255 {
            return .badTTL("TTL \(received.ttl) on a multicast advert (must be 255: sender not on this link)")
        }
        if advert.version != expectations.version {
            return .wrongVersion("VRRPv\(advert.version.rawValue) advert, instance runs VRRPv\(expectations.version.rawValue)")
        }
        if advert.version == .v2 {
            if advert.authentication.typeCode != expectations.authentication.typeCode {
                return .authMismatch("authentication type \(advert.authentication.typeCode), expected \(expectations.authentication.typeCode)")
            }
            if case .password(let expected) = expectations.authentication, case .password(let got) = advert.authentication,
               !Self.constantTimeEqual(expected, got) {
                return .authMismatch("received an invalid password")
            }
            if advert.intervalCentiseconds != expectations.intervalCentiseconds {
                return .intervalMismatch("advertisement interval \(advert.intervalCentiseconds / 100)s, ours \(expectations.intervalCentiseconds / 100)s")
            }
        }
        let skip = expectations.skipAddressCheckForSameMaster && inBackup && lastMaster == received.source
        if !skip, advert.addresses.count != expectations.virtualAddresses.count {
            return .addressCountMismatch("\(advert.addresses.count) addresses advertised, \(expectations.virtualAddresses.count) configured")
        }
        if multicast != received.destination.isMulticast {
            return .wrongDelivery(multicast ? "unicast advert for a multicast instance" : "multicast advert for a unicast instance")
        }
        if !skip, Set(advert.addresses) != Set(expectations.virtualAddresses) {
            return .addressMismatch("advertised \(advert.addresses.map(\.description)) differ from configured \(expectations.virtualAddresses.map(\.description))")
        }
        if expectations.checkUnicastSource, !multicast, !expectations.unicastPeers.contains(received.source) {
            return .unknownSource("\(received.source) is not a configured unicast_peer")
        }
        lastMaster = received.source
        return nil
    }

    /// Compares passwords without an early exit (keepalived uses a constant-time compare).
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(lhs.count == rhs.count ? 0 : 1)
        for index in 0..<8 {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}
