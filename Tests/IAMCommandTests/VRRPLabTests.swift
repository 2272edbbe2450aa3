import Foundation
import IAMTestSupport
import Testing

/// `iam vrrp` against keepalived on the wire, in network namespaces built by ../shared/tools/netns-lab.sh:
/// the virtual IP moves between the two daemons in both directions. Needs root (CI runs as root, and
/// scripts/test.sh installs keepalived and iproute2).
@Suite(.serialized, .enabled(if: getuid() == 0, "network namespaces need root"))
struct VRRPLabTests {
    struct Lab {
        let environment: [String: String]
        let script = SharedFixtures.path("tools/netns-lab.sh")

        init(id: String) {
            var environment = ProcessInfo.processInfo.environment
            environment["LAB_ID"] = id
            environment["LAB_DIR"] = "/tmp/\(id)-lab"
            self.environment = environment
        }

        var directory: String { environment["LAB_DIR"]! }

        @discardableResult
        func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
            try Spawn.run(["/bin/bash", script] + arguments, environment: environment)
        }

        func vipOwner() throws -> String { try run(["vip-owner"]).output.trimmingCharacters(in: .whitespacesAndNewlines) }

        func waitForVIP(on node: String) throws {
            let result = try run(["wait-vip", node, "10"])
            #expect(result.status == 0, "VIP did not move to \(node): \(result.output)\nowner now: \((try? vipOwner()) ?? "?")\n\(logs())")
        }

        /// Waits until `node` holds the VIP, possibly with others (a crashed daemon leaves its VIP configured).
        func waitUntilHolding(_ node: String, seconds: Double = 10) throws {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if try vipOwner().split(separator: " ").contains(Substring(node)) { return }
                Thread.sleep(forTimeInterval: 0.05)
            }
            Issue.record("VIP never reached \(node); owner now: \((try? vipOwner()) ?? "?")\n\(logs())")
        }

        func logs() -> String {
            ["vrrp-h1", "vrrp-h2"].map { name in
                "--- \(name)\n" + ((try? String(contentsOfFile: "\(directory)/logs/\(name).log", encoding: .utf8)) ?? "")
            }.joined(separator: "\n")
        }
    }

    static var iamBinary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("iam").path
    }

    @Test func virtualIPMovesBetweenKeepalivedAndIamVRRP() throws {
        let lab = Lab(id: "iamv1")
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/sbin/keepalived"), "keepalived is not installed (scripts/test.sh installs it)")
        try #require(FileManager.default.isExecutableFile(atPath: Self.iamBinary), "no built iam binary at \(Self.iamBinary)")
        try #require(try lab.run(["up"]).status == 0)
        defer { _ = try? lab.run(["down"]) }
        // keepalived on h1 (priority 100), iam vrrp on h2 (priority 50), unicast VRRPv2 with PASS auth, nopreempt.
        // keepalived first, until it is master: started together, the two master-down timers (3.61 s and 3.8 s) race,
        // and on a busy machine our daemon could win by the time keepalived's start-up took, then keep the VIP
        // (nopreempt).
        try lab.run(["ka-start", "h1", "script=0"])
        try lab.waitForVIP(on: "h1")
        try lab.run(["ka-conf", "h2", "script=0"])
        try lab.run(["start", "vrrp-h2", "h2", Self.iamBinary, "vrrp", "-f", "{conf}", "--status", "127.0.0.1:9911"])
        Thread.sleep(forTimeInterval: 1)
        #expect(try lab.vipOwner() == "h1", "a backup joining a running master stays backup:\n\(lab.logs())")
        // keepalived stops (priority-0 advert): our daemon takes the VIP.
        try lab.run(["stop", "vrrp-h1", "TERM"])
        try lab.waitForVIP(on: "h2")
        // The status endpoint, inside h2's namespace: JSON state and Prometheus metrics.
        let fetch = "import sys, urllib.request; print(urllib.request.urlopen('http://127.0.0.1:9911' + sys.argv[1]).read().decode())"
        let state = try lab.run(["exec", "h2", "python3", "-c", fetch, "/"]).output
        #expect(state.contains(#""state":"MASTER""#), "\(state)")
        #expect(state.contains(#""virtual_addresses":["192.0.2.99/24"]"#), "\(state)")
        let metrics = try lab.run(["exec", "h2", "python3", "-c", fetch, "/metrics"]).output
        #expect(metrics.contains(#"vrrp_state{instance="VI_1"} 2"#), "\(metrics)")
        #expect(metrics.contains("vrrp_adverts_received_total"), "\(metrics)")
        #expect(metrics.contains(#"vrrp_dropped_packets_total{instance="VI_1",reason="bad_checksum"}"#), "\(metrics)")
        // keepalived returns; nopreempt keeps the VIP with us.
        try lab.run(["restart", "vrrp-h1"])
        Thread.sleep(forTimeInterval: 4.5)
        #expect(try lab.vipOwner() == "h2", "\(lab.logs())")
        // Our daemon stops: priority 0 and the VIP removed; keepalived takes over.
        try lab.run(["stop", "vrrp-h2", "TERM"])
        try lab.waitForVIP(on: "h1")
        let notifications = (try? String(contentsOfFile: "\(lab.directory)/notify.log", encoding: .utf8)) ?? ""
        #expect(notifications.contains("h2 notify INSTANCE VI_1 MASTER 50"), "\(notifications)")
        #expect(notifications.contains("h2 notify INSTANCE VI_1 STOP 50"), "\(notifications)")
        #expect(notifications.contains("h2 notify_stop"), "\(notifications)")
    }

    @Test func twoIamVRRPDaemonsFailOverOnACrashWithVRRPv3Multicast() throws {
        let lab = Lab(id: "iamv2")
        try #require(FileManager.default.isExecutableFile(atPath: Self.iamBinary), "no built iam binary at \(Self.iamBinary)")
        try #require(try lab.run(["up"]).status == 0)
        defer { _ = try? lab.run(["down"]) }
        for node in ["h1", "h2"] {
            try lab.run(["ka-conf", node, "script=0", "mode=multicast", "version=3", "advert=0.1", "preempt=1"])
            try lab.run(["start", "vrrp-\(node)", node, Self.iamBinary, "vrrp", "-f", "{conf}"])
        }
        try lab.waitForVIP(on: "h1")
        // A crash sends nothing: h2 waits out the master-down interval (3 × 0.1 s + skew) and takes over;
        // the crashed node keeps its VIP configured, as with keepalived.
        Thread.sleep(forTimeInterval: 1)
        #expect(try lab.vipOwner() == "h1", "one master while both run")
        try lab.run(["kill-group", "vrrp-h1", "KILL"])
        try lab.waitUntilHolding("h2")
    }

    @Test func aFailingTrackScriptMovesTheVIPToKeepalived() throws {
        let lab = Lab(id: "iamv3")
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/sbin/keepalived"), "keepalived is not installed (scripts/test.sh installs it)")
        try #require(try lab.run(["up"]).status == 0)
        defer { _ = try? lab.run(["down"]) }
        // The production shape: unicast, nopreempt, a weight-0 check of the local service every second.
        try lab.run(["svc-start", "all"])
        try lab.run(["ka-conf", "h1", "interval=1"])
        try lab.run(["start", "vrrp-h1", "h1", Self.iamBinary, "vrrp", "-f", "{conf}"])
        try lab.waitForVIP(on: "h1")
        try lab.run(["ka-start", "h2", "interval=1"])
        Thread.sleep(forTimeInterval: 1)
        // The service on h1 dies: the check fails, iam vrrp enters FAULT (priority 0), keepalived takes over.
        try lab.run(["svc-stop", "h1"])
        try lab.waitForVIP(on: "h2")
        let log = (try? String(contentsOfFile: "\(lab.directory)/logs/vrrp-h1.log", encoding: .utf8)) ?? ""
        #expect(log.contains("entering FAULT state"), "\(log)")
        // The service returns: back to BACKUP; nopreempt leaves the VIP on h2.
        try lab.run(["svc-start", "h1"])
        Thread.sleep(forTimeInterval: 2.5)
        #expect(try lab.vipOwner() == "h2")
        let after = (try? String(contentsOfFile: "\(lab.directory)/logs/vrrp-h1.log", encoding: .utf8)) ?? ""
        #expect(after.contains("fault cleared, entering BACKUP state"), "\(after)")
    }

    @Test func aReturningHigherPriorityMasterPreemptsAfterPreemptDelay() throws {
        let lab = Lab(id: "iamv4")
        try #require(try lab.run(["up"]).status == 0)
        defer { _ = try? lab.run(["down"]) }
        // iam vrrp on both nodes, multicast VRRPv2, preempt with preempt_delay 4 s.
        for node in ["h1", "h2"] {
            try lab.run(["ka-conf", node, "script=0", "mode=multicast", "preempt=1", "preempt_delay=4"])
            try lab.run(["start", "vrrp-\(node)", node, Self.iamBinary, "vrrp", "-f", "{conf}"])
        }
        try lab.waitForVIP(on: "h1")
        try lab.run(["stop", "vrrp-h1", "TERM"])
        try lab.waitForVIP(on: "h2")
        // h1 returns. Without preempt_delay it would preempt one master-down interval (3.6 s) after
        // starting; with it, it accepts the lower-priority master for 4 s first (about 6.6 s or more).
        try lab.run(["restart", "vrrp-h1"])
        Thread.sleep(forTimeInterval: 5)
        #expect(try lab.vipOwner() == "h2", "preempt_delay holds the takeover back")
        try lab.waitForVIP(on: "h1")
    }
}
