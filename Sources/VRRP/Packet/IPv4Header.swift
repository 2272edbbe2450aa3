/// The IPv4 header keepalived writes in front of an advertisement (it sends with IP_HDRINCL): TOS 0xc0,
/// no DF, TTL 255, protocol 112, its own identification counter.
public enum IPv4Header {
    public static func encode(source: VRRPAddress, destination: VRRPAddress, identification: UInt16,
                              payloadLength: Int, ttl: UInt8 = 255, typeOfService: UInt8 = 0xC0,
                              protocolNumber: UInt8 = VRRPAdvertisement.ipProtocol) -> [UInt8] {
        let total = 20 + payloadLength
        var header: [UInt8] = [0x45, typeOfService, UInt8(total >> 8), UInt8(total & 0xFF),
                               UInt8(identification >> 8), UInt8(identification & 0xFF), 0, 0,
                               ttl, protocolNumber, 0, 0]
        header += source.bytes + destination.bytes
        let checksum = InternetChecksum.checksum(header)
        header[10] = UInt8(checksum >> 8)
        header[11] = UInt8(checksum & 0xFF)
        return header
    }
}
