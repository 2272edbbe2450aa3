/// The member side of a `vrrp_sync_group`: moves a ``VRRPSyncGroup`` asks for. Each returns the
/// actions for this member's edge, like ``VRRPStateMachine/handle(_:at:)``.
extension VRRPStateMachine {
    /// The master-down timer ran out in BACKUP: want MASTER and re-check every advert interval, as
    /// keepalived does for a member waiting on its group.
    mutating func wantMaster(at now: VRRPInstant) -> [VRRPAction] {
        let first = !wantsMaster
        wantsMaster = true
        timerDeadline = now + advertInterval
        return first ? [.log("\(configuration.name): master-down timer expired; MASTER as soon as every member of its sync group wants it")] : []
    }

    /// Every member wants MASTER: go.
    public mutating func followGroupToMaster(_ group: String, at now: VRRPInstant) -> [VRRPAction] {
        guard state == .backup else { return [] }
        return becomeMaster(at: now, reason: "sync group \(group): every member wants MASTER")
    }

    /// Another member went BACKUP. A master steps down and announces it with priority 0, so the peer
    /// takes this address over after its skew time instead of a whole master-down interval.
    public mutating func followGroupToBackup(_ group: String, because reason: String, at now: VRRPInstant) -> [VRRPAction] {
        guard state == .master else { return [] }
        state = .backup
        garpDeadline = nil
        masterIntervalCentiseconds = configuration.intervalCentiseconds
        timerDeadline = now + masterDownInterval
        return [
            .sendAdvertisement(priority: 0),
            .removeVirtualAddresses,
            .log("\(configuration.name): sync group \(group) goes BACKUP (\(reason)); entering BACKUP state"),
            .notify(.backup),
        ]
    }

    /// Another member is in FAULT: so is this one, until the group leaves FAULT.
    public mutating func enterGroupFault(_ group: String, because reason: String, at now: VRRPInstant) -> [VRRPAction] {
        guard state == .backup || state == .master else { return [] }
        heldInFaultByGroup = true
        return enterFault(because: "sync group \(group) is in FAULT (\(reason))")
    }

    /// No member is faulted any more: back to BACKUP, waiting a full master-down interval.
    public mutating func leaveGroupFault(_ group: String, at now: VRRPInstant) -> [VRRPAction] {
        guard state == .fault, heldInFaultByGroup else { return [] }
        heldInFaultByGroup = false
        state = .backup
        masterIntervalCentiseconds = configuration.intervalCentiseconds
        timerDeadline = now + masterDownInterval
        return [.log("\(configuration.name): sync group \(group) left FAULT; entering BACKUP state"), .notify(.backup)]
    }
}
