import Testing
@testable import VRRP

@Suite struct AdvertisementValidatorTests {
    private let source = VRRPAddress("192.0.2.21")!
    private let vip = VRRPAddress("192.0.2.99")!
    private let group = VRRPAddress("224.0.0.18")!

    private func received(_ advert: VRRPAdvertisement, ttl: UInt8 = 255, destination: VRRPAddress? = nil, from: VRRPAddress? = nil) -> ReceivedAdvertisement {
        ReceivedAdvertisement(source: from ?? source, destination: destination ?? group, ttl: ttl, advertisement: advert, checksumForm: .standard)
    }

    private var advert: VRRPAdvertisement {
        VRRPAdvertisement(version: .v2, virtualRouterID: 51, priority: 100, addresses: [vip], intervalCentiseconds: 100,
                          authentication: .password("1111"))
    }

    private var expectations: AdvertisementValidator.Expectations {
        var expected = AdvertisementValidator.Expectations(version: .v2, intervalCentiseconds: 100, virtualAddresses: [vip])
        expected.authentication = .password("1111")
        return expected
    }

    private func reason(_ packet: ReceivedAdvertisement, _ expected: AdvertisementValidator.Expectations? = nil, inBackup: Bool = true) -> String? {
        var validator = AdvertisementValidator(expected ?? expectations)
        return validator.validate(packet, inBackup: inBackup)?.name
    }

    @Test func validAdvertsPass() {
        #expect(reason(received(advert)) == nil)
    }

    @Test func eachCheckDropsWithItsReason() {
        #expect(reason(received(advert, ttl: 64)) == "bad_ttl")
        var v3 = advert
        v3.version = .v3
        #expect(reason(received(v3)) == "wrong_version")
        var unauthenticated = advert
        unauthenticated.authentication = .none
        #expect(reason(received(unauthenticated)) == "auth_mismatch")
        var wrongPassword = advert
        wrongPassword.authentication = .password("2222")
        #expect(reason(received(wrongPassword)) == "auth_mismatch")
        var slower = advert
        slower.intervalCentiseconds = 200
        #expect(reason(received(slower)) == "interval_mismatch")
        var more = advert
        more.addresses.append(VRRPAddress("192.0.2.98")!)
        #expect(reason(received(more)) == "address_count_mismatch")
        var other = advert
        other.addresses = [VRRPAddress("192.0.2.98")!]
        #expect(reason(received(other)) == "address_mismatch")
        #expect(reason(received(advert, destination: VRRPAddress("192.0.2.20")!)) == "wrong_delivery")
    }

    @Test func theOrderIsKeepalivedsTTLBeforeVersionBeforeAuth() {
        var everythingWrong = advert
        everythingWrong.version = .v3
        everythingWrong.authentication = .none
        #expect(reason(received(everythingWrong, ttl: 1)) == "bad_ttl")
        #expect(reason(received(everythingWrong)) == "wrong_version")
    }

    @Test func unicastSkipsTTLAndMayCheckTheSource() {
        var unicast = expectations
        unicast.unicastPeers = [source]
        let direct = received(advert, ttl: 64, destination: VRRPAddress("192.0.2.20")!)
        #expect(reason(direct, unicast) == nil)
        #expect(reason(received(advert), unicast) == "wrong_delivery")
        unicast.checkUnicastSource = true
        #expect(reason(received(advert, destination: VRRPAddress("192.0.2.20")!, from: VRRPAddress("192.0.2.66")!), unicast) == "unknown_source")
    }

    @Test func skipCheckAdvAddrOnlyForTheSameMasterInBackup() {
        var expected = expectations
        expected.skipAddressCheckForSameMaster = true
        var validator = AdvertisementValidator(expected)
        #expect(validator.validate(received(advert), inBackup: true) == nil)
        var other = advert
        other.addresses = [VRRPAddress("192.0.2.98")!]
        #expect(validator.validate(received(other), inBackup: true) == nil, "same master as last time: skipped")
        #expect(validator.validate(received(other), inBackup: false)?.name == "address_mismatch", "a MASTER always checks")
        #expect(validator.validate(received(other, from: VRRPAddress("192.0.2.22")!), inBackup: true)?.name == "address_mismatch")
    }

    @Test func passwordsCompareOverAllEightBytes() {
        #expect(AdvertisementValidator.constantTimeEqual(Array("1111".utf8), Array("1111".utf8)))
        #expect(!AdvertisementValidator.constantTimeEqual(Array("1111".utf8), Array("11111".utf8)))
    }
}
