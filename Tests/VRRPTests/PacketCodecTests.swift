import Testing
@testable import VRRP

@Suite struct PacketCodecTests {
    private let h1 = VRRPAddress("192.0.2.20")!
    private let h2 = VRRPAddress("192.0.2.21")!
    private let group = VRRPAddress("224.0.0.18")!
    private let vip = VRRPAddress("192.0.2.99")!

    @Test func checksumVectorsOfTheReference() {
        let v2 = VRRPAdvertisement(version: .v2, virtualRouterID: 51, priority: 100, addresses: [vip],
                                   intervalCentiseconds: 100, authentication: .password("1111"))
        #expect(v2.encode(source: h1, destination: group) == [UInt8](hex: "2133 6401 0101 5504 c0000263 3131313100000000"))
        var stopping = v2
        stopping.priority = 0
        #expect(stopping.encode(source: h1, destination: h2) == [UInt8](hex: "2133 0001 0101 b904 c0000263 3131313100000000"))

        let v3 = VRRPAdvertisement(version: .v3, virtualRouterID: 51, priority: 100, addresses: [vip], intervalCentiseconds: 100)
        #expect(v3.encode(source: h1, destination: group) == [UInt8](hex: "3133 6401 0064 0560 c0000263"))
        #expect(v3.encode(source: h1, destination: h2) == [UInt8](hex: "3133 6401 0064 235d c0000263"))
        #expect(InternetChecksum.checksum(v3.bodyWithZeroChecksum()) == 0xA803)  // without pseudo-header

        let v6 = VRRPAdvertisement(version: .v3, virtualRouterID: 51, priority: 100,
                                   addresses: [VRRPAddress("2001:db8::99")!], intervalCentiseconds: 100)
        let encoded = v6.encode(source: VRRPAddress("fe80::ff:fe00:20")!, destination: VRRPAddress("ff02::12")!)
        #expect(encoded == [UInt8](hex: "3133 6401 0064 3ed7 20010db8000000000000000000000099"))
    }

    /// Every IPv4 advert in the captures decodes, and re-encodes to the captured bytes exactly.
    @Test(arguments: ["v2-multicast.pcap", "v2-unicast.pcap", "v3-multicast.pcap", "v3-unicast.pcap"])
    func ipv4CapturesRoundTripByteForByte(capture: String) throws {
        var adverts = 0
        for frame in try PcapReader.frames(capture) {
            guard let packet = frame.ipPacket, packet.first.map({ $0 >> 4 == 4 }) == true,
                  packet[packet.startIndex + 9] == 112 else { continue }
            let received = try VRRPAdvertisement.decode(ipv4Packet: packet)
            #expect(received.ttl == 255)
            #expect(received.checksumForm == .standard)
            #expect(received.advertisement.virtualRouterID == 51)
            #expect(received.advertisement.addresses == [vip])
            let message = received.advertisement.encode(source: received.source, destination: received.destination)
            let identification = UInt16(packet[packet.startIndex + 4]) << 8 | UInt16(packet[packet.startIndex + 5])
            let header = IPv4Header.encode(source: received.source, destination: received.destination,
                                           identification: identification, payloadLength: message.count)
            #expect(header + message == Array(packet), "frame of \(capture)")
            adverts += 1
        }
        #expect(adverts >= 2, "the capture holds adverts, including the priority-0 one")
    }

    @Test func ipv6CaptureDecodesAndReEncodes() throws {
        var adverts = 0
        for frame in try PcapReader.frames("v3-ipv6-multicast.pcap") {
            guard let packet = frame.ipPacket, packet.first.map({ $0 >> 4 == 6 }) == true else { continue }
            let base = packet.startIndex
            guard packet[base + 6] == 112 else { continue }
            let source = VRRPAddress(bytes: packet[(base + 8)..<(base + 24)])!
            let destination = VRRPAddress(bytes: packet[(base + 24)..<(base + 40)])!
            let message = packet[(base + 40)...]
            let received = try VRRPAdvertisement.decode(message: message, source: source, destination: destination, ttl: packet[base + 7])
            #expect(received.advertisement.addresses == [VRRPAddress("2001:db8::99")!])
            #expect(received.advertisement.encode(source: source, destination: destination) == Array(message))
            adverts += 1
        }
        #expect(adverts >= 2)
    }

    @Test func v3AlternativeChecksumFormsAreAccepted() throws {
        let advert = VRRPAdvertisement(version: .v3, virtualRouterID: 51, priority: 100, addresses: [vip], intervalCentiseconds: 100)
        var ciscoStyle = advert.bodyWithZeroChecksum()
        let plain = InternetChecksum.checksum(ciscoStyle)
        ciscoStyle[6] = UInt8(plain >> 8)
        ciscoStyle[7] = UInt8(plain & 0xFF)
        #expect(try VRRPAdvertisement.decode(message: ciscoStyle[...], source: h1, destination: h2, ttl: 255).checksumForm == .withoutPseudoHeader)
        let oldUnicast = advert.encode(source: h1, destination: group)
        #expect(try VRRPAdvertisement.decode(message: oldUnicast[...], source: h1, destination: h2, ttl: 255).checksumForm == .multicastPseudoHeader)
    }

    @Test func malformedPacketsAreDroppedWithAReason() {
        let good = VRRPAdvertisement(version: .v2, virtualRouterID: 51, priority: 100, addresses: [vip],
                                     intervalCentiseconds: 100, authentication: .password("1111")).encode(source: h1, destination: group)
        func reason(_ bytes: [UInt8]) -> String? {
            do {
                _ = try VRRPAdvertisement.decode(message: bytes[...], source: h1, destination: group, ttl: 255)
                return nil
            } catch {
                return error.name
            }
        }
        #expect(reason(good) == nil)
        #expect(reason(Array(good.prefix(7))) == "truncated")
        #expect(reason(Array(good.dropLast())) == "bad_length")
        var flipped = good
        flipped[9] ^= 0x01
        #expect(reason(flipped) == "bad_checksum")
        var typed = good
        typed[0] = 0x22
        #expect(reason(typed) == "bad_type")
        var versioned = good
        versioned[0] = 0x41
        #expect(reason(versioned) == "wrong_version")
        var ip = IPv4Header.encode(source: h1, destination: group, identification: 1, payloadLength: good.count) + good
        ip[9] = 51
        #expect(throws: VRRPDropReason.self) { try VRRPAdvertisement.decode(ipv4Packet: ip[...]) }
    }

    @Test func addressesPrintAndCompare() {
        #expect(VRRPAddress("2001:db8::99")?.description == "2001:db8::99")
        #expect(VRRPAddress("fe80::ff:fe00:20")?.description == "fe80::ff:fe00:20")
        #expect(VRRPAddress("192.0.2.20")?.description == "192.0.2.20")
        #expect(VRRPAddress("192.0.2.021") == nil)
        #expect(VRRPAddress("fe80::1%eth0") == nil)
        #expect(h1 < h2)
        #expect(group.isMulticast && !h1.isMulticast)
    }
}
