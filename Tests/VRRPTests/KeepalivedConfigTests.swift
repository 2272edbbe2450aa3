import Foundation
import IAMTestSupport
import Testing
@testable import VRRP

@Suite struct KeepalivedConfigTests {
    private func fixture(_ name: String) -> String { SharedFixtures.path("fixtures/reference-deployment/keepalived/\(name)") }

    private func parse(_ text: String) throws(KeepalivedConfigError) -> KeepalivedConfig {
        try KeepalivedConfigLoader.parse(text, name: "test.conf")
    }

    private func failure(_ text: String) -> KeepalivedConfigError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func productionNodeConfigurationReadsAsKeepalivedDoes() throws {
        let config = try KeepalivedConfigLoader.load(path: fixture("node-10.0.4.20.keepalived.conf"))
        #expect(config.global.routerID == "VM-4-20-centos")
        #expect(config.global.skipCheckAdvertisedAddresses)
        #expect(config.global.garpInterval == 0)
        #expect(config.unused.count == 4)  // the mail settings
        let script = try #require(config.script(named: "checkhaproxy"))
        #expect(script.script == "/etc/keepalived/check_nginx.sh")
        #expect(script.interval == 5 && script.weight == 0)
        let instance = try #require(config.instances.first)
        #expect(instance.name == "VI_1")
        #expect(instance.initialState == .backup && instance.nopreempt)
        #expect(instance.virtualRouterID == 51 && instance.priority == 100 && instance.advertInterval == 1)
        #expect(instance.authentication == .password("1111"))
        #expect(instance.unicastSource == VRRPAddress("10.0.4.20"))
        #expect(instance.unicastPeers == [VRRPAddress("10.0.4.21")!])
        #expect(instance.virtualAddresses.map(\.address) == [VRRPAddress("10.0.4.99")!])
        #expect(instance.virtualAddresses.first?.prefixLength == 32)
        #expect(instance.notifyMaster == "/etc/keepalived/keepalived_notify.sh MASTER")
        #expect(instance.notifyStop == "/etc/keepalived/keepalived_notify.sh STOP")
        #expect(instance.garp?.masterDelay == 1 && instance.garp?.masterRefresh == 5)
        #expect(instance.garp?.masterRepeat == 5)  // unchanged default
        #expect(instance.trackScripts.map(\.name) == ["checkhaproxy"])
        #expect(instance.trackInterfaces.isEmpty)  // eth0 is its own interface: ignored with a warning
        #expect(config.warnings.contains { $0.message.contains("own interface") })
    }

    @Test func scriptsMayBeDefinedAfterUseAndWeightsAreKept() throws {
        let config = try KeepalivedConfigLoader.load(path: fixture("vip-nginx-check.conf"))
        #expect(config.script(named: "check_nginx")?.weight == -20)
        #expect(config.instances.first?.virtualAddresses.first?.prefixLength == 24)
        let dev = try KeepalivedConfigLoader.load(path: fixture("web-vip.conf"))
        #expect(dev.instances.first?.virtualAddresses.first?.device == "eth0")
    }

    @Test func keepalivedResetsBecomeWarnings() throws {
        let config = try KeepalivedConfigLoader.load(path: fixture("keepalived-haproxy-pair.conf"))
        let instance = try #require(config.instances.first)
        #expect(!instance.nopreempt && instance.preemptDelay == 0)
        #expect(config.warnings.count == 2)
        let v3 = try parse("""
            vrrp_instance X {
              interface eth0
              virtual_router_id 9
              version 3
              advert_int 0.1
              authentication {
                auth_type PASS
                auth_pass 123456789
              }
              virtual_ipaddress { 10.0.0.1 }
            }
            """)
        #expect(v3.instances.first?.advertInterval == 0.1)
        #expect(v3.instances.first?.authentication == VRRPAdvertisement.Authentication.none)
        #expect(v3.warnings.contains { $0.message.contains("no authentication") })
        #expect(v3.warnings.contains { $0.message.contains("longer than 8 bytes") })
    }

    @Test func theInvalidFixtureFailsAtTheTopLevelTrackScript() {
        do {
            _ = try KeepalivedConfigLoader.load(path: SharedFixtures.path("fixtures/reference-deployment/invalid/keepalived-script-inside-track_script.conf"))
            Issue.record("expected an error")
        } catch {
            #expect(error.location.line == 16)
            #expect(error.hint?.contains("vrrp_script") == true)
        }
    }

    @Test(arguments: [
        ("vrrp_instance A {\n interface eth0\n virtual_router_id 1\n prority 100\n}", 4, "did you mean 'priority'"),
        ("vrrp_instance A {\n interface eth0\n virtual_router_id 300\n}", 3, "from 1 to 255"),
        ("vrrp_instance A {\n interface eth0\n}", 1, "virtual_router_id"),
        ("vrrp_instance A {\n interface eth0\n virtual_router_id 1\n", 1, "never closed"),
        ("}\n", 1, "closes no block"),
        ("vrrp_instance A {\n interface eth0\n virtual_router_id 1\n track_script {\n  nope\n }\n}", 5, "names no vrrp_script"),
        ("vrrp_instance A {\n interface eth0\n virtual_router_id 1\n track_script {\n  chk {\n   script x\n  }\n }\n}", 5, "cannot have a block"),
        ("vrrp_instance A {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n  10.0.0.1\n  2001:db8::1\n }\n}", 6, "mixes IPv4 and IPv6"),
        ("vrrp_instance A {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n  10.0.0.300/24\n }\n}", 5, "not an IP address"),
        ("vrrp_instance A {\n interface eth0\n virtual_router_id 1\n authentication {\n  auth_type AH\n  auth_pass x\n }\n}", 4, "not supported"),
        ("vrrp_script s {\n interval 2\n}", 1, "no 'script' line"),
        ("global_defs {\n vrrp_versoin 3\n}", 2, "did you mean 'vrrp_version'"),
        ("vrrp_instance A {\n state LEADER\n}", 2, "MASTER or BACKUP"),
        ("virtual_sever x {\n}", 1, "unknown top-level keyword"),
        ("vrrp_script s {\n script \"unterminated\n}", 2, "unterminated"),
        ("vrrp_sync_group G {\n group {\n  missing\n }\n}", 1, "names no vrrp_instance"),
    ])
    func errorsNameTheLine(text: String, line: Int, fragment: String) {
        guard let error = failure(text) else {
            Issue.record("expected an error for:\n\(text)")
            return
        }
        #expect(error.location == ConfigLocation(file: "test.conf", line: line), "\(error)")
        #expect(error.description.contains(fragment), "\(error)")
    }

    @Test func oneStatementPerLineAsKeepalivedReadsIt() {
        let error = failure("vrrp_instance A {\n interface eth0 virtual_router_id 7\n}")
        #expect(error?.message.contains("takes one value") == true)
        #expect(error?.hint?.contains("quote") == true)
    }

    @Test func commentsBracesAndQuotes() throws {
        let config = try parse("""
            ! keepalived comment style
            vrrp_script chk # trailing comment
            {
              script "/usr/bin/check --flag" # the quoted command keeps its spaces
              weight -2 reverse
            }
            vrrp_instance A {
              interface eth0
              virtual_router_id 7
              priority 101
              unicast_peer { 10.0.0.2 }
              track_interface {
                eth1 weight -10
              }
              track_script { chk weight 5 }
              virtual_ipaddress { 10.0.0.9/24 dev eth0 label eth0:vip }
            }
            """)
        #expect(config.script(named: "chk")?.script == "/usr/bin/check --flag")
        #expect(config.script(named: "chk")?.weight == -2)
        let instance = try #require(config.instances.first)
        #expect(instance.priority == 101)
        #expect(instance.unicastPeers == [VRRPAddress("10.0.0.2")!])
        #expect(instance.trackInterfaces.first?.weight == -10)
        #expect(instance.trackScripts.first?.weight == 5)
        #expect(instance.virtualAddresses.first?.label == "eth0:vip")
    }

    @Test func includesExpandGlobsRelativeToTheIncludingFile() throws {
        let files = try TemporaryFiles()
        _ = try files.write("keepalived.conf", "global_defs {\n router_id lab\n}\ninclude conf.d/*.conf\n")
        try FileManager.default.createDirectory(atPath: files.path("conf.d"), withIntermediateDirectories: true)
        _ = try files.write("conf.d/a.conf", "vrrp_script chk {\n script /bin/true\n}\n")
        _ = try files.write("conf.d/b.conf", "vrrp_instance A {\n interface eth0\n virtual_router_id 3\n track_script {\n chk\n }\n}\n")
        let config = try KeepalivedConfigLoader.load(path: files.path("keepalived.conf"))
        #expect(config.instances.map(\.name) == ["A"])
        #expect(config.global.routerID == "lab")
        _ = try files.write("bad.conf", "include missing/*.conf\n")
        #expect(throws: KeepalivedConfigError.self) { try KeepalivedConfigLoader.load(path: files.path("bad.conf")) }
        _ = try files.write("loop.conf", "include loop.conf\n")
        #expect(throws: KeepalivedConfigError.self) { try KeepalivedConfigLoader.load(path: files.path("loop.conf")) }
        _ = try files.write("broken.conf", "include conf.d/c.conf\n")
        _ = try files.write("conf.d/c.conf", "vrrp_instance B {\n bogus_keyword 1\n}\n")
        do {
            _ = try KeepalivedConfigLoader.load(path: files.path("broken.conf"))
        } catch {
            #expect(error.location.file.hasSuffix("conf.d/c.conf") && error.location.line == 2)
        }
    }

    @Test func overridesForTheLab() throws {
        let config = try KeepalivedConfigLoader.load(path: fixture("node-10.0.4.21.keepalived.conf"))
            .overriding(interfaces: ["eth0": "veth-h2"],
                        addresses: [VRRPAddress("10.0.4.21")!: VRRPAddress("192.0.2.21")!, VRRPAddress("10.0.4.99")!: VRRPAddress("192.0.2.99")!])
        let instance = try #require(config.instances.first)
        #expect(instance.interface == "veth-h2")
        #expect(instance.unicastSource == VRRPAddress("192.0.2.21"))
        #expect(instance.unicastPeers == [VRRPAddress("10.0.4.20")!])  // not overridden
        #expect(instance.virtualAddresses.first?.address == VRRPAddress("192.0.2.99"))
    }
}
