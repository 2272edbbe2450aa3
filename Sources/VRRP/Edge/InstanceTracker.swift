#if canImport(Glibc)
import Glibc
#endif

/// Runs an instance's track scripts (interval, timeout: TERM then KILL 2 s later) and watches its tracked
/// interfaces (the instance's own one included unless `dont_track_primary`), and tells the daemon when
/// the FAULT flag or the effective priority changes.
final class InstanceTracker {
    private struct Script {
        var definition: TrackScript
        var weight: Int
        var reverse: Bool
        var counter: TrackScriptCounter
        var nextRun: VRRPInstant
        var running: (pid: Int32, started: VRRPInstant, terminated: VRRPInstant?)?
    }

    private struct Interface {
        var name: String
        var weight: Int
        var reverse: Bool
        var isUp: Bool
    }

    private var scripts: [Script] = []
    private var interfaces: [Interface] = []
    private let basePriority: UInt8
    private(set) var verdict: TrackingVerdict

    var isEmpty: Bool { scripts.isEmpty && interfaces.isEmpty }

    /// `runuser` prefix for the script user (a script's own `user` overrides it).
    private let scriptPrefix: [String]

    init(_ instance: InstanceConfig, config: KeepalivedConfig, now: VRRPInstant, scriptPrefix: [String]) {
        self.scriptPrefix = scriptPrefix
        basePriority = instance.priority
        for tracked in instance.trackScripts {
            guard let definition = config.script(named: tracked.name) else { continue }
            scripts.append(Script(definition: definition, weight: tracked.weight ?? definition.weight, reverse: tracked.reverse,
                                  counter: TrackScriptCounter(rise: definition.rise, fall: definition.fall, initFail: definition.initFail),
                                  nextRun: now))
        }
        var tracked = instance.trackInterfaces.map { Interface(name: $0.name, weight: $0.weight ?? 0, reverse: $0.reverse, isUp: true) }
        if !instance.dontTrackPrimary { tracked.append(Interface(name: instance.interface, weight: 0, reverse: false, isUp: true)) }
        interfaces = tracked.map { interface in
            var copy = interface
            copy.isUp = InstanceTracker.isUp(interface.name)
            return copy
        }
        verdict = TrackingVerdict(basePriority: basePriority, inputs: [])
        verdict = compute()
    }

    /// With link events from the kernel, interfaces are re-read on each event and, as a safety net, every second;
    /// without them, every 100 ms.
    var linkEvents = false
    private var nextInterfaceCheck = VRRPInstant(nanoseconds: 0)
    private var interfaceCheckInterval: Duration { linkEvents ? .seconds(1) : .milliseconds(100) }

    /// When the tracker next needs the loop to wake up.
    func nextDeadline(now: VRRPInstant) -> VRRPInstant? {
        var deadlines = scripts.map { $0.running == nil ? $0.nextRun : now + .milliseconds(50) }
        if !interfaces.isEmpty { deadlines.append(max(now, nextInterfaceCheck)) }
        return deadlines.min()
    }

    /// Starts due scripts, enforces timeouts, reads interface states. Returns the new verdict when it changed.
    func poll(now: VRRPInstant, log: (String) -> Void) -> TrackingVerdict? {
        for index in scripts.indices {
            if let running = scripts[index].running {
                let limit = scripts[index].definition.timeout > 0 ? scripts[index].definition.timeout : scripts[index].definition.interval
                if running.terminated == nil, now >= running.started + .milliseconds(Int64(limit * 1000)) {
                    kill(running.pid, SIGTERM)
                    scripts[index].running?.terminated = now
                    log("track script \(scripts[index].definition.name) timed out after \(limit)s")
                } else if let terminated = running.terminated, now >= terminated + .seconds(2) {
                    kill(running.pid, SIGKILL)
                }
            } else if now >= scripts[index].nextRun {
                scripts[index].nextRun = now + .milliseconds(Int64(scripts[index].definition.interval * 1000))
                let prefix = scripts[index].definition.user.map { ScriptUser(name: String($0.split(separator: " ")[0])).commandPrefix } ?? scriptPrefix
                if let pid = ScriptRunner.launch(scripts[index].definition.script, as: prefix, log: log) {
                    scripts[index].running = (pid, now, nil)
                } else {
                    _ = scripts[index].counter.record(success: false)
                }
            }
        }
        if now >= nextInterfaceCheck { readInterfaces(now: now, log: log) }
        return update()
    }

    /// A link event: re-reads the tracked interfaces now. Returns the new verdict when it changed.
    func linkChanged(now: VRRPInstant, log: (String) -> Void) -> TrackingVerdict? {
        guard !interfaces.isEmpty else { return nil }
        readInterfaces(now: now, log: log)
        return update()
    }

    private func readInterfaces(now: VRRPInstant, log: (String) -> Void) {
        nextInterfaceCheck = now + interfaceCheckInterval
        for index in interfaces.indices {
            let up = InstanceTracker.isUp(interfaces[index].name)
            if up != interfaces[index].isUp {
                interfaces[index].isUp = up
                log("tracked interface \(interfaces[index].name) is \(up ? "up" : "down")")
            }
        }
    }

    /// Feeds finished children; returns the new verdict when it changed.
    func finished(pid: Int32, success: Bool, log: (String) -> Void) -> TrackingVerdict? {
        guard let index = scripts.firstIndex(where: { $0.running?.pid == pid }) else { return nil }
        let timedOut = scripts[index].running?.terminated != nil
        scripts[index].running = nil
        if scripts[index].counter.record(success: success && !timedOut) {
            log("track script \(scripts[index].definition.name) is now \(scripts[index].counter.status == .ok ? "OK" : "KO")")
        }
        return update()
    }

    private func update() -> TrackingVerdict? {
        let next = compute()
        guard next != verdict else { return nil }
        verdict = next
        return next
    }

    private func compute() -> TrackingVerdict {
        let inputs = scripts.map { script in
            TrackingVerdict.Input(isUp: script.counter.status == .pending ? nil : script.counter.status == .ok,
                                  weight: script.weight, reverse: script.reverse)
        } + interfaces.map { TrackingVerdict.Input(isUp: $0.isUp, weight: $0.weight, reverse: $0.reverse) }
        return TrackingVerdict(basePriority: basePriority, inputs: inputs)
    }

    static func isUp(_ name: String) -> Bool {
        (try? NetworkInterface(name: name))?.isUp ?? false
    }
}
