import Testing
@testable import VRRP

/// The IPv6 pieces that need no sockets: the neighbour advertisement's bytes, sockaddr_in6, and the config note.
@Suite struct IPv6EdgeTests {
    @Test func unsolicitedNeighbourAdvertisementBytes() {
        let message = NeighborAdvertisementSender.message(for: VRRPAddress("2001:db8::99")!, mac: [2, 0, 0, 0, 0, 0x20])
        #expect(message.count == 32)
        #expect(Array(message[0..<8]) == [136, 0, 0, 0, 0x20, 0, 0, 0], "type 136, Override flag")
        #expect(Array(message[8..<24]) == VRRPAddress("2001:db8::99")!.bytes)
        #expect(Array(message[24...]) == [2, 1, 2, 0, 0, 0, 0, 0x20], "target link-layer address option")
    }

    @Test func socketAddressLayout() {
        let bytes = VRRPSocket6.socketAddress(VRRPAddress("ff02::12")!, scope: 7)
        #expect(bytes.count == 28)
        #expect(bytes[0] == 10 && bytes[1] == 0, "AF_INET6, little-endian")
        #expect(Array(bytes[8..<24]) == VRRPAddress("ff02::12")!.bytes)
        #expect(Array(bytes[24...]) == [7, 0, 0, 0])
    }

    @Test func theFirstIPv6AddressShouldBeLinkLocal() throws {
        let instance = { (address: String) in "vrrp_instance V6 {\n interface eth0\n virtual_router_id 9\n virtual_ipaddress {\n  \(address)\n }\n}\n" }
        let global = try KeepalivedConfigLoader.parse(instance("2001:db8::99/64"), name: "t.conf")
        #expect(global.warnings.contains { $0.message.contains("should be link-local") && $0.location.line == 5 })
        let linkLocal = try KeepalivedConfigLoader.parse(instance("fe80::99/64"), name: "t.conf")
        #expect(!linkLocal.warnings.contains { $0.message.contains("link-local") })
    }
}
