import Testing
@testable import VRRP

/// Every transition of RFC 5798 §6.4 and keepalived's extensions, on an injected clock.
@Suite struct StateMachineTests {
    static let local = VRRPAddress("192.0.2.20")!
    static let peer = VRRPAddress("192.0.2.21")!
    static let lowPeer = VRRPAddress("192.0.2.10")!

    private func machine(priority: UInt8 = 100, version: VRRPAdvertisement.Version = .v2, interval: UInt16 = 100,
                         configure: (inout VRRPStateMachine.Configuration) -> Void = { _ in }) -> VRRPStateMachine {
        var configuration = VRRPStateMachine.Configuration(name: "VI_1", version: version, priority: priority,
                                                           intervalCentiseconds: interval, primaryAddress: Self.local)
        configure(&configuration)
        return VRRPStateMachine(configuration)
    }

    private func at(_ seconds: Double) -> VRRPInstant { .seconds(seconds) }

    private func nonLog(_ actions: [VRRPAction]) -> [VRRPAction] {
        actions.filter { if case .log = $0 { false } else { true } }
    }

    @Test func timersMatchTheReferenceTable() {
        #expect(VRRPTimers.skew(priority: 100, intervalCentiseconds: 100, version: .v2) == .nanoseconds(609_375_000))
        #expect(VRRPTimers.masterDown(priority: 50, intervalCentiseconds: 100, version: .v2) == .nanoseconds(3_804_687_500))
        #expect(VRRPTimers.masterDown(priority: 101, intervalCentiseconds: 100, version: .v3) == .nanoseconds(3_605_468_750))
        // v2 skew is not scaled by the interval; v3 skew is.
        #expect(VRRPTimers.skew(priority: 50, intervalCentiseconds: 300, version: .v2) == .nanoseconds(804_687_500))
        #expect(VRRPTimers.skew(priority: 50, intervalCentiseconds: 10, version: .v3) == .nanoseconds(80_468_750))
    }

    @Test func startupEntersBackupAndWaitsAFullMasterDownInterval() {
        var vrrp = machine(priority: 100)
        let actions = vrrp.handle(.startup, at: at(0))
        #expect(vrrp.state == .backup)
        #expect(nonLog(actions) == [.removeVirtualAddresses, .notify(.backup)])
        #expect(vrrp.nextDeadline == at(0) + .nanoseconds(3_609_375_000))
        // Nothing happens before the deadline; at it, the backup becomes master.
        let takeover = vrrp.handleDeadline(at: vrrp.nextDeadline!)
        #expect(vrrp.state == .master)
        #expect(nonLog(takeover) == [.sendAdvertisement(priority: 100), .addVirtualAddresses, .sendGratuitousARP(count: 5), .notify(.master)])
    }

    @Test func ownerBecomesMasterAtOnce() {
        var vrrp = machine(priority: 255)
        let actions = vrrp.handle(.startup, at: at(0))
        #expect(vrrp.state == .master)
        #expect(nonLog(actions).contains(.sendAdvertisement(priority: 255)))
        #expect(vrrp.handle(.priorityChanged(10), at: at(1)).isEmpty)
        #expect(vrrp.effectivePriority == 255)
    }

    @Test func masterAdvertisesEveryIntervalAndRefreshesARP() {
        var vrrp = machine(priority: 255) { $0.garp.masterDelay = 1; $0.garp.masterRefresh = 5 }
        _ = vrrp.handle(.startup, at: at(0))
        #expect(nonLog(vrrp.handleDeadline(at: at(1))) == [.sendAdvertisement(priority: 255), .sendGratuitousARP(count: 5)])
        #expect(nonLog(vrrp.handleDeadline(at: at(2))) == [.sendAdvertisement(priority: 255)])
        for second in 3...5 { _ = vrrp.handleDeadline(at: at(Double(second))) }
        #expect(nonLog(vrrp.handleDeadline(at: at(6))) == [.sendAdvertisement(priority: 255), .sendGratuitousARP(count: 1)])
    }

    @Test func backupResetsOnEqualOrHigherAndPreemptsALowerMaster() {
        var vrrp = machine(priority: 100)
        _ = vrrp.handle(.startup, at: at(0))
        _ = vrrp.handle(.advertisement(priority: 150, source: Self.peer, intervalCentiseconds: 100), at: at(2))
        #expect(vrrp.nextDeadline == at(2) + vrrp.masterDownInterval)
        _ = vrrp.handle(.advertisement(priority: 100, source: Self.peer, intervalCentiseconds: 100), at: at(3))
        #expect(vrrp.nextDeadline == at(3) + vrrp.masterDownInterval)
        // A lower-priority master is discarded: the timer keeps running and we take over.
        let deadline = vrrp.nextDeadline
        _ = vrrp.handle(.advertisement(priority: 50, source: Self.peer, intervalCentiseconds: 100), at: at(4))
        #expect(vrrp.nextDeadline == deadline)
        _ = vrrp.handleDeadline(at: deadline!)
        #expect(vrrp.state == .master)
    }

    @Test func nopreemptKeepsALowerMaster() {
        var vrrp = machine(priority: 100) { $0.preempt = false }
        _ = vrrp.handle(.startup, at: at(0))
        _ = vrrp.handle(.advertisement(priority: 50, source: Self.peer, intervalCentiseconds: 100), at: at(3))
        #expect(vrrp.nextDeadline == at(3) + vrrp.masterDownInterval)
        #expect(vrrp.state == .backup)
    }

    @Test func preemptDelayAcceptsALowerMasterForAWhile() {
        var vrrp = machine(priority: 100) { $0.preemptDelay = .seconds(2) }
        _ = vrrp.handle(.startup, at: at(0))
        _ = vrrp.handle(.advertisement(priority: 50, source: Self.peer, intervalCentiseconds: 100), at: at(1))
        _ = vrrp.handle(.advertisement(priority: 50, source: Self.peer, intervalCentiseconds: 100), at: at(2.5))
        #expect(vrrp.nextDeadline == at(2.5) + vrrp.masterDownInterval)
        _ = vrrp.handle(.advertisement(priority: 50, source: Self.peer, intervalCentiseconds: 100), at: at(3.5))
        #expect(vrrp.nextDeadline == at(2.5) + vrrp.masterDownInterval, "after the delay, lower adverts are discarded")
    }

    @Test func priorityZeroMeansTakeOverAfterTheSkew() {
        var vrrp = machine(priority: 50)
        _ = vrrp.handle(.startup, at: at(0))
        _ = vrrp.handle(.advertisement(priority: 0, source: Self.peer, intervalCentiseconds: 100), at: at(10))
        #expect(vrrp.nextDeadline == at(10) + .nanoseconds(804_687_500))
        let takeover = vrrp.handleDeadline(at: vrrp.nextDeadline!)
        #expect(takeover.first == .log("VI_1: entering MASTER state (master 192.0.2.21 left with priority 0)"))
    }

    @Test func masterYieldsToHigherPriorityAndToEqualPriorityWithHigherAddress() {
        for (priority, source) in [(UInt8(150), Self.lowPeer), (UInt8(100), Self.peer)] {
            var vrrp = machine(priority: 255)
            _ = vrrp.handle(.startup, at: at(0))
            var lowered = machine(priority: 100)
            _ = lowered.handle(.startup, at: at(0))
            _ = lowered.handleDeadline(at: lowered.nextDeadline!)
            #expect(lowered.state == .master)
            let actions = lowered.handle(.advertisement(priority: priority, source: source, intervalCentiseconds: 100), at: at(5))
            #expect(lowered.state == .backup)
            #expect(nonLog(actions) == [.removeVirtualAddresses, .notify(.backup)])
            #expect(vrrp.state == .master)
        }
    }

    @Test func masterAnswersALowerPriorityAtOnceSoSplitBrainHeals() {
        var vrrp = machine(priority: 100)
        _ = vrrp.handle(.startup, at: at(0))
        _ = vrrp.handleDeadline(at: vrrp.nextDeadline!)
        let actions = vrrp.handle(.advertisement(priority: 50, source: Self.peer, intervalCentiseconds: 100), at: at(5))
        #expect(nonLog(actions) == [.sendAdvertisement(priority: 100), .sendGratuitousARP(count: 5)])
        #expect(vrrp.state == .master)
        // Equal priority and a lower address: we win, and say so.
        let tie = vrrp.handle(.advertisement(priority: 100, source: Self.lowPeer, intervalCentiseconds: 100), at: at(5.5))
        #expect(nonLog(tie).first == .sendAdvertisement(priority: 100))
        var strict = machine(priority: 100) { $0.lowerPriorityNoAdvert = true }
        _ = strict.handle(.startup, at: at(0))
        _ = strict.handleDeadline(at: strict.nextDeadline!)
        #expect(strict.handle(.advertisement(priority: 50, source: Self.peer, intervalCentiseconds: 100), at: at(5)).isEmpty)
    }

    @Test func masterAnswersPriorityZeroWithAnAdvert() {
        var vrrp = machine(priority: 255)
        _ = vrrp.handle(.startup, at: at(0))
        #expect(vrrp.handle(.advertisement(priority: 0, source: Self.peer, intervalCentiseconds: 100), at: at(0.3))
            == [.sendAdvertisement(priority: 255)])
        #expect(vrrp.timerDeadline == at(1.3))
    }

    @Test func faultFromMasterSendsPriorityZeroAndRecoversThroughBackup() {
        var vrrp = machine(priority: 255)
        _ = vrrp.handle(.startup, at: at(0))
        var plain = machine(priority: 100)
        _ = plain.handle(.startup, at: at(0))
        _ = plain.handleDeadline(at: plain.nextDeadline!)
        let fault = plain.handle(.fault(true), at: at(5))
        #expect(nonLog(fault) == [.sendAdvertisement(priority: 0), .removeVirtualAddresses, .notify(.fault)])
        #expect(plain.state == .fault && plain.nextDeadline == nil)
        #expect(plain.handle(.advertisement(priority: 50, source: Self.peer, intervalCentiseconds: 100), at: at(6)).isEmpty)
        let recovered = plain.handle(.fault(false), at: at(7))
        #expect(plain.state == .backup)
        #expect(nonLog(recovered) == [.notify(.backup)])
        #expect(plain.nextDeadline == at(7) + plain.masterDownInterval)
        _ = vrrp.handle(.fault(true), at: at(1))
        _ = vrrp.handle(.fault(false), at: at(2))
        #expect(vrrp.state == .master, "an owner goes straight back to MASTER")
    }

    @Test func faultBeforeStartupStartsInFault() {
        var vrrp = machine()
        _ = vrrp.handle(.fault(true), at: at(0))
        let actions = vrrp.handle(.startup, at: at(0))
        #expect(vrrp.state == .fault)
        #expect(nonLog(actions) == [.removeVirtualAddresses, .notify(.fault)])
    }

    @Test func shutdownOfAMasterAnnouncesPriorityZero() {
        var vrrp = machine(priority: 255)
        _ = vrrp.handle(.startup, at: at(0))
        #expect(nonLog(vrrp.handle(.shutdown, at: at(1))) == [.sendAdvertisement(priority: 0), .removeVirtualAddresses, .notify(.stop)])
        #expect(vrrp.state == .stop && vrrp.nextDeadline == nil)
        var backup = machine()
        _ = backup.handle(.startup, at: at(0))
        #expect(nonLog(backup.handle(.shutdown, at: at(1))) == [.notify(.stop)])
    }

    @Test func effectivePriorityClampsAndDrivesTheSkew() {
        var vrrp = machine(priority: 100)
        _ = vrrp.handle(.startup, at: at(0))
        _ = vrrp.handle(.priorityChanged(0), at: at(1))
        #expect(vrrp.effectivePriority == 1)
        _ = vrrp.handle(.priorityChanged(255), at: at(1))
        #expect(vrrp.effectivePriority == 254)
        #expect(vrrp.skew == .nanoseconds(7_812_500))
    }

    @Test func v3BackupLearnsTheMasterInterval() {
        var vrrp = machine(priority: 100, version: .v3, interval: 100)
        _ = vrrp.handle(.startup, at: at(0))
        _ = vrrp.handle(.advertisement(priority: 200, source: Self.peer, intervalCentiseconds: 10), at: at(1))
        #expect(vrrp.masterIntervalCentiseconds == 10)
        // 3 × 0.1 s + (256 − 100) × 0.1 / 256 s
        #expect(vrrp.nextDeadline == at(1) + .nanoseconds(300_000_000 + 60_937_500))
    }
}
