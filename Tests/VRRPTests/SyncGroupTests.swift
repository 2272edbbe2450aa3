import Testing
@testable import VRRP

/// `vrrp_sync_group` on an injected clock: members only go MASTER together, one FAULT faults them all,
/// and one member going BACKUP pulls the others along.
@Suite struct SyncGroupTests {
    static let local = VRRPAddress("192.0.2.20")!
    static let peer = VRRPAddress("192.0.2.21")!

    struct Pair {
        var group = VRRPSyncGroup(name: "G")
        var members: [VRRPStateMachine]
        var memberActions: [[VRRPAction]] = []
        var groupActions: [VRRPSyncGroup.Action] = []

        init(configuredAsMaster: Bool = false) {
            members = ["VI_1", "VI_2"].map { name in
                var configuration = VRRPStateMachine.Configuration(name: name, version: .v2, priority: 100,
                                                                   intervalCentiseconds: 100, primaryAddress: SyncGroupTests.local)
                configuration.inSyncGroup = true
                configuration.configuredAsMaster = configuredAsMaster
                return VRRPStateMachine(configuration)
            }
        }

        /// Delivers an event to one member, then lets the group react; returns the member's own actions.
        @discardableResult
        mutating func handle(_ event: VRRPStateMachine.Event, member: Int, at seconds: Double) -> [VRRPAction] {
            let own = members[member].handle(event, at: .seconds(seconds))
            reconcile(at: seconds)
            return own
        }

        @discardableResult
        mutating func deadline(member: Int, at seconds: Double) -> [VRRPAction] {
            let own = members[member].handleDeadline(at: .seconds(seconds))
            reconcile(at: seconds)
            return own
        }

        mutating func start(at seconds: Double = 0) {
            for index in members.indices { _ = members[index].handle(.startup, at: .seconds(seconds)) }
            reconcile(at: seconds)
        }

        mutating func reconcile(at seconds: Double) {
            let outcome = group.reconcile(&members, at: .seconds(seconds))
            memberActions = outcome.members.map { $0.filter { if case .log = $0 { false } else { true } } }
            groupActions = outcome.group.filter { if case .log = $0 { false } else { true } }
        }

        var states: [VRRPState] { members.map(\.state) }

        /// Both members' master-down timers run out (no master on either VRID).
        mutating func bothBecomeMaster() {
            start()
            deadline(member: 0, at: 3.61)
            deadline(member: 1, at: 3.61)
        }
    }

    @Test func startupPutsTheGroupInBackup() {
        var pair = Pair()
        pair.start()
        #expect(pair.states == [.backup, .backup])
        #expect(pair.group.state == .backup)
        #expect(pair.groupActions == [.notify(.backup)])
    }

    @Test func aMemberOnlyGoesMasterWhenEveryMemberWantsMaster() {
        var pair = Pair()
        pair.start()
        // VI_2's peer master is alive; VI_1 hears nobody.
        pair.handle(.advertisement(priority: 200, source: Self.peer, intervalCentiseconds: 100), member: 1, at: 3)
        pair.deadline(member: 0, at: 3.61)
        #expect(pair.states == [.backup, .backup])
        #expect(pair.members[0].wantsMaster && !pair.members[1].wantsMaster)
        #expect(pair.memberActions.allSatisfy { $0.isEmpty } && pair.groupActions.isEmpty)
        // VI_1 keeps waiting, re-checking every advert interval without repeating itself.
        #expect(pair.members[0].nextDeadline == .seconds(4.61))
        #expect(pair.deadline(member: 0, at: 4.61).isEmpty)
        // VI_2's master leaves with priority 0: after the skew VI_2 wants MASTER too, and both go.
        pair.handle(.advertisement(priority: 0, source: Self.peer, intervalCentiseconds: 100), member: 1, at: 5)
        let own = pair.deadline(member: 1, at: 5.61)
        #expect(pair.states == [.master, .master])
        #expect(own.contains(.log("VI_2: master-down timer expired; MASTER as soon as every member of its sync group wants it")))
        for actions in pair.memberActions {
            #expect(actions == [.sendAdvertisement(priority: 100), .addVirtualAddresses, .sendGratuitousARP(count: 5), .notify(.master)])
        }
        #expect(pair.group.state == .master)
        #expect(pair.groupActions == [.notify(.master)])
    }

    @Test func aHigherPriorityAdvertOnOneMemberPullsTheOthersToBackup() {
        var pair = Pair()
        pair.bothBecomeMaster()
        #expect(pair.states == [.master, .master])
        let own = pair.handle(.advertisement(priority: 150, source: Self.peer, intervalCentiseconds: 100), member: 0, at: 10)
        #expect(own.contains(.notify(.backup)))
        #expect(pair.states == [.backup, .backup])
        #expect(pair.memberActions[0].isEmpty)
        // The pulled member announces priority 0 so the peer takes its address after the skew time.
        #expect(pair.memberActions[1] == [.sendAdvertisement(priority: 0), .removeVirtualAddresses, .notify(.backup)])
        #expect(pair.groupActions == [.notify(.backup)])
        #expect(pair.members[1].nextDeadline == VRRPInstant.seconds(10) + pair.members[1].masterDownInterval)
    }

    @Test func oneMemberInFaultFaultsTheGroupUntilNoMemberIs() {
        var pair = Pair()
        pair.bothBecomeMaster()
        pair.handle(.fault(true), member: 1, at: 10)
        #expect(pair.states == [.fault, .fault])
        #expect(pair.memberActions[0] == [.sendAdvertisement(priority: 0), .removeVirtualAddresses, .notify(.fault)])
        #expect(pair.groupActions == [.notify(.fault)])
        #expect(pair.members[0].heldInFaultByGroup)
        // VI_1's own tracking fails too, then VI_2 recovers: VI_1 still holds the group in FAULT.
        pair.handle(.fault(true), member: 0, at: 11)
        #expect(pair.memberActions.allSatisfy { $0.isEmpty })
        let recovered = pair.handle(.fault(false), member: 1, at: 12)
        #expect(recovered.contains(.notify(.backup)))
        #expect(pair.states == [.fault, .fault])
        #expect(pair.memberActions[1] == [.notify(.fault)])
        #expect(pair.group.state == .fault && pair.groupActions.isEmpty)
        // VI_1 recovers: the whole group returns to BACKUP and waits a master-down interval.
        pair.handle(.fault(false), member: 0, at: 13)
        #expect(pair.states == [.backup, .backup])
        #expect(pair.memberActions[1] == [.notify(.backup)])
        #expect(pair.groupActions == [.notify(.backup)])
        #expect(pair.members.allSatisfy { $0.nextDeadline == VRRPInstant.seconds(13) + $0.masterDownInterval })
        pair.deadline(member: 0, at: 16.7)
        pair.deadline(member: 1, at: 16.7)
        #expect(pair.states == [.master, .master] && pair.groupActions == [.notify(.master)])
    }

    @Test func stateMasterInAGroupWaitsOneAdvertIntervalAtStartup() {
        var pair = Pair(configuredAsMaster: true)
        pair.start()
        #expect(pair.members.allSatisfy { $0.nextDeadline == .seconds(1) })
        pair.deadline(member: 0, at: 1)
        pair.deadline(member: 1, at: 1)
        #expect(pair.states == [.master, .master])
        // Without a group, `state MASTER` still waits the full interval (keepalived 2.2.7).
        var alone = VRRPStateMachine(.init(name: "VI_9", version: .v2, priority: 100, intervalCentiseconds: 100, primaryAddress: Self.local))
        _ = alone.handle(.startup, at: .seconds(0))
        #expect(alone.nextDeadline == VRRPInstant.seconds(0) + alone.masterDownInterval)
    }

    @Test func stoppingTheGroupNotifiesOnceAndEndsReconciling() {
        var pair = Pair()
        pair.bothBecomeMaster()
        for index in pair.members.indices { _ = pair.members[index].handle(.shutdown, at: .seconds(20)) }
        pair.reconcile(at: 20)
        #expect(pair.memberActions.allSatisfy { $0.isEmpty } && pair.groupActions.isEmpty)
        let stop = pair.group.stop()
        #expect(stop.contains(.notify(.stop)))
        #expect(pair.group.stop().isEmpty)
    }
}
