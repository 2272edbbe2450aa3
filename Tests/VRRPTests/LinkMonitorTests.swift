#if canImport(Glibc)
import Glibc
#endif
import IAMTestSupport
import Testing
@testable import VRRP

/// rtnetlink link events reach the daemon: a link created and removed in this namespace is reported.
@Suite(.enabled(if: getuid() == 0, "creating links needs root"))
struct LinkMonitorTests {
    func waitForEvent(_ monitor: LinkMonitor) -> Bool {
        var descriptor = pollfd(fd: monitor.descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 3000) > 0 else { return false }
        return monitor.drain()
    }

    @Test func linkChangesAreReported() throws {
        let monitor = try LinkMonitor()
        // Other tests (the network-namespace labs) may create links at the same time, so only the presence of
        // events is checked, not their absence.
        _ = monitor.drain()
        let name = "iamlm\(getpid() % 100_000)"
        defer { _ = try? Spawn.run(["/usr/sbin/ip", "link", "del", name], environment: ["PATH": "/usr/sbin:/usr/bin:/bin"]) }
        let created = try Spawn.run(["/usr/sbin/ip", "link", "add", name, "type", "veth", "peer", "name", name + "p"],
                                    environment: ["PATH": "/usr/sbin:/usr/bin:/bin"])
        try #require(created.status == 0, "ip link add: \(created.output)")
        #expect(waitForEvent(monitor), "RTM_NEWLINK for \(name)")
        _ = try Spawn.run(["/usr/sbin/ip", "link", "set", name, "up"], environment: ["PATH": "/usr/sbin:/usr/bin:/bin"])
        #expect(waitForEvent(monitor), "link up")
    }
}
