import Testing
@testable import VRRP

/// `vrrp_sync_group`: keepalived's membership rules and its forcing of track weights.
@Suite struct SyncGroupConfigTests {
    private func parse(_ text: String) throws(KeepalivedConfigError) -> KeepalivedConfig {
        try KeepalivedConfigLoader.parse(text, name: "test.conf")
    }

    private static let instances = """
        vrrp_script chk_web {
            script "/bin/true"
            weight -20
        }
        vrrp_script chk_db {
            script "/bin/true"
        }
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            track_script {
                chk_web
            }
            track_interface {
                eth1 weight 10
            }
        }
        vrrp_instance VI_2 {
            interface eth1
            virtual_router_id 52
        }
        vrrp_instance VI_3 {
            interface eth1
            virtual_router_id 53
        }

        """

    @Test func membersGetWeightZeroGroupTrackingAndTheirGroupName() throws {
        let config = try parse(Self.instances + """
            vrrp_sync_group G {
                group {
                    VI_1
                    VI_2
                }
                track_script {
                    chk_db weight 30
                }
                notify "/bin/notify.sh"
            }
            """)
        let group = try #require(config.syncGroups.first)
        #expect(group.members == ["VI_1", "VI_2"])
        #expect(group.notify == "/bin/notify.sh")
        let first = try #require(config.instances.first { $0.name == "VI_1" })
        #expect(first.syncGroup == "G")
        #expect(first.trackScripts.map(\.name) == ["chk_web", "chk_db"])
        #expect(first.trackScripts.map(\.weight) == [0, 0])
        #expect(first.trackInterfaces.map(\.weight) == [0])
        let second = try #require(config.instances.first { $0.name == "VI_2" })
        #expect(second.trackScripts.map(\.name) == ["chk_db"] && second.trackScripts.map(\.weight) == [0])
        #expect(config.instances.first { $0.name == "VI_3" }?.syncGroup == nil)
        // The user is told that weights were dropped, and how to keep them.
        #expect(config.warnings.contains { $0.message.contains("weights of chk_web, eth1 are set to 0") && $0.message.contains("sync_group_tracking_weight") })
    }

    @Test func trackingWeightKeepsMemberWeights() throws {
        let config = try parse(Self.instances + """
            vrrp_sync_group G {
                group {
                    VI_1
                    VI_2
                }
                sync_group_tracking_weight
            }
            """)
        let first = try #require(config.instances.first { $0.name == "VI_1" })
        #expect(first.trackScripts.map(\.weight) == [nil])
        #expect(first.trackInterfaces.map(\.weight) == [10])
        #expect(config.syncGroups.first?.trackingWeight == true)
        #expect(!config.warnings.contains { $0.message.contains("sync") })
    }

    @Test func anInstanceStaysInItsFirstGroupAndSmallGroupsAreDropped() throws {
        let config = try parse(Self.instances + """
            vrrp_sync_group G1 {
                group {
                    VI_1
                    VI_2
                }
                sync_group_tracking_weight
            }
            vrrp_sync_group G2 {
                group {
                    VI_2
                    VI_3
                }
            }
            """)
        #expect(config.syncGroups.map(\.name) == ["G1"])
        #expect(config.instances.first { $0.name == "VI_3" }?.syncGroup == nil)
        #expect(config.warnings.contains { $0.message.contains("VI_2 is already in vrrp_sync_group G1; ignored in G2") })
        #expect(config.warnings.contains { $0.message.contains("G2 has 1 member(s)") })
    }

    @Test func unknownMembersAndScriptsAreErrorsWithTheLine() {
        let cases: [(String, Int, String)] = [
            ("vrrp_sync_group G {\n group {\n  VI_11\n }\n}", 1, "names no vrrp_instance 'VI_11'"),
            ("vrrp_sync_group G {\n group {\n  VI_1\n  VI_2\n }\n track_script {\n  chk_nope\n }\n}", 7, "names no vrrp_script"),
            ("vrrp_sync_group G {\n group {\n  VI_1\n }\n notifiy x\n}", 5, "unknown keyword 'notifiy'"),
        ]
        let base = Self.instances.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        for (text, line, fragment) in cases {
            do {
                _ = try parse(Self.instances + text)
                Issue.record("expected an error for \(text)")
            } catch {
                #expect(error.location.line == base + line, "\(error)")
                #expect(error.description.contains(fragment), "\(error)")
            }
        }
    }
}
