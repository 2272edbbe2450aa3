import Foundation
import IAMTestSupport
import Testing

/// `vrrp_sync_group` on the wire, in the network-namespace lab: two instances (two VRIDs, two virtual
/// addresses) move as one. The check on h1 guards only VI_2; when it fails, the whole group leaves h1.
/// Run with iam vrrp on either side and keepalived on the other.
@Suite(.serialized, .enabled(if: getuid() == 0, "network namespaces need root"))
struct VRRPSyncGroupLabTests {
    static let addresses = ["192.0.2.99", "192.0.2.98"]

    /// Both nodes' configuration: multicast VRRPv2, preempt, h1 priority 100, h2 priority 50.
    static func configuration(node: String, lab: String) -> String {
        let priority = node == "h1" ? 100 : 50
        let instances = zip(["VI_1", "VI_2"], zip([51, 52], addresses)).map { name, rest in
            """
            vrrp_instance \(name) {
                state BACKUP
                interface eth0
                virtual_router_id \(rest.0)
                priority \(priority)
                advert_int 1
                virtual_ipaddress {
                    \(rest.1)/24 dev eth0
                }
                garp_master_delay 1
                notify "\(lab)/notify.sh \(node) notify"
            \(name == "VI_2" ? "    track_script {\n        chk_svc\n    }\n" : "")}
            """
        }
        return """
            global_defs {
                router_id lab_\(node)
                enable_script_security
                script_user root
                max_auto_priority -1
            }
            vrrp_script chk_svc {
                script "\(lab)/check_svc.sh \(node)"
                interval 1
                timeout 2
            }
            \(instances.joined(separator: "\n"))
            vrrp_sync_group G {
                group {
                    VI_1
                    VI_2
                }
                notify "\(lab)/notify.sh \(node) notify"
            }

            """
    }

    /// The nodes holding `address` now.
    static func holders(_ lab: VRRPLabTests.Lab, _ address: String) -> [String] {
        ["h1", "h2"].filter { node in
            ((try? lab.run(["exec", node, "ip", "-o", "addr", "show", "dev", "eth0"]).output) ?? "").contains(" \(address)/")
        }
    }

    /// Waits until `node` alone holds both addresses.
    static func waitForGroup(on node: String, _ lab: VRRPLabTests.Lab, seconds: Double = 12) {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if addresses.allSatisfy({ holders(lab, $0) == [node] }) { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("the group's addresses never all reached \(node) alone: \(addresses.map { "\($0) on \(holders(lab, $0))" })\n\(lab.logs())")
    }

    static func start(_ daemon: String, on node: String, _ lab: VRRPLabTests.Lab) throws {
        let conf = "\(lab.directory)/\(node)/sync.conf"
        try FileManager.default.createDirectory(atPath: "\(lab.directory)/\(node)", withIntermediateDirectories: true)
        try configuration(node: node, lab: lab.directory).write(toFile: conf, atomically: true, encoding: .utf8)
        if daemon == "iam" {
            try lab.run(["start", "vrrp-\(node)", node, VRRPLabTests.iamBinary, "vrrp", "-f", conf])
        } else {
            let directory = "\(lab.directory)/\(node)"
            try lab.run(["start", "vrrp-\(node)", node, "keepalived", "-P", "-n", "-l", "-G", "-D", "-f", conf,
                         "-p", "\(directory)/keepalived.pid", "-r", "\(directory)/vrrp.pid", "-c", "\(directory)/checkers.pid"])
        }
    }

    @Test(arguments: [("iam", "keepalived"), ("keepalived", "iam"), ("iam", "iam")])
    func aFailingCheckOnOneMemberMovesTheWholeGroup(h1: String, h2: String) throws {
        if h1 == "keepalived" || h2 == "keepalived" {
            try #require(FileManager.default.isExecutableFile(atPath: "/usr/sbin/keepalived"), "keepalived is not installed (scripts/test.sh installs it)")
        }
        try #require(FileManager.default.isExecutableFile(atPath: VRRPLabTests.iamBinary), "no built iam binary at \(VRRPLabTests.iamBinary)")
        let lab = VRRPLabTests.Lab(id: "iamsg")
        try #require(try lab.run(["up"]).status == 0)
        defer { _ = try? lab.run(["down"]) }
        try lab.run(["svc-start", "all"])
        try Self.start(h1, on: "h1", lab)
        try Self.start(h2, on: "h2", lab)
        Self.waitForGroup(on: "h1", lab)
        // Only VI_2 tracks the service; its failure faults the group, so VI_1's address leaves h1 too.
        try lab.run(["svc-stop", "h1"])
        Self.waitForGroup(on: "h2", lab)
        // The service returns: h1's group leaves FAULT and, with preempt, takes both addresses back.
        try lab.run(["svc-start", "h1"])
        Self.waitForGroup(on: "h1", lab)
        let notifications = (try? String(contentsOfFile: "\(lab.directory)/notify.log", encoding: .utf8)) ?? ""
        // Group notify scripts get `GROUP name STATE 0`; our daemon's side is checked (keepalived's is its own).
        if h1 == "iam" {
            for line in ["h1 notify GROUP G FAULT 0", "h1 notify INSTANCE VI_1 FAULT 100", "h1 notify GROUP G MASTER 0"] {
                #expect(notifications.contains(line), "\(line) missing:\n\(notifications)")
            }
            let log = (try? String(contentsOfFile: "\(lab.directory)/logs/vrrp-h1.log", encoding: .utf8)) ?? ""
            #expect(log.contains("VI_1: sync group G is in FAULT (VI_2 is in FAULT); entering FAULT state"), "\(log)")
        }
        if h2 == "iam" {
            for line in ["h2 notify GROUP G MASTER 0", "h2 notify INSTANCE VI_2 MASTER 50", "h2 notify GROUP G BACKUP 0"] {
                #expect(notifications.contains(line), "\(line) missing:\n\(notifications)")
            }
        }
    }
}
