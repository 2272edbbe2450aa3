#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Prometheus

/// Runs every instance of a configuration: one raw socket each, one poll() loop, the state machines in
/// the middle. Blocks until SIGTERM/SIGINT, then stops every instance (priority 0 from masters,
/// addresses removed) and returns.
public final class VRRPDaemon: @unchecked Sendable {
    final class Instance {
        let config: InstanceConfig
        let interface: NetworkInterface
        let transport: VRRPTransport
        let source: VRRPAddress
        let destinations: [VRRPAddress]
        var machine: VRRPStateMachine
        var validator: AdvertisementValidator
        var statistics = VRRPStatistics()
        var tracker: InstanceTracker

        init(_ config: InstanceConfig, global: GlobalDefinitions, whole: KeepalivedConfig, now: VRRPInstant,
             scriptPrefix: [String]) throws {
            tracker = InstanceTracker(config, config: whole, now: now, scriptPrefix: scriptPrefix)
            self.config = config
            interface = try NetworkInterface(name: config.interface)
            let virtual = Set(config.virtualAddresses.map(\.address))
            let isIPv6 = config.virtualAddresses.first.map { !$0.address.isIPv4 } ?? config.unicastPeers.first.map { !$0.isIPv4 } ?? false
            // IPv6 adverts come from the link-local address (RFC 5798 §5.1.2.1) unless unicast_src_ip says otherwise.
            guard let source = config.unicastSource ?? (isIPv6 ? interface.linkLocalIPv6() : interface.primaryIPv4(excluding: virtual)) else {
                throw SystemCallError("no \(isIPv6 ? "IPv6 link-local" : "IPv4") address on \(config.interface) to send from", code: EADDRNOTAVAIL)
            }
            self.source = source
            let multicast = config.unicastPeers.isEmpty
            let group = isIPv6 ? global.multicastGroup6 : global.multicastGroup4
            destinations = multicast ? [group] : config.unicastPeers
            transport = try VRRPTransport(interface: interface, source: source, multicastGroup: multicast ? group : nil)
            let version = config.version ?? global.vrrpVersion
            let interval = UInt16(max(1, (config.advertInterval * 100).rounded()))
            var machineConfig = VRRPStateMachine.Configuration(name: config.name, version: version, priority: config.priority,
                                                               intervalCentiseconds: interval, primaryAddress: source)
            machineConfig.preempt = !config.nopreempt
            machineConfig.preemptDelay = .milliseconds(Int64(config.preemptDelay * 1000))
            machineConfig.garp = config.garp ?? global.garp
            machineConfig.lowerPriorityNoAdvert = global.lowerPriorityNoAdvert || global.strict
            machineConfig.higherPrioritySendAdvert = global.higherPrioritySendAdvert
            machineConfig.inSyncGroup = config.syncGroup != nil
            machineConfig.configuredAsMaster = config.initialState == .master
            machine = VRRPStateMachine(machineConfig)
            var expectations = AdvertisementValidator.Expectations(version: version, intervalCentiseconds: interval,
                                                                   virtualAddresses: config.virtualAddresses.map(\.address))
            expectations.authentication = config.authentication
            expectations.unicastPeers = config.unicastPeers
            expectations.checkUnicastSource = global.checkUnicastSource
            expectations.skipAddressCheckForSameMaster = global.skipCheckAdvertisedAddresses
            validator = AdvertisementValidator(expectations)
        }
    }

    private let config: KeepalivedConfig
    private let addresses: AddressManager
    private var instances: [Instance] = []
    var syncGroups: [SyncGroupRuntime] = []
    private let clockStart = ContinuousClock.now
    var stopScripts: Set<pid_t> = []
    var scriptUser = ScriptUser(name: "root")
    public private(set) var log: (String) -> Void

    private let metrics = VRRPMetrics()
    private let status: StatusServer?
    /// Link up/down events; nil when the kernel refused the subscription (interfaces are then polled).
    private let links: LinkMonitor?

    /// `statusAddress` (`127.0.0.1:9911`): serve `GET /` (JSON) and `GET /metrics` (Prometheus) there.
    public init(config: KeepalivedConfig, statusAddress: String? = nil, log: @escaping (String) -> Void) throws {
        self.config = config
        self.log = log
        status = try statusAddress.map(StatusServer.init)
        addresses = try AddressManager()
        links = try? LinkMonitor()
        if links == nil { log("warning: no rtnetlink link events; tracked interfaces are polled every 100 ms") }
        scriptUser = ScriptUser.resolve(config.global)
        if let warning = scriptUser.warning { log("warning: \(warning)") }
        if config.global.enableScriptSecurity {
            let scripts = config.scripts.map(\.script) + config.instances.flatMap {
                [$0.notifyMaster, $0.notifyBackup, $0.notifyFault, $0.notifyStop, $0.notify].compactMap { $0 }
            } + config.syncGroups.flatMap {
                [$0.notifyMaster, $0.notifyBackup, $0.notifyFault, $0.notifyStop, $0.notify].compactMap { $0 }
            }
            for script in scripts {
                if let reason = ScriptUser.unsafePermissions(ofScript: script) {
                    throw SystemCallError("enable_script_security: refusing \(script): \(reason)", code: EPERM)
                }
            }
        }
        let start = VRRPInstant(nanoseconds: 0)
        let prefix = scriptUser.commandPrefix
        instances = try config.instances.map { try Instance($0, global: config.global, whole: config, now: start, scriptPrefix: prefix) }
        for instance in instances { instance.tracker.linkEvents = links != nil }
        for instance in config.instances { metrics.register(instance: instance.name) }
        syncGroups = config.syncGroups.map { group in
            SyncGroupRuntime(group, members: instances.filter { group.members.contains($0.config.name) })
        }
    }

    var now: VRRPInstant {
        let elapsed = ContinuousClock.now - clockStart
        let (seconds, attoseconds) = elapsed.components
        return VRRPInstant(nanoseconds: seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Runs until SIGTERM or SIGINT.
    public func run() throws {
        let shutdown = try ShutdownSignal.install()
        // A daemon must not inherit a blocked SIGTERM (test runners and some supervisors block signals).
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        pthread_sigmask(SIG_SETMASK, &unblocked, nil)
        if config.global.startupDelay > 0 { usleep(UInt32(config.global.startupDelay * 1_000_000)) }
        for instance in instances {
            // Pending unweighted checks and a down interface start the instance in FAULT, as keepalived does.
            let verdict = instance.tracker.verdict
            _ = instance.machine.handle(.priorityChanged(verdict.priority), at: now)
            _ = instance.machine.handle(.fault(verdict.fault), at: now)
            perform(instance.machine.handle(.startup, at: now), for: instance)
        }
        reconcileSyncGroups()
        while true {
            var descriptors = [pollfd(fd: shutdown, events: Int16(POLLIN), revents: 0)]
                + instances.map { pollfd(fd: $0.transport.descriptor, events: Int16(POLLIN), revents: 0) }
                + [pollfd(fd: links?.descriptor ?? -1, events: Int16(POLLIN), revents: 0)]
                + (status.map { [pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0)] } ?? [])
            let current = now
            let deadline = (instances.compactMap(\.machine.nextDeadline) + instances.compactMap { $0.tracker.nextDeadline(now: current) }).min()
            let timeout = deadline.map { max(0, Int32(($0.nanoseconds - now.nanoseconds + 999_999) / 1_000_000)) } ?? 1000
            let ready = poll(&descriptors, nfds_t(descriptors.count), timeout)
            if ready < 0, errno != EINTR { throw SystemCallError("poll") }
            if descriptors[0].revents != 0 { break }
            if let status, descriptors.last?.revents ?? 0 != 0, descriptors.last?.fd == status.descriptor {
                status.serve(respond)
            }
            for (pid, success) in ScriptRunner.reapFinished() {
                stopScripts.remove(pid)
                for instance in instances {
                    if let verdict = instance.tracker.finished(pid: pid, success: success, log: instanceLog(instance)) {
                        apply(verdict, to: instance)
                    }
                }
            }
            // A link went up or down: tracked interfaces are re-read now, not at the next poll.
            if let links, descriptors[instances.count + 1].revents != 0, links.drain() {
                for instance in instances {
                    if let verdict = instance.tracker.linkChanged(now: now, log: instanceLog(instance)) { apply(verdict, to: instance) }
                }
            }
            for instance in instances where !instance.tracker.isEmpty {
                if let verdict = instance.tracker.poll(now: now, log: instanceLog(instance)) { apply(verdict, to: instance) }
            }
            for (index, instance) in instances.enumerated() where descriptors[index + 1].revents & Int16(POLLIN) != 0 {
                while let packet = instance.transport.receive() { receive(packet, on: instance) }
            }
            let afterPoll = now
            for instance in instances where instance.machine.nextDeadline.map({ $0 <= afterPoll }) == true {
                perform(instance.machine.handleDeadline(at: afterPoll), for: instance)
            }
            reconcileSyncGroups()
        }
        for instance in instances { perform(instance.machine.handle(.shutdown, at: now), for: instance) }
        for group in syncGroups { perform(group.coordinator.stop(), for: group) }
        // Like keepalived, give the STOP notify scripts up to one second before exiting.
        let giveUp = ContinuousClock.now + .seconds(1)
        while !stopScripts.isEmpty, ContinuousClock.now < giveUp {
            stopScripts.subtract(ScriptRunner.reapFinished().map(\.pid))
            usleep(10_000)
        }
    }

    private func respond(_ path: String) -> (status: String, contentType: String, body: [UInt8]) {
        switch path {
        case "/metrics":
            for instance in instances {
                metrics[instance: instance.config.name]?.state.set(VRRPMetrics.stateNumber(instance.machine.state))
                metrics[instance: instance.config.name]?.priority.set(Double(instance.machine.effectivePriority))
            }
            return ("200 OK", "text/plain; version=0.0.4", metrics.text())
        case "/", "/status":
            let entries = instances.map { instance -> String in
                let drops = instance.statistics.drops.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",")
                let group = instance.config.syncGroup.map { "\"sync_group\":\"\($0)\"," } ?? ""
                return "{\"instance\":\"\(instance.config.name)\",\"state\":\"\(instance.machine.state.rawValue)\",\(group)"
                    + "\"virtual_router_id\":\(instance.config.virtualRouterID),\"interface\":\"\(instance.config.interface)\","
                    + "\"priority\":\(instance.config.priority),\"effective_priority\":\(instance.machine.effectivePriority),"
                    + "\"virtual_addresses\":[\(instance.config.virtualAddresses.map { "\"\($0.address)/\($0.prefixLength)\"" }.joined(separator: ","))],"
                    + "\"adverts_sent\":\(instance.statistics.advertisementsSent),\"adverts_received\":\(instance.statistics.advertisementsReceived),"
                    + "\"transitions\":\(instance.statistics.transitions),\"drops\":{\(drops)}}"
            }
            return ("200 OK", "application/json", Array(("[" + entries.joined(separator: ",") + "]\n").utf8))
        default:
            return ("404 Not Found", "text/plain", Array("GET / or /metrics\n".utf8))
        }
    }

    func instanceLog(_ instance: Instance) -> (String) -> Void {
        { [log] line in log("\(instance.config.name): \(line)") }
    }

    private func apply(_ verdict: TrackingVerdict, to instance: Instance) {
        perform(instance.machine.handle(.priorityChanged(verdict.priority), at: now), for: instance)
        perform(instance.machine.handle(.fault(verdict.fault), at: now), for: instance)
    }

    private func receive(_ packet: Result<ReceivedAdvertisement, VRRPDropReason>, on instance: Instance) {
        let received: ReceivedAdvertisement
        do {
            received = try packet.get()
        } catch {
            metrics[instance: instance.config.name]?.drops[error.name]?.increment()
            if instance.statistics.drop(error) { log("\(instance.config.name): dropped a packet (\(error)); further drops of this kind are only counted") }
            return
        }
        // Our own multicast adverts do not loop back (IP_MULTICAST_LOOP off); unicast ones never reach us.
        guard received.source != instance.source else { return }
        guard received.advertisement.virtualRouterID == instance.config.virtualRouterID else {
            instance.statistics.drop(.unknownVirtualRouter("VRID \(received.advertisement.virtualRouterID)"))
            metrics[instance: instance.config.name]?.drops["unknown_vrid"]?.increment()
            return
        }
        if let reason = instance.validator.validate(received, inBackup: instance.machine.state == .backup) {
            metrics[instance: instance.config.name]?.drops[reason.name]?.increment()
            if instance.statistics.drop(reason) { log("\(instance.config.name): dropped an advert from \(received.source) (\(reason)); further drops of this kind are only counted") }
            return
        }
        instance.statistics.advertisementsReceived += 1
        metrics[instance: instance.config.name]?.received.increment()
        let advert = received.advertisement
        perform(instance.machine.handle(.advertisement(priority: advert.priority, source: received.source,
                                                       intervalCentiseconds: advert.intervalCentiseconds), at: now), for: instance)
    }

    func perform(_ actions: [VRRPAction], for instance: Instance) {
        for action in actions {
            switch action {
            case .sendAdvertisement(let priority):
                var advert = VRRPAdvertisement(version: instance.machine.configuration.version,
                                               virtualRouterID: instance.config.virtualRouterID, priority: priority,
                                               addresses: instance.config.virtualAddresses.map(\.address),
                                               intervalCentiseconds: instance.machine.configuration.intervalCentiseconds,
                                               authentication: instance.config.authentication)
                if advert.version == .v3 { advert.authentication = .none }
                for destination in instance.destinations {
                    do {
                        try instance.transport.send(advert, from: instance.source, to: destination)
                        instance.statistics.advertisementsSent += 1
                        metrics[instance: instance.config.name]?.sent.increment()
                    } catch {
                        log("\(instance.config.name): \(error)")
                    }
                }
            case .addVirtualAddresses, .removeVirtualAddresses:
                for address in instance.config.virtualAddresses {
                    let index = (try? NetworkInterface(name: address.device ?? instance.config.interface).index) ?? instance.interface.index
                    do {
                        if action == .addVirtualAddresses {
                            try addresses.add(address, interfaceIndex: index)
                        } else {
                            try addresses.remove(address, interfaceIndex: index)
                        }
                    } catch {
                        log("\(instance.config.name): \(error)")
                    }
                }
            case .sendGratuitousARP(let count):
                for _ in 0..<count {
                    for address in instance.config.virtualAddresses {
                        do { try instance.transport.announce(address.address) } catch { log("\(instance.config.name): \(error)") }
                    }
                }
            case .notify(let state):
                instance.statistics.transitions += 1
                metrics[instance: instance.config.name]?.transitions.increment()
                launchNotifyScripts(of: instance.config, state: state,
                                    arguments: ["INSTANCE", instance.config.name, state.rawValue, String(instance.machine.effectivePriority)])
            case .log(let line):
                log(line)
            }
        }
    }
}

/// Counters per instance, for the status endpoint and metrics.
public struct VRRPStatistics: Sendable, Equatable {
    public var advertisementsSent = 0
    public var advertisementsReceived = 0
    public var transitions = 0
    public var drops: [String: Int] = [:]

    /// Counts the drop; true when it is the first of its kind (worth a log line).
    @discardableResult
    mutating func drop(_ reason: VRRPDropReason) -> Bool {
        drops[reason.name, default: 0] += 1
        return drops[reason.name] == 1
    }
}
