import Foundation
import IAMTestSupport
import Testing

/// VRRPv3 over IPv6 in the network-namespace lab: the virtual address 2001:db8::99 moves between iam vrrp and
/// keepalived (and between two iam vrrp daemons), multicast to ff02::12 from link-local sources or unicast between
/// global addresses; our adverts and neighbour advertisements decode cleanly in tshark.
@Suite(.serialized, .enabled(if: getuid() == 0, "network namespaces need root"))
struct VRRPIPv6LabTests {
    static let vip = "2001:db8::99"

    static func holders(_ lab: VRRPLabTests.Lab) -> [String] {
        ["h1", "h2"].filter { node in
            ((try? lab.run(["exec", node, "ip", "-6", "-o", "addr", "show", "dev", "eth0"]).output) ?? "").contains(" \(vip)/")
        }
    }

    static func waitForVIP(on node: String, _ lab: VRRPLabTests.Lab, seconds: Double = 10) {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if holders(lab) == [node] { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("\(vip) never reached \(node) alone (holders: \(holders(lab)))\n\(lab.logs())")
    }

    static func start(_ daemon: String, on node: String, mode: String, _ lab: VRRPLabTests.Lab) throws {
        let options = ["family=6", "mode=\(mode)", "script=0", "preempt=1"]
        if daemon == "keepalived" {
            try lab.run(["ka-start", node] + options)
        } else {
            try lab.run(["ka-conf", node] + options)
            try lab.run(["start", "vrrp-\(node)", node, VRRPLabTests.iamBinary, "vrrp", "-f", "{conf}"])
        }
    }

    @Test(arguments: [("keepalived", "iam", "multicast"), ("iam", "keepalived", "unicast"), ("iam", "iam", "multicast")])
    func theVirtualAddressMovesBothWays(h1: String, h2: String, mode: String) throws {
        if h1 == "keepalived" || h2 == "keepalived" {
            try #require(FileManager.default.isExecutableFile(atPath: "/usr/sbin/keepalived"), "keepalived is not installed (scripts/test.sh installs it)")
        }
        let lab = VRRPLabTests.Lab(id: "iam6")
        try #require(try lab.run(["up"]).status == 0)
        defer { _ = try? lab.run(["down"]) }
        try Self.start(h1, on: "h1", mode: mode, lab)
        try Self.start(h2, on: "h2", mode: mode, lab)
        Self.waitForVIP(on: "h1", lab)
        // h1 stops (priority 0): h2 takes the address after its skew time.
        try lab.run(["stop", "vrrp-h1", "TERM"])
        Self.waitForVIP(on: "h2", lab, seconds: 5)
        // h1 returns with the higher priority and preempts.
        try lab.run(["restart", "vrrp-h1"])
        Self.waitForVIP(on: "h1", lab)
    }

    @Test func ourIPv6AdvertsAndNeighbourAdvertisementsDecodeCleanlyInTshark() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/tshark"), "tshark is not installed (scripts/test.sh installs it)")
        let lab = VRRPLabTests.Lab(id: "vt6")
        try #require(try lab.run(["up"]).status == 0)
        defer { _ = try? lab.run(["down"]) }
        let capture = "\(lab.directory)/adverts6.pcap"
        try lab.run(["capture", "start", capture])
        try Self.start("iam", on: "h1", mode: "multicast", lab)
        Self.waitForVIP(on: "h1", lab)
        Thread.sleep(forTimeInterval: 3)
        try lab.run(["capture", "stop"])
        let tshark = { (arguments: [String]) throws -> [String] in
            try Spawn.run(["/usr/bin/tshark", "-n", "-r", capture] + arguments, environment: ["PATH": "/usr/bin:/bin", "HOME": "/tmp"]).output
                .split(separator: "\n").map(String.init).filter { !$0.contains("Running as user") && !$0.isEmpty }
        }
        let adverts = try tshark(["-Y", "vrrp && ipv6.src == fe80::ff:fe00:20 && ipv6.dst == ff02::12 && ipv6.hlim == 255", "-T", "fields",
                                  "-e", "vrrp.version", "-e", "vrrp.prio", "-e", "vrrp.checksum.status", "-e", "vrrp.ipv6_addr"])
        #expect(adverts.count >= 3, "about one advert a second: \(adverts)")
        for advert in adverts { #expect(advert == "3\t100\t1\t\(Self.vip)", "version, priority, checksum good, address: \(advert)") }
        let announcements = try tshark(["-Y", "icmpv6.type == 136 && icmpv6.nd.na.target_address == \(Self.vip) && icmpv6.nd.na.flag.o == 1 && ipv6.hlim == 255",
                                        "-T", "fields", "-e", "icmpv6.checksum.status"])
        #expect(announcements.count >= 5, "a burst of unsolicited neighbour advertisements: \(announcements)")
        #expect(announcements.allSatisfy { $0 == "1" }, "\(announcements)")
        let problems = try tshark(["-Y", "(vrrp || icmpv6) && (_ws.malformed || _ws.expert.severity >= warning)"])
        #expect(problems.isEmpty, "tshark warns about: \(problems)")
    }
}
