import Balancer
import Testing

@Suite struct ServerChooserTests {
    func servers(_ weights: [Int], backup: Set<Int> = [], down: Set<Int> = []) -> [ServerCandidate] {
        weights.enumerated().map { index, weight in
            ServerCandidate(index: index, weight: weight, isBackup: backup.contains(index), isAvailable: !down.contains(index), hashIdentity: UInt64(index) &* 7919 &+ 17)
        }
    }

    @Test func smoothWeightedRoundRobinSpreadsLikeNginx() {
        var chooser = ServerChooser(algorithm: .roundRobin, serverCount: 3)
        let picks = (0..<7).map { _ in chooser.choose(from: servers([5, 1, 1]))! }
        // nginx's documented sequence for weights 5, 1, 1: a a b a c a a.
        #expect(picks == [0, 0, 1, 0, 2, 0, 0])
    }

    @Test func roundRobinSkipsDownServersAndUsesBackupsLast() {
        var chooser = ServerChooser(algorithm: .roundRobin, serverCount: 3)
        let picks = (0..<4).map { _ in chooser.choose(from: servers([1, 1, 1], backup: [2], down: [0]))! }
        #expect(picks == [1, 1, 1, 1])
        #expect(chooser.choose(from: servers([1, 1, 1], backup: [2], down: [0, 1])) == 2)
        #expect(chooser.choose(from: servers([1, 1], down: [0, 1])) == nil)
    }

    @Test func staticRoundRobinServesWeightInARow() {
        var chooser = ServerChooser(algorithm: .staticRoundRobin, serverCount: 2)
        let picks = (0..<6).map { _ in chooser.choose(from: servers([2, 1]))! }
        #expect(picks == [0, 0, 1, 0, 0, 1])
    }

    @Test func leastConnectionsPrefersTheIdleServer() {
        var chooser = ServerChooser(algorithm: .leastConnections, serverCount: 3)
        var pool = servers([1, 1, 1])
        pool[0].activeConnections = 3
        pool[1].activeConnections = 1
        pool[2].activeConnections = 2
        #expect(chooser.choose(from: pool) == 1)
        pool[1].activeConnections = 5
        #expect(chooser.choose(from: pool) == 2)
    }

    @Test func firstFillsServersInOrder() {
        var chooser = ServerChooser(algorithm: .first, serverCount: 2)
        var pool = servers([1, 1])
        pool[0].maxConnections = 2
        #expect(chooser.choose(from: pool) == 0)
        pool[0].activeConnections = 2
        #expect(chooser.choose(from: pool) == 1)
    }

    @Test func randomUsesEveryServer() {
        var chooser = ServerChooser(algorithm: .random, serverCount: 3)
        let picks = Set((0..<200).map { _ in chooser.choose(from: servers([1, 1, 1]))! })
        #expect(picks == [0, 1, 2])
    }

    @Test func hashKeepsKeysWhenAnUnrelatedServerGoesDown() {
        var chooser = ServerChooser(algorithm: .hash, serverCount: 4)
        let all = servers([1, 1, 1, 1])
        let keys = (0..<2000).map { RendezvousHash.key("client-\($0)".utf8) }
        let before = keys.map { chooser.choose(from: all, hashKey: $0)! }
        // Every server gets a fair share.
        for index in 0..<4 { #expect(before.filter { $0 == index }.count > 350) }
        let withoutTwo = servers([1, 1, 1, 1], down: [2])
        let after = keys.map { chooser.choose(from: withoutTwo, hashKey: $0)! }
        for (old, new) in zip(before, after) where old != 2 {
            #expect(old == new)
        }
        #expect(!after.contains(2))
        // The same key always lands on the same server.
        #expect(keys.map { chooser.choose(from: all, hashKey: $0)! } == before)
    }

    @Test func hashWithoutAKeyFallsBackToRoundRobin() {
        var chooser = ServerChooser(algorithm: .hash, serverCount: 2)
        let picks = (0..<4).map { _ in chooser.choose(from: servers([1, 1]), hashKey: nil)! }
        #expect(picks == [0, 1, 0, 1])
    }
}

@Suite struct HealthStateTests {
    @Test func fallThenRiseWithHAProxyIntervals() {
        var state = HealthCheckState(rise: 2, fall: 3, interval: .seconds(2), fastInterval: .milliseconds(500), downInterval: .seconds(10))
        #expect(state.status == .up && state.nextInterval == .seconds(2))
        #expect(state.record(success: false) == nil)
        #expect(state.nextInterval == .milliseconds(500))
        #expect(state.record(success: false) == nil)
        #expect(state.record(success: false) == .wentDown)
        #expect(state.nextInterval == .seconds(10))
        #expect(state.record(success: true) == nil)
        #expect(state.nextInterval == .milliseconds(500))
        #expect(state.record(success: false) == nil)
        #expect(state.record(success: true) == nil)
        #expect(state.record(success: true) == .wentUp)
        #expect(state.status == .up && state.nextInterval == .seconds(2))
    }

    @Test func successResetsFailures() {
        var state = HealthCheckState(rise: 1, fall: 2, interval: .seconds(1), fastInterval: nil, downInterval: nil)
        _ = state.record(success: false)
        _ = state.record(success: true)
        #expect(state.record(success: false) == nil)
        #expect(state.record(success: false) == .wentDown)
    }

    @Test func passiveWindowMakesAServerUnavailableForFailTimeout() {
        var window = PassiveFailureWindow(maxFails: 2, failTimeout: .seconds(10))
        let second: Int64 = 1_000_000_000
        let first = window.recordFailure(now: 0)
        // The first failure has aged out of the window: counting starts again.
        let second1 = window.recordFailure(now: 11 * second)
        let third = window.recordFailure(now: 12 * second)
        #expect(!first && !second1 && third)
        #expect(!window.isAvailable(now: 13 * second))
        #expect(window.isAvailable(now: 22 * second))
        var off = PassiveFailureWindow(maxFails: 0, failTimeout: .seconds(10))
        let tripped = off.recordFailure(now: 0)
        #expect(!tripped)
    }
}
