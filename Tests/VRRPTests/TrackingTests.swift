import Testing
@testable import VRRP

@Suite struct TrackingTests {
    @Test func firstResultDecidesThenRiseAndFallCount() {
        var counter = TrackScriptCounter(rise: 2, fall: 3)
        #expect(counter.status == .pending)
        var changes: [Bool] = []
        for success in [true, false, false, false, true, true] { changes.append(counter.record(success: success)) }
        // OK at once; the third failure in a row makes it KO; the second success in a row makes it OK.
        #expect(changes == [true, false, false, true, false, true])
        #expect(counter.status == .ok)
        var failing = TrackScriptCounter(rise: 1, fall: 3)
        let changed = failing.record(success: false)
        #expect(changed)
        #expect(failing.status == .failed, "a first failure makes it KO at once")
    }

    @Test func interruptedRunsStartCountingAgain() {
        var counter = TrackScriptCounter(rise: 1, fall: 2)
        _ = counter.record(success: true)
        _ = counter.record(success: false)
        _ = counter.record(success: true)
        _ = counter.record(success: false)
        #expect(counter.status == .ok, "failures must be consecutive")
    }

    @Test func initFailStartsKO() {
        let counter = TrackScriptCounter(rise: 1, fall: 1, initFail: true)
        #expect(counter.status == .failed)
    }

    @Test func weightsFollowKeepalived() {
        typealias Input = TrackingVerdict.Input
        #expect(TrackingVerdict(basePriority: 100, inputs: [Input(isUp: false, weight: 0)]) == TrackingVerdict(fault: true, priority: 100))
        #expect(TrackingVerdict(basePriority: 100, inputs: [Input(isUp: nil, weight: 0)]).fault, "pending unweighted check: FAULT")
        #expect(TrackingVerdict(basePriority: 100, inputs: [Input(isUp: false, weight: -20)]).priority == 80)
        #expect(TrackingVerdict(basePriority: 100, inputs: [Input(isUp: true, weight: -20)]).priority == 100)
        #expect(TrackingVerdict(basePriority: 100, inputs: [Input(isUp: true, weight: 20)]).priority == 120)
        #expect(TrackingVerdict(basePriority: 100, inputs: [Input(isUp: true, weight: 20, reverse: true)]).priority == 100)
        #expect(TrackingVerdict(basePriority: 100, inputs: [Input(isUp: false, weight: 20, reverse: true)]).priority == 80)
        #expect(TrackingVerdict(basePriority: 250, inputs: [Input(isUp: true, weight: 50)]).priority == 254)
        #expect(TrackingVerdict(basePriority: 10, inputs: [Input(isUp: false, weight: -50)]).priority == 1)
        #expect(TrackingVerdict(basePriority: 255, inputs: [Input(isUp: false, weight: -50)]).priority == 255)
    }
}

extension TrackingVerdict {
    init(fault: Bool, priority: UInt8) {
        self.init(basePriority: priority, inputs: [])
        self.fault = fault
    }
}
