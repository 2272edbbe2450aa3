extension InstanceConfig {
    static let keywords = [
        "state", "interface", "virtual_router_id", "priority", "advert_int", "version", "nopreempt", "preempt",
        "preempt_delay", "authentication", "unicast_src_ip", "mcast_src_ip", "unicast_peer", "virtual_ipaddress",
        "virtual_ipaddress_excluded", "track_interface", "track_script", "dont_track_primary", "notify_master",
        "notify_backup", "notify_fault", "notify_stop", "notify", "garp_master_delay", "garp_master_repeat",
        "garp_master_refresh", "garp_master_refresh_repeat", "garp_lower_prio_delay", "garp_lower_prio_repeat",
        "smtp_alert", "accept", "no_accept", "skip_check_adv_addr", "check_unicast_src",
    ]

    /// Reads `vrrp_instance NAME { … }`; keepalived's resets of contradictory settings become warnings in
    /// `config`.
    init(_ reader: StatementReader, into config: inout KeepalivedConfig) throws(KeepalivedConfigError) {
        guard let name = reader.statement.arguments.first, reader.statement.arguments.count == 1 else {
            throw reader.error("vrrp_instance needs exactly one name: vrrp_instance NAME { … }")
        }
        self.init(name: name, location: reader.location)
        var sawRouterID = false
        var garp = config.global.garp
        var garpChanged = false
        for statement in try reader.block() {
            let line = StatementReader(statement)
            switch statement.keyword {
            case "state":
                let text = try line.value("MASTER or BACKUP")
                guard let state = InitialState(rawValue: text.uppercased()) else {
                    throw line.error("state must be MASTER or BACKUP, found '\(text)'")
                }
                initialState = state
            case "interface": interface = try line.value("an interface name")
            case "virtual_router_id":
                virtualRouterID = UInt8(try line.integer(in: 1...255))
                sawRouterID = true
            case "priority": priority = UInt8(try line.integer(in: 1...255))
            case "advert_int": advertInterval = try line.number(in: 0.01...255)
            case "version": version = try line.integer(in: 2...3) == 2 ? .v2 : .v3
            case "nopreempt": nopreempt = try line.flag()
            case "preempt": nopreempt = !(try line.flag())
            case "preempt_delay": preemptDelay = try line.number(in: 0...1000)
            case "authentication":
                authentication = try Self.authentication(line)
                if let pass = statement.block?.first(where: { $0.keyword == "auth_pass" })?.arguments.first, pass.utf8.count > 8 {
                    config.warnings.append(KeepalivedConfigNote(location: statement.location,
                                                                message: "auth_pass is longer than 8 bytes; only '\(String(decoding: pass.utf8.prefix(8), as: UTF8.self))' is used, as keepalived does"))
                }
            case "unicast_src_ip", "mcast_src_ip": unicastSource = try line.address()
            case "unicast_peer":
                for peer in try line.block() {
                    guard let address = VRRPAddress(peer.keyword) else {
                        throw KeepalivedConfigError(peer.location, "unicast_peer entry '\(peer.keyword)' is not an IP address")
                    }
                    unicastPeers.append(address)
                }
            case "virtual_ipaddress": virtualAddresses += try line.block().map(VirtualAddress.init)
            case "virtual_ipaddress_excluded": excludedAddresses += try line.block().map(VirtualAddress.init)
            case "track_interface": trackInterfaces += try line.block().map { entry throws(KeepalivedConfigError) in try Self.tracked(entry, in: "track_interface") }
            case "track_script": trackScripts += try line.block().map { entry throws(KeepalivedConfigError) in try Self.tracked(entry, in: "track_script") }
            case "dont_track_primary": dontTrackPrimary = try line.flag()
            case "notify_master": notifyMaster = try line.commandLine()
            case "notify_backup": notifyBackup = try line.commandLine()
            case "notify_fault": notifyFault = try line.commandLine()
            case "notify_stop": notifyStop = try line.commandLine()
            case "notify": notify = try line.commandLine()
            case "garp_master_delay": garp.masterDelay = try line.number(in: 0...1000); garpChanged = true
            case "garp_master_repeat": garp.masterRepeat = try line.integer(in: 1...255); garpChanged = true
            case "garp_master_refresh": garp.masterRefresh = try line.number(in: 0...100_000); garpChanged = true
            case "garp_master_refresh_repeat": garp.masterRefreshRepeat = try line.integer(in: 1...255); garpChanged = true
            case "garp_lower_prio_delay": garp.lowerPriorityDelay = try line.number(in: 0...1000); garpChanged = true
            case "garp_lower_prio_repeat": garp.lowerPriorityRepeat = try line.integer(in: 0...255); garpChanged = true
            case "smtp_alert", "accept", "no_accept", "skip_check_adv_addr", "check_unicast_src":
                config.unused.append(KeepalivedConfigNote(location: statement.location, message: "'\(statement.keyword)' is accepted but not used by iam vrrp"))
            default:
                throw line.error("unknown keyword '\(statement.keyword)' in vrrp_instance \(name)",
                                 hint: KeywordSuggestion.hint(for: statement.keyword, known: Self.keywords))
            }
        }
        if garpChanged { self.garp = garp }
        guard !interface.isEmpty else { throw reader.error("vrrp_instance \(name) has no 'interface'", hint: "add: interface eth0") }
        guard sawRouterID else { throw reader.error("vrrp_instance \(name) has no 'virtual_router_id'", hint: "add: virtual_router_id 51 (1-255, the same on every node)") }
        try checkAddresses(reader)
        applyKeepalivedResets(&config)
    }

    private static func authentication(_ line: StatementReader) throws(KeepalivedConfigError) -> VRRPAdvertisement.Authentication {
        var type: String?
        var password: String?
        for entry in try line.block() {
            let reader = StatementReader(entry)
            switch entry.keyword {
            case "auth_type": type = try reader.value("PASS or AH").uppercased()
            case "auth_pass": password = try reader.value("a password")
            default: throw reader.error("unknown keyword '\(entry.keyword)' in authentication", hint: "authentication { auth_type PASS  auth_pass SECRET }")
            }
        }
        switch type {
        case "PASS":
            guard let password, !password.isEmpty else { throw line.error("auth_type PASS needs an auth_pass") }
            return .password(password)
        case "AH":
            throw line.error("auth_type AH (IP Authentication Header) is not supported",
                             hint: "use auth_type PASS, or no authentication (RFC 3768 dropped it)")
        case nil: throw line.error("authentication needs an auth_type")
        case let other?: throw line.error("auth_type must be PASS or AH, found '\(other)'")
        }
    }

    static func tracked(_ entry: ConfigStatement, in section: String) throws(KeepalivedConfigError) -> Tracked {
        if entry.block != nil {
            throw KeepalivedConfigError(entry.location, "'\(entry.keyword)' in \(section) cannot have a block",
                                        hint: section == "track_script"
                                            ? "define the check at the top level as 'vrrp_script \(entry.keyword) { script \"…\" … }' and list only its name here"
                                            : "list one interface name per line, optionally followed by 'weight N'")
        }
        var tracked = Tracked(name: entry.keyword, location: entry.location)
        var arguments = entry.arguments[...]
        while let argument = arguments.popFirst() {
            switch argument {
            case "weight":
                guard let text = arguments.popFirst(), let weight = Int(text), (-253...253).contains(weight) else {
                    throw KeepalivedConfigError(entry.location, "weight in \(section) must be a whole number from -253 to 253")
                }
                tracked.weight = weight
            case "reverse": tracked.reverse = true
            default:
                throw KeepalivedConfigError(entry.location, "unexpected '\(argument)' after \(section) entry \(entry.keyword)",
                                            hint: "one entry per line: NAME [weight N [reverse]]")
            }
        }
        return tracked
    }

    private func checkAddresses(_ reader: StatementReader) throws(KeepalivedConfigError) {
        if let first = virtualAddresses.first,
           let other = virtualAddresses.first(where: { $0.address.isIPv4 != first.address.isIPv4 }) {
            throw KeepalivedConfigError(other.location, "virtual_ipaddress mixes IPv4 and IPv6 addresses",
                                        hint: "keep one family per instance; put others in virtual_ipaddress_excluded")
        }
        if virtualAddresses.count > 255 {
            throw reader.error("vrrp_instance \(name) has \(virtualAddresses.count) virtual addresses; an advert carries at most 255",
                               hint: "move the rest to virtual_ipaddress_excluded")
        }
    }

    /// keepalived's quiet corrections, made loud.
    private mutating func applyKeepalivedResets(_ config: inout KeepalivedConfig) {
        if virtualAddresses.first.map({ !$0.address.isIPv4 }) == true, version != .v3 {
            version = .v3
        }
        let effectiveVersion = version ?? config.global.vrrpVersion
        if effectiveVersion == .v3, authentication != .none {
            config.warnings.append(KeepalivedConfigNote(location: location, message: "vrrp_instance \(name): VRRPv3 has no authentication; authentication ignored"))
            authentication = .none
        }
        if nopreempt, initialState == .master {
            config.warnings.append(KeepalivedConfigNote(location: location, message: "vrrp_instance \(name): nopreempt needs state BACKUP; with state MASTER keepalived clears it"))
            nopreempt = false
        }
        if preemptDelay > 0, nopreempt {
            config.warnings.append(KeepalivedConfigNote(location: location, message: "vrrp_instance \(name): preempt_delay is incompatible with nopreempt mode - resetting"))
            preemptDelay = 0
        } else if preemptDelay > 0, initialState == .master {
            config.warnings.append(KeepalivedConfigNote(location: location, message: "vrrp_instance \(name): preempt_delay needs state BACKUP - resetting"))
            preemptDelay = 0
        }
        if effectiveVersion == .v2, advertInterval.rounded() != advertInterval {
            config.warnings.append(KeepalivedConfigNote(location: location, message: "vrrp_instance \(name): VRRPv2 advertises whole seconds; advert_int \(advertInterval) rounded to \(max(1, advertInterval.rounded()))"))
            advertInterval = max(1, advertInterval.rounded())
        }
        if let first = virtualAddresses.first, !first.address.isIPv4, !(first.address.bytes[0] == 0xFE && first.address.bytes[1] & 0xC0 == 0x80) {
            config.warnings.append(KeepalivedConfigNote(location: first.location, message: "vrrp_instance \(name): the first IPv6 virtual address should be link-local (RFC 5798 §5.2.9), as keepalived also warns"))
        }
        if virtualAddresses.isEmpty {
            config.warnings.append(KeepalivedConfigNote(location: location, message: "vrrp_instance \(name) has no virtual_ipaddress: it elects a master but moves no address"))
        }
    }
}

extension VirtualAddress {
    /// `<IP>[/<prefix>] [brd IP] [dev IF] [scope S] [label L] [no_track] …`.
    init(_ statement: ConfigStatement) throws(KeepalivedConfigError) {
        let text = statement.keyword
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let address = VRRPAddress(parts[0]) else {
            throw KeepalivedConfigError(statement.location, "'\(text)' is not an IP address",
                                        hint: "one address per line: 10.0.4.99[/24] [dev eth0] [label eth0:vip]")
        }
        let maximum = address.isIPv4 ? 32 : 128
        var prefix = maximum
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...maximum).contains(value) else {
                throw KeepalivedConfigError(statement.location, "'/\(parts[1])' is not a prefix length (0-\(maximum))")
            }
            prefix = value
        }
        self.init(address: address, prefixLength: prefix, location: statement.location)
        var arguments = statement.arguments[...]
        while let option = arguments.popFirst() {
            switch option {
            case "dev", "label", "brd", "broadcast", "scope", "peer", "preferred_lft", "metric":
                guard let value = arguments.popFirst() else {
                    throw KeepalivedConfigError(statement.location, "'\(option)' needs a value")
                }
                switch option {
                case "dev": device = value
                case "label": label = value
                case "brd", "broadcast":
                    guard let broadcast = VRRPAddress(value) else { throw KeepalivedConfigError(statement.location, "brd '\(value)' is not an IP address") }
                    self.broadcast = broadcast
                case "scope": scope = value
                default: break
                }
            case "no_track": noTrack = true
            case "home", "-nodad", "nodad", "noprefixroute", "autojoin", "use_vmac": break
            default:
                throw KeepalivedConfigError(statement.location, "unknown option '\(option)' for virtual address \(text)",
                                            hint: "options are dev, label, brd, scope, peer, no_track, home, -nodad, noprefixroute, autojoin")
            }
        }
    }
}
