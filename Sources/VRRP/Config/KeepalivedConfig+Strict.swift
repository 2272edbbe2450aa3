extension KeepalivedConfig {
    /// `vrrp_strict` (RFC mode), as keepalived applies it: unicast and instances without addresses are
    /// errors; authentication, preempt_delay and `state MASTER` below priority 255 are reset, loudly.
    mutating func applyStrictMode() throws(KeepalivedConfigError) {
        guard global.strict else { return }
        for index in instances.indices {
            let instance = instances[index]
            if !instance.unicastPeers.isEmpty {
                throw KeepalivedConfigError(instance.location, "vrrp_instance \(instance.name) has unicast_peer, which vrrp_strict does not allow",
                                            hint: "use multicast (remove unicast_peer and unicast_src_ip), or remove vrrp_strict from global_defs")
            }
            if instance.virtualAddresses.isEmpty {
                throw KeepalivedConfigError(instance.location, "vrrp_instance \(instance.name) has no virtual_ipaddress, which vrrp_strict requires",
                                            hint: "add a virtual_ipaddress block, or remove vrrp_strict from global_defs")
            }
            func reset(_ what: String) {
                warnings.append(KeepalivedConfigNote(location: instance.location, message: "vrrp_instance \(instance.name): \(what) (vrrp_strict)"))
            }
            if instance.authentication != .none {
                reset("authentication is not allowed in strict mode - ignoring it")
                instances[index].authentication = .none
            }
            if instance.preemptDelay > 0 {
                reset("preempt_delay is incompatible with strict mode - resetting")
                instances[index].preemptDelay = 0
            }
            if instance.initialState == .master, instance.priority != 255 {
                reset("state MASTER needs priority 255 in strict mode - using state BACKUP")
                instances[index].initialState = .backup
            }
        }
        if let location = global.strictLocation {
            warnings.append(KeepalivedConfigNote(
                location: location,
                message: "vrrp_strict: adverts answer no lower priority (lower_prio_no_advert), but no firewall rules are installed: unlike keepalived's no_accept, traffic to the virtual addresses is accepted"))
        }
    }
}
