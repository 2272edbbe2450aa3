import IAMTestSupport
import Testing
@testable import VRRP

/// A million random and mutated packets: the decoder answers each with a decode or a drop reason, never
/// a crash or a hang.
@Suite struct DecoderFuzzTests {
    @Test func oneMillionRandomAndMutatedPackets() throws {
        var seeds: [[UInt8]] = []
        for capture in ["v2-multicast.pcap", "v2-unicast.pcap", "v3-multicast.pcap", "v3-unicast.pcap", "v3-ipv6-multicast.pcap"] {
            seeds += try PcapReader.frames(capture).compactMap { $0.ipPacket.map(Array.init) }
        }
        try #require(!seeds.isEmpty)
        var random = SplitMix64(seed: 0x5EED)
        var decoded = 0
        var dropped: [String: Int] = [:]
        let source = VRRPAddress("192.0.2.20")!
        let destination = VRRPAddress("224.0.0.18")!
        for round in 0..<1_000_000 {
            var packet: [UInt8]
            if round % 4 == 0 {
                packet = (0..<random.below(80)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            } else {
                packet = seeds[random.below(seeds.count)]
                for _ in 0...random.below(4) {
                    switch random.below(4) {
                    case 0 where !packet.isEmpty: packet[random.below(packet.count)] ^= UInt8(1 << random.below(8))
                    case 1 where !packet.isEmpty: packet.removeLast(random.below(packet.count))
                    case 2: packet += (0..<random.below(24)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                    default: if packet.count > 3 { packet[3] = UInt8(truncatingIfNeeded: random.next()) }
                    }
                }
            }
            let result: Result<ReceivedAdvertisement, VRRPDropReason>
            if round % 2 == 0 {
                result = Result { () throws(VRRPDropReason) in try VRRPAdvertisement.decode(ipv4Packet: packet[...]) }
            } else {
                result = Result { () throws(VRRPDropReason) in
                    try VRRPAdvertisement.decode(message: packet[...], source: source, destination: destination, ttl: 255)
                }
            }
            switch result {
            case .success(let received):
                decoded += 1
                #expect(received.advertisement.addresses.count <= 255)
            case .failure(let reason):
                dropped[reason.name, default: 0] += 1
                #expect(VRRPDropReason.allNames.contains(reason.name))
            }
        }
        #expect(decoded > 0)
        #expect(dropped.count >= 5, "drops spread over several reasons: \(dropped)")
    }
}
