extension KeepalivedConfig {
    /// Builds the configuration from parsed statements (includes already expanded) and checks it as
    /// `keepalived -t` would: unknown keywords, bad values and dangling references are errors.
    public init(statements: [ConfigStatement]) throws(KeepalivedConfigError) {
        self.init()
        for statement in statements {
            let reader = StatementReader(statement)
            switch statement.keyword {
            case "global_defs": try readGlobal(try reader.block())
            case "vrrp_script": scripts.append(try TrackScript(reader))
            case "vrrp_instance":
                let instance = try InstanceConfig(reader, into: &self)
                if let earlier = instances.first(where: { $0.name == instance.name }) {
                    throw reader.error("vrrp_instance \(instance.name) is defined twice (first at \(earlier.location))")
                }
                instances.append(instance)
            case "vrrp_sync_group": syncGroups.append(try SyncGroup(reader))
            case "track_script", "track_interface":
                throw reader.error("'\(statement.keyword)' cannot stand at the top level",
                                   hint: statement.keyword == "track_script"
                                       ? "define the check as 'vrrp_script NAME { script \"…\" interval … weight … }' and list NAME in the track_script block of a vrrp_instance"
                                       : "list interfaces in the track_interface block of a vrrp_instance")
            case let keyword where KeepalivedConfig.unsupportedTopLevel.contains(keyword):
                unused.append(KeepalivedConfigNote(location: statement.location,
                                                   message: "'\(keyword)' (LVS/static routing) is not used by iam vrrp; ignored"))
            default:
                throw reader.error("unknown top-level keyword '\(statement.keyword)'",
                                   hint: KeywordSuggestion.hint(for: statement.keyword, known: KeepalivedConfig.topLevel)
                                       ?? "top-level sections are global_defs, vrrp_script, vrrp_instance, vrrp_sync_group and include")
            }
        }
        try resolveReferences()
    }

    static let topLevel = ["global_defs", "vrrp_script", "vrrp_instance", "vrrp_sync_group", "include"]
    static let unsupportedTopLevel: Set<String> = [
        "virtual_server", "virtual_server_group", "static_ipaddress", "static_routes", "static_rules",
        "linkbeat_interfaces", "garp_group",
    ]

    private mutating func readGlobal(_ block: [ConfigStatement]) throws(KeepalivedConfigError) {
        for statement in block {
            let reader = StatementReader(statement)
            switch statement.keyword {
            case "router_id": global.routerID = try reader.value("a name")
            case "vrrp_version":
                global.vrrpVersion = try reader.integer(in: 2...3) == 2 ? .v2 : .v3
            case "vrrp_mcast_group4":
                let group = try reader.address()
                guard group.isIPv4, group.isMulticast else { throw reader.error("vrrp_mcast_group4 must be an IPv4 multicast address") }
                global.multicastGroup4 = group
            case "vrrp_mcast_group6":
                let group = try reader.address()
                guard !group.isIPv4, group.isMulticast else { throw reader.error("vrrp_mcast_group6 must be an IPv6 multicast address") }
                global.multicastGroup6 = group
            case "vrrp_garp_master_delay": global.garp.masterDelay = try reader.number(in: 0...1000)
            case "vrrp_garp_master_repeat": global.garp.masterRepeat = try reader.integer(in: 1...255)
            case "vrrp_garp_master_refresh": global.garp.masterRefresh = try reader.number(in: 0...100_000)
            case "vrrp_garp_master_refresh_repeat": global.garp.masterRefreshRepeat = try reader.integer(in: 1...255)
            case "vrrp_garp_lower_prio_delay": global.garp.lowerPriorityDelay = try reader.number(in: 0...1000)
            case "vrrp_garp_lower_prio_repeat": global.garp.lowerPriorityRepeat = try reader.integer(in: 0...255)
            case "vrrp_garp_interval": global.garpInterval = try reader.number(in: 0...1000)
            case "vrrp_gna_interval": global.gnaInterval = try reader.number(in: 0...1000)
            case "vrrp_skip_check_adv_addr": global.skipCheckAdvertisedAddresses = try reader.flag()
            case "vrrp_strict":
                global.strict = try reader.flag()
                global.strictLocation = reader.location
            case "script_user": global.scriptUser = try reader.commandLine()
            case "enable_script_security": global.enableScriptSecurity = try reader.flag()
            case "vrrp_startup_delay": global.startupDelay = try reader.number(in: 0...3600)
            case "vrrp_lower_prio_no_advert": global.lowerPriorityNoAdvert = statement.arguments.first.map { $0 != "false" } ?? true
            case "vrrp_higher_prio_send_advert": global.higherPrioritySendAdvert = statement.arguments.first.map { $0 != "false" } ?? true
            case "vrrp_check_unicast_src": global.checkUnicastSource = try reader.flag()
            case let keyword where KeepalivedConfig.mailKeywords.contains(keyword):
                unused.append(KeepalivedConfigNote(location: statement.location, message: "'\(keyword)': mail settings are accepted but not used (send mail from a notify script)"))
            case let keyword where KeepalivedConfig.internalGlobals.contains(keyword):
                unused.append(KeepalivedConfigNote(location: statement.location, message: "'\(keyword)' tunes keepalived internals; ignored"))
            default:
                throw reader.error("unknown keyword '\(statement.keyword)' in global_defs",
                                   hint: KeywordSuggestion.hint(for: statement.keyword, known: KeepalivedConfig.globalKeywords))
            }
        }
    }

    static let mailKeywords: Set<String> = [
        "notification_email", "notification_email_from", "smtp_server", "smtp_connect_timeout", "smtp_helo_name",
        "smtp_alert", "smtp_alert_vrrp", "smtp_alert_checker", "email_from",
    ]
    static let internalGlobals: Set<String> = [
        "lvs_id", "lvs_sync_daemon", "enable_traps", "enable_snmp_vrrp", "enable_snmp_keepalived", "enable_snmp_rfc",
        "enable_dbus", "max_auto_priority", "min_auto_priority_delay", "vrrp_rt_priority", "vrrp_priority",
        "vrrp_no_swap", "vrrp_cpu_affinity", "dynamic_interfaces", "vrrp_iptables", "vrrp_ipsets", "nftables",
        "notify_fifo", "vrrp_notify_fifo", "process_names", "linkbeat_use_polling", "vrrp_netlink_cmd_rcv_bufs",
        "vrrp_netlink_monitor_rcv_bufs", "checker_rt_priority", "checker_priority", "checker_no_swap",
        "vrrp_garp_lower_prio_no_advert", "instance", "network_namespace", "uid", "gid",
    ]
    static let globalKeywords = [
        "router_id", "vrrp_version", "vrrp_mcast_group4", "vrrp_mcast_group6", "vrrp_garp_master_delay",
        "vrrp_garp_master_repeat", "vrrp_garp_master_refresh", "vrrp_garp_master_refresh_repeat",
        "vrrp_garp_lower_prio_delay", "vrrp_garp_lower_prio_repeat", "vrrp_garp_interval", "vrrp_gna_interval",
        "vrrp_skip_check_adv_addr", "vrrp_strict", "script_user", "enable_script_security", "vrrp_startup_delay",
        "vrrp_lower_prio_no_advert", "vrrp_higher_prio_send_advert", "vrrp_check_unicast_src",
    ] + mailKeywords + internalGlobals

    /// Track scripts may be defined before or after the instances that use them; names must resolve.
    private mutating func resolveReferences() throws(KeepalivedConfigError) {
        for (index, instance) in instances.enumerated() {
            for tracked in instance.trackScripts where script(named: tracked.name) == nil {
                throw KeepalivedConfigError(tracked.location, "track_script '\(tracked.name)' names no vrrp_script",
                                            hint: "define it at the top level: vrrp_script \(tracked.name) { script \"…\" interval 2 weight 0 }")
            }
            for tracked in instance.trackInterfaces where tracked.name == instance.interface && tracked.weight == nil {
                warnings.append(KeepalivedConfigNote(location: tracked.location,
                                                     message: "track_interface \(tracked.name) is the instance's own interface, which is always tracked; ignored"))
            }
            instances[index].trackInterfaces.removeAll { $0.name == instance.interface && $0.weight == nil }
        }
        try resolveSyncGroups()
        try applyStrictMode()
    }
}

extension TrackScript {
    init(_ reader: StatementReader) throws(KeepalivedConfigError) {
        guard let name = reader.statement.arguments.first, reader.statement.arguments.count == 1 else {
            throw reader.error("vrrp_script needs exactly one name: vrrp_script NAME { … }")
        }
        self.init(name: name, location: reader.location)
        for statement in try reader.block() {
            let line = StatementReader(statement)
            switch statement.keyword {
            case "script": script = try line.commandLine()
            case "interval": interval = try line.number(in: 0.001...86_400)
            case "timeout": timeout = try line.number(in: 0...86_400)
            case "weight":
                weight = try line.integer(in: -253...253, allowingMore: true)
            case "rise": rise = try line.integer(in: 1...1_000_000)
            case "fall": fall = try line.integer(in: 1...1_000_000)
            case "user": user = try line.commandLine()
            case "init_fail": initFail = try line.flag()
            default:
                throw line.error("unknown keyword '\(statement.keyword)' in vrrp_script \(name)",
                                 hint: KeywordSuggestion.hint(for: statement.keyword, known: ["script", "interval", "timeout", "weight", "rise", "fall", "user", "init_fail"]))
            }
        }
        if script.isEmpty { throw reader.error("vrrp_script \(name) has no 'script' line", hint: "add: script \"/path/to/check.sh\"") }
    }
}

extension SyncGroup {
    static let keywords = ["group", "notify_master", "notify_backup", "notify_fault", "notify_stop", "notify",
                           "sync_group_tracking_weight", "track_script", "track_interface"]

    init(_ reader: StatementReader) throws(KeepalivedConfigError) {
        guard let name = reader.statement.arguments.first else { throw reader.error("vrrp_sync_group needs a name") }
        self.init(name: name, location: reader.location)
        for statement in try reader.block() {
            let line = StatementReader(statement)
            switch statement.keyword {
            case "group": members = try line.block().map(\.keyword)
            case "notify_master": notifyMaster = try line.commandLine()
            case "notify_backup": notifyBackup = try line.commandLine()
            case "notify_fault": notifyFault = try line.commandLine()
            case "notify_stop": notifyStop = try line.commandLine()
            case "notify": notify = try line.commandLine()
            case "sync_group_tracking_weight": trackingWeight = true
            case "track_script": trackScripts += try line.block().map { entry throws(KeepalivedConfigError) in try InstanceConfig.tracked(entry, in: "track_script") }
            case "track_interface": trackInterfaces += try line.block().map { entry throws(KeepalivedConfigError) in try InstanceConfig.tracked(entry, in: "track_interface") }
            default:
                throw line.error("unknown keyword '\(statement.keyword)' in vrrp_sync_group \(name)",
                                 hint: KeywordSuggestion.hint(for: statement.keyword, known: SyncGroup.keywords))
            }
        }
    }
}
