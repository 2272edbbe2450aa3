/// An instance's sockets: adverts over IPv4 (our own IP header) or IPv6 (VRRPv3), and the announcements that
/// move neighbours' caches to us (gratuitous ARP, unsolicited neighbour advertisements).
enum VRRPTransport {
    case ipv4(VRRPSocket, GratuitousARPSender)
    case ipv6(VRRPSocket6, NeighborAdvertisementSender)

    init(interface: NetworkInterface, source: VRRPAddress, multicastGroup: VRRPAddress?) throws {
        if source.isIPv4 {
            self = .ipv4(try VRRPSocket(interface: interface, multicastGroup: multicastGroup), try GratuitousARPSender(interface: interface))
        } else {
            self = .ipv6(try VRRPSocket6(interface: interface, source: source, multicastGroup: multicastGroup),
                         try NeighborAdvertisementSender(interface: interface))
        }
    }

    var descriptor: Int32 {
        switch self {
        case .ipv4(let socket, _): socket.descriptor
        case .ipv6(let socket, _): socket.descriptor
        }
    }

    func send(_ advert: VRRPAdvertisement, from source: VRRPAddress, to destination: VRRPAddress) throws {
        let message = advert.encode(source: source, destination: destination)
        switch self {
        case .ipv4(let socket, _): try socket.send(message, from: source, to: destination)
        case .ipv6(let socket, _): try socket.send(message, to: destination)
        }
    }

    /// The next received packet, decoded (or why it was dropped); nil when none is waiting.
    func receive() -> Result<ReceivedAdvertisement, VRRPDropReason>? {
        switch self {
        case .ipv4(let socket, _):
            guard let packet = socket.receive() else { return nil }
            return Result { () throws(VRRPDropReason) in try VRRPAdvertisement.decode(ipv4Packet: packet[...]) }
        case .ipv6(let socket, _):
            guard let received = socket.receive() else { return nil }
            return Result { () throws(VRRPDropReason) in
                try VRRPAdvertisement.decode(message: received.message[...], source: received.source, destination: received.destination,
                                             ttl: received.hopLimit)
            }
        }
    }

    /// One gratuitous ARP or unsolicited neighbour advertisement for `address`.
    func announce(_ address: VRRPAddress) throws {
        switch self {
        case .ipv4(_, let sender): try sender.send(for: address)
        case .ipv6(_, let sender): try sender.send(for: address)
        }
    }
}
