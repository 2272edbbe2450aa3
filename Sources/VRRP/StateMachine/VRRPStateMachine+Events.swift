extension VRRPStateMachine {
    public mutating func handle(_ event: Event, at now: VRRPInstant) -> [VRRPAction] {
        switch (event, state) {
        case (.startup, .initialize):
            return startup(at: now)
        case (.startup, _):
            return []
        case (.shutdown, .stop):
            return []
        case (.shutdown, _):
            return shutdown()
        case (.fault(let isFaulted), _):
            return changeFault(isFaulted, at: now)
        case (.priorityChanged(let priority), _):
            return changePriority(priority)
        case (.advertisement(let priority, let source, let interval), .backup):
            return backupReceives(priority: priority, source: source, interval: interval, at: now)
        case (.advertisement(let priority, let source, let interval), .master):
            return masterReceives(priority: priority, source: source, interval: interval, at: now)
        case (.advertisement, _):
            return []  // INIT, FAULT and STOP ignore adverts
        }
    }

    /// Call when ``nextDeadline`` has passed.
    public mutating func handleDeadline(at now: VRRPInstant) -> [VRRPAction] {
        var actions: [VRRPAction] = []
        if let deadline = timerDeadline, deadline <= now {
            switch state {
            case .backup where configuration.inSyncGroup:
                actions += wantMaster(at: now)
            case .backup:
                actions += becomeMaster(at: now, reason: masterLeft.map { "master \($0) left with priority 0" }
                                            ?? "no advertisement for the master-down interval")
            case .master:
                actions.append(.sendAdvertisement(priority: effectivePriority))
                timerDeadline = now + advertInterval
            default:
                timerDeadline = nil
            }
        }
        if let deadline = garpDeadline, deadline <= now, state == .master {
            actions.append(.sendGratuitousARP(count: garpDueCount))
            scheduleRefresh(at: now)
        } else if garpDeadline.map({ $0 <= now }) == true {
            garpDeadline = nil
        }
        return actions
    }

    private mutating func startup(at now: VRRPInstant) -> [VRRPAction] {
        var actions: [VRRPAction] = [.removeVirtualAddresses]  // stale VIPs left by a crash
        if faulted {
            state = .fault
            return actions + [.log("\(configuration.name): entering FAULT state (tracking reports a fault at start-up)"), .notify(.fault)]
        }
        if configuration.isOwner {
            return actions + becomeMaster(at: now, reason: "address owner (priority 255)")
        }
        // keepalived waits a full master-down interval even with `state MASTER`, except in a sync group.
        state = .backup
        let syncedMaster = configuration.inSyncGroup && configuration.configuredAsMaster
        timerDeadline = now + (syncedMaster ? advertInterval : masterDownInterval)
        actions += [.log("\(configuration.name): entering BACKUP state"), .notify(.backup)]
        return actions
    }

    private mutating func shutdown() -> [VRRPAction] {
        var actions: [VRRPAction] = []
        if state == .master {
            actions += [.sendAdvertisement(priority: 0), .removeVirtualAddresses]
        }
        state = .stop
        timerDeadline = nil
        garpDeadline = nil
        return actions + [.log("\(configuration.name): stopping"), .notify(.stop)]
    }

    private mutating func changeFault(_ isFaulted: Bool, at now: VRRPInstant) -> [VRRPAction] {
        guard isFaulted != faulted else { return [] }
        faulted = isFaulted
        guard state != .initialize, state != .stop else { return [] }
        if heldInFaultByGroup {
            // Already in FAULT for the group: the group decides when to leave.
            if isFaulted { heldInFaultByGroup = false }
            return [.log("\(configuration.name): tracking reports \(isFaulted ? "a fault" : "the fault cleared") (already in FAULT with its sync group)")]
        }
        if isFaulted { return enterFault(because: nil) }
        // Leaving FAULT always goes through BACKUP (owners excepted) and waits a full interval.
        if configuration.isOwner { return becomeMaster(at: now, reason: "fault cleared, address owner") }
        state = .backup
        masterIntervalCentiseconds = configuration.intervalCentiseconds
        timerDeadline = now + masterDownInterval
        return [.log("\(configuration.name): fault cleared, entering BACKUP state"), .notify(.backup)]
    }

    /// A master announces priority 0 and drops its addresses; timers stop until the fault clears.
    mutating func enterFault(because reason: String?) -> [VRRPAction] {
        var actions: [VRRPAction] = []
        if state == .master { actions += [.sendAdvertisement(priority: 0), .removeVirtualAddresses] }
        state = .fault
        wantsMaster = false
        timerDeadline = nil
        garpDeadline = nil
        return actions + [.log("\(configuration.name): \(reason.map { "\($0); " } ?? "")entering FAULT state"), .notify(.fault)]
    }

    private mutating func changePriority(_ priority: UInt8) -> [VRRPAction] {
        guard !configuration.isOwner else { return [] }
        let clamped = min(254, max(1, priority))
        guard clamped != effectivePriority else { return [] }
        let old = effectivePriority
        effectivePriority = clamped
        return [.log("\(configuration.name): effective priority \(old) -> \(clamped)")]
    }
}
