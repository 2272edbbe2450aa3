import ArgumentParser
import VRRP

/// `iam vrrp`: keepalived-compatible VRRP. `--check` validates a configuration (like `keepalived -t`);
/// without it the daemon runs the configured instances until SIGTERM.
struct VRRPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vrrp",
        abstract: "keepalived-compatible VRRP failover: moves virtual IPs between nodes (--check validates a keepalived.conf).",
        discussion: "Exit codes of --check: 0 valid (warnings are printed), 1 invalid (FILE:LINE and a hint on stderr)."
    )

    @Option(name: [.short, .customLong("config")], help: "The keepalived.conf to read.")
    var file = "/etc/keepalived/keepalived.conf"

    @Flag(help: "Validate the configuration and print what it defines, as keepalived -t does.")
    var check = false

    @Option(name: .customLong("interface"), help: "Replace an interface name: OLD=NEW (repeatable).")
    var interfaceOverrides: [String] = []

    @Option(name: .customLong("address"), help: "Replace an address: OLD=NEW (repeatable).")
    var addressOverrides: [String] = []

    @Option(help: "Serve GET / (JSON state per instance) and GET /metrics (Prometheus) on IPv4:PORT, e.g. 127.0.0.1:9911.")
    var status: String?

    func run() throws {
        let interfaces = try pairs(interfaceOverrides, option: "--interface") { $0 }
        let addresses = try pairs(addressOverrides, option: "--address") { VRRPAddress($0) }
        let config: KeepalivedConfig
        do {
            config = try KeepalivedConfigLoader.load(path: file).overriding(interfaces: interfaces, addresses: addresses)
        } catch {
            StandardError.write("iam vrrp: \(error)")
            throw ExitCode(1)
        }
        guard check else {
            try runDaemon(config)
            return
        }
        for warning in config.warnings { print("warning: \(warning)") }
        for note in config.unused { print("unused: \(note)") }
        for script in config.scripts {
            print("vrrp_script \(script.name): \"\(script.script)\" every \(script.interval)s, weight \(script.weight), rise \(script.rise), fall \(script.fall)")
        }
        for instance in config.instances { print(describe(instance, config.global)) }
        for group in config.syncGroups {
            print("vrrp_sync_group \(group.name): \(group.members.joined(separator: ", ")) change state together"
                  + (group.trackingWeight ? " (track weights kept)" : ""))
        }
        print("\(file): configuration is valid (\(config.instances.count) vrrp_instance, \(config.scripts.count) vrrp_script)")
    }

    private func runDaemon(_ config: KeepalivedConfig) throws {
        for warning in config.warnings { StandardError.write("iam vrrp: warning: \(warning)") }
        let daemon: VRRPDaemon
        do {
            daemon = try VRRPDaemon(config: config, statusAddress: status) { line in StandardError.write("\(Timestamp.now) iam vrrp: \(line)") }
        } catch {
            StandardError.write("iam vrrp: cannot start: \(error)")
            throw ExitCode(1)
        }
        do {
            try daemon.run()
        } catch {
            StandardError.write("iam vrrp: \(error)")
            throw ExitCode(1)
        }
    }

    private func describe(_ instance: InstanceConfig, _ global: GlobalDefinitions) -> String {
        let version = instance.version ?? global.vrrpVersion
        let delivery = instance.unicastPeers.isEmpty
            ? "multicast \(instance.virtualAddresses.first?.address.isIPv4 == false ? global.multicastGroup6 : global.multicastGroup4)"
            : "unicast \(instance.unicastSource.map { "\($0)" } ?? "(interface address)") -> \(instance.unicastPeers.map(\.description).joined(separator: ", "))"
        let addresses = instance.virtualAddresses.map { "\($0.address)/\($0.prefixLength)" }.joined(separator: ", ")
        return "vrrp_instance \(instance.name): VRRPv\(version.rawValue) VRID \(instance.virtualRouterID) on \(instance.interface), "
            + "\(instance.initialState.rawValue), priority \(instance.priority), advert_int \(instance.advertInterval)s"
            + (instance.nopreempt ? ", nopreempt" : "") + ", \(delivery), VIPs [\(addresses)]"
    }

    private func pairs<Value>(_ items: [String], option: String, _ parse: (String) -> Value?) throws -> [Value: Value] where Value: Hashable {
        var result: [Value: Value] = [:]
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let old = parse(parts[0]), let new = parse(parts[1]) else {
                throw ValidationError("\(option) takes OLD=NEW, found '\(item)'")
            }
            result[old] = new
        }
        return result
    }
}
