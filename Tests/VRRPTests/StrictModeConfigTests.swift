import Testing
@testable import VRRP

/// `vrrp_strict`: keepalived's RFC mode, with its resets reported.
@Suite struct StrictModeConfigTests {
    private func parse(_ instance: String) throws(KeepalivedConfigError) -> KeepalivedConfig {
        try KeepalivedConfigLoader.parse("global_defs {\n    vrrp_strict\n}\nvrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n\(instance)}\n",
                                         name: "test.conf")
    }

    @Test func resetsAreWarnings() throws {
        let config = try parse("""
                preempt_delay 5
                authentication {
                    auth_type PASS
                    auth_pass secret
                }
                virtual_ipaddress {
                    10.0.0.1/24
                }

            """)
        let instance = try #require(config.instances.first)
        #expect(instance.authentication == .none)
        #expect(instance.preemptDelay == 0)
        let master = try parse("    state MASTER\n    priority 100\n    virtual_ipaddress {\n        10.0.0.1/24\n    }\n")
        #expect(master.instances.first?.initialState == .backup)
        let messages = (config.warnings + master.warnings).map(\.description)
        for fragment in ["authentication is not allowed in strict mode", "preempt_delay is incompatible with strict mode",
                         "state MASTER needs priority 255", "no firewall rules are installed"] {
            #expect(messages.contains { $0.contains(fragment) }, "\(fragment) missing: \(messages)")
        }
        #expect(config.warnings.contains { $0.location == ConfigLocation(file: "test.conf", line: 2) && $0.message.contains("no_accept") })
    }

    @Test func unicastAndMissingAddressesAreErrors() {
        let cases = [
            ("    unicast_peer {\n        10.0.0.2\n    }\n    virtual_ipaddress {\n        10.0.0.1/24\n    }\n", "unicast_peer, which vrrp_strict does not allow"),
            ("", "no virtual_ipaddress, which vrrp_strict requires"),
        ]
        for (text, fragment) in cases {
            do {
                _ = try parse(text)
                Issue.record("expected an error for \(text)")
            } catch {
                #expect(error.location == ConfigLocation(file: "test.conf", line: 4), "\(error)")
                #expect(error.description.contains(fragment), "\(error)")
                #expect(error.hint?.contains("vrrp_strict") == true)
            }
        }
    }
}
