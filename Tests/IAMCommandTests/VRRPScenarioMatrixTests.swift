import Foundation
import IAMTestSupport
import Testing

/// The failover scenarios of issue 6, for `iam vrrp` paired with itself and with keepalived, VRRPv2 and v3, unicast
/// and multicast. Our daemon runs on h1 (priority 100), the peer on h2 (priority 50); both preempt after a 2 s
/// `preempt_delay` and track the per-host service with weight 0 (failure → FAULT) and their link.
@Suite(.serialized, .enabled(if: getuid() == 0, "network namespaces need root"))
struct VRRPScenarioMatrixTests {
    struct Pairing: CustomTestStringConvertible, Sendable {
        var peer: String
        var version: Int
        var mode: String
        var testDescription: String { "iam vrrp + \(peer), VRRPv\(version), \(mode)" }
    }

    static let pairings: [Pairing] = ["iam", "keepalived"].flatMap { peer in
        [2, 3].flatMap { version in ["unicast", "multicast"].map { Pairing(peer: peer, version: version, mode: $0) } }
    }

    @Test(arguments: pairings)
    func everyFailoverScenario(_ pairing: Pairing) throws {
        let lab = VRRPLabTests.Lab(id: "vm\(pairing.peer.prefix(1))\(pairing.version)\(pairing.mode.prefix(1))")
        try #require(FileManager.default.isExecutableFile(atPath: VRRPLabTests.iamBinary), "no built iam binary")
        if pairing.peer == "keepalived" {
            try #require(FileManager.default.isExecutableFile(atPath: "/usr/sbin/keepalived"), "keepalived is not installed (scripts/test.sh installs it)")
        }
        try #require(try lab.run(["up"]).status == 0)
        defer { _ = try? lab.run(["down"]) }
        let options = ["version=\(pairing.version)", "mode=\(pairing.mode)", "preempt=1", "preempt_delay=2", "interval=1"]
        try lab.run(["svc-start", "all"])
        try lab.run(["ka-conf", "h1"] + options)
        let ours = ["start", "vrrp-h1", "h1", VRRPLabTests.iamBinary, "vrrp", "-f", "{conf}"]
        if pairing.peer == "iam" {
            try lab.run(["ka-conf", "h2"] + options)
            try lab.run(["start", "vrrp-h2", "h2", VRRPLabTests.iamBinary, "vrrp", "-f", "{conf}"])
        } else {
            try lab.run(["ka-start", "h2"] + options)
        }
        try lab.run(ours)

        // Initial election: the higher priority wins, once.
        try lab.waitForVIP(on: "h1")
        // Track script fails: FAULT, the peer takes over; the service returns: h1 preempts after preempt_delay.
        try lab.run(["svc-stop", "h1"])
        try lab.waitForVIP(on: "h2")
        try lab.run(["svc-start", "h1"])
        try lab.waitForVIP(on: "h1")
        // Master stopped with SIGTERM (priority-0 advert), then returns and preempts.
        try lab.run(["stop", "vrrp-h1", "TERM"])
        try lab.waitForVIP(on: "h2")
        try lab.run(["restart", "vrrp-h1"])
        try lab.waitForVIP(on: "h1")
        // Master crashed (SIGKILL: nothing sent, its VIP left configured); restarted, it clears the stale VIP, then
        // preempts.
        try lab.run(["kill-group", "vrrp-h1", "KILL"])
        try lab.waitUntilHolding("h2")
        try lab.run(["restart", "vrrp-h1"])
        try lab.waitForVIP(on: "h1")
        // Master's link down (carrier lost): the peer takes over; link back: h1 preempts.
        try lab.run(["link", "h1", "down"])
        try lab.waitUntilHolding("h2")
        try lab.run(["link", "h1", "up"])
        try lab.waitForVIP(on: "h1")
        // Silent partition: both become master (split brain); healed, one master again within about one advert.
        try lab.run(["partition", "h2", "on"])
        try lab.waitUntilHolding("h2")
        #expect(try lab.vipOwner() == "h1 h2", "split brain while partitioned")
        try lab.run(["partition", "h2", "off"])
        let healed = Date()
        try lab.waitForVIP(on: "h1")
        #expect(Date().timeIntervalSince(healed) < 5, "one master soon after healing (scripts/bench/vrrp-failover.sh measures it):\n\(lab.logs())")
        // Our daemon as the backup that takes over: the peer is stopped.
        try lab.run(["stop", "vrrp-h2", "TERM"])
        Thread.sleep(forTimeInterval: 1)
        #expect(try lab.vipOwner() == "h1")
    }

    /// nopreempt: the old master returns and the VIP stays where it is, both with keepalived and with ourselves.
    @Test(arguments: ["iam", "keepalived"])
    func nopreemptKeepsTheVIPWhenTheOldMasterReturns(_ peer: String) throws {
        let lab = VRRPLabTests.Lab(id: "vn\(peer.prefix(1))")
        try #require(try lab.run(["up"]).status == 0)
        defer { _ = try? lab.run(["down"]) }
        let options = ["script=0", "preempt=0"]
        try lab.run(["ka-conf", "h1"] + options)
        try lab.run(["start", "vrrp-h1", "h1", VRRPLabTests.iamBinary, "vrrp", "-f", "{conf}"])
        try lab.waitForVIP(on: "h1")
        if peer == "iam" {
            try lab.run(["ka-conf", "h2"] + options)
            try lab.run(["start", "vrrp-h2", "h2", VRRPLabTests.iamBinary, "vrrp", "-f", "{conf}"])
        } else {
            try lab.run(["ka-start", "h2"] + options)
        }
        Thread.sleep(forTimeInterval: 1.5)
        try lab.run(["stop", "vrrp-h1", "TERM"])
        try lab.waitForVIP(on: "h2")
        try lab.run(["restart", "vrrp-h1"])
        Thread.sleep(forTimeInterval: 5)
        #expect(try lab.vipOwner() == "h2", "nopreempt: the returning higher priority stays backup\n\(lab.logs())")
    }

    /// Wireshark's VRRP dissector reads our adverts (v2 with PASS authentication over unicast, v3 over multicast)
    /// without a malformed-packet or checksum warning.
    @Test(arguments: [(2, "unicast"), (3, "multicast")])
    func ourAdvertsDecodeCleanlyInTshark(_ version: Int, _ mode: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/tshark"), "tshark is not installed (scripts/test.sh installs it)")
        let lab = VRRPLabTests.Lab(id: "vt\(version)")
        try #require(try lab.run(["up"]).status == 0)
        defer { _ = try? lab.run(["down"]) }
        try lab.run(["ka-conf", "h1", "script=0", "version=\(version)", "mode=\(mode)"])
        try lab.run(["start", "vrrp-h1", "h1", VRRPLabTests.iamBinary, "vrrp", "-f", "{conf}"])
        try lab.waitForVIP(on: "h1")
        let capture = "\(lab.directory)/adverts.pcap"
        try lab.run(["capture", "start", capture])
        Thread.sleep(forTimeInterval: 3.5)
        try lab.run(["capture", "stop"])
        let tshark = { (arguments: [String]) throws -> String in
            try Spawn.run(["/usr/bin/tshark", "-n", "-r", capture] + arguments, environment: ["PATH": "/usr/bin:/bin", "HOME": "/tmp"]).output
        }
        let adverts = try tshark(["-Y", "vrrp && ip.src == 192.0.2.20", "-T", "fields", "-e", "vrrp.version", "-e", "vrrp.prio",
                                  "-e", "vrrp.checksum.status"])
            .split(separator: "\n").filter { !$0.contains("Running as user") && !$0.isEmpty }
        #expect(adverts.count >= 3, "about one advert a second: \(adverts)")
        // vrrp.checksum.status 1: Wireshark recomputed the checksum and it matches.
        for advert in adverts { #expect(advert == "\(version)\t100\t1", "version, priority, checksum good: \(advert)") }
        let problems = try tshark(["-o", "vrrp.v3_checksum_as_in_v2:FALSE", "-Y", "_ws.malformed || _ws.expert.severity >= warning || vrrp.checksum.status == 0"])
            .split(separator: "\n").filter { !$0.contains("Running as user") && !$0.isEmpty }
        #expect(problems.isEmpty, "tshark warns about: \(problems)")
    }
}
