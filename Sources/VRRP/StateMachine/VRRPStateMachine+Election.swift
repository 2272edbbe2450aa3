extension VRRPStateMachine {
    mutating func backupReceives(priority: UInt8, source: VRRPAddress, interval: UInt16, at now: VRRPInstant) -> [VRRPAction] {
        if priority == 0 {
            // The master leaves: take over after the skew only.
            timerDeadline = now + skew
            masterLeft = source
            return [.log("\(configuration.name): master \(source) is leaving (priority 0); taking over in \(skew)")]
        }
        let lower = priority < effectivePriority
        if !lower || !configuration.preempt || withinPreemptDelay(at: now) {
            if configuration.version == .v3 { masterIntervalCentiseconds = interval }
            if !lower { lowerMasterSince = nil }
            masterLeft = nil
            wantsMaster = false
            timerDeadline = now + masterDownInterval
            return []
        }
        // Preempting: let the timer run out, then the master sees our higher priority and yields.
        return []
    }

    /// preempt_delay: lower-priority adverts are still accepted until the delay after the first one.
    private mutating func withinPreemptDelay(at now: VRRPInstant) -> Bool {
        guard configuration.preemptDelay > .zero else { return false }
        let since = lowerMasterSince ?? now
        lowerMasterSince = since
        return now < since + configuration.preemptDelay
    }

    mutating func masterReceives(priority: UInt8, source: VRRPAddress, interval: UInt16, at now: VRRPInstant) -> [VRRPAction] {
        if priority == 0 {
            timerDeadline = now + advertInterval
            return [.sendAdvertisement(priority: effectivePriority)]
        }
        let higher = priority > effectivePriority || (priority == effectivePriority && configuration.primaryAddress < source)
        if higher {
            var actions: [VRRPAction] = []
            if configuration.higherPrioritySendAdvert { actions.append(.sendAdvertisement(priority: effectivePriority)) }
            if configuration.version == .v3 { masterIntervalCentiseconds = interval }
            state = .backup
            garpDeadline = nil
            timerDeadline = now + masterDownInterval
            return actions + [
                .removeVirtualAddresses,
                .log("\(configuration.name): higher priority advert from \(source) (\(priority) > ours \(effectivePriority)); entering BACKUP state"),
                .notify(.backup),
            ]
        }
        // keepalived: answer a lower priority at once and refresh ARP caches, so a split brain heals
        // within one advert. RFC behaviour (discard) with lower_prio_no_advert.
        guard !configuration.lowerPriorityNoAdvert else { return [] }
        timerDeadline = now + advertInterval
        var actions: [VRRPAction] = [
            .log("\(configuration.name): received advert from \(source) with lower priority \(priority), ours \(effectivePriority), forcing new election"),
            .sendAdvertisement(priority: effectivePriority),
        ]
        let repeatCount = configuration.garp.lowerPriorityRepeat ?? configuration.garp.masterRepeat
        if repeatCount > 0 {
            actions.append(.sendGratuitousARP(count: repeatCount))
            garpDeadline = now + .seconds(configuration.garp.lowerPriorityDelay ?? configuration.garp.masterDelay)
            garpDueCount = repeatCount
        }
        return actions
    }

    mutating func becomeMaster(at now: VRRPInstant, reason: String) -> [VRRPAction] {
        state = .master
        wantsMaster = false
        masterLeft = nil
        lowerMasterSince = nil
        masterIntervalCentiseconds = configuration.intervalCentiseconds
        timerDeadline = now + advertInterval
        // The advert goes first, so the old master drops the addresses before our ARPs arrive.
        let actions: [VRRPAction] = [
            .log("\(configuration.name): entering MASTER state (\(reason))"),
            .sendAdvertisement(priority: effectivePriority),
            .addVirtualAddresses,
            .sendGratuitousARP(count: configuration.garp.masterRepeat),
            .notify(.master),
        ]
        if configuration.garp.masterDelay > 0 {
            garpDeadline = now + .seconds(configuration.garp.masterDelay)
            garpDueCount = configuration.garp.masterRepeat
        } else {
            scheduleRefresh(at: now)
        }
        return actions
    }

    /// After a burst: the periodic refresh (garp_master_refresh), or nothing.
    mutating func scheduleRefresh(at now: VRRPInstant) {
        if configuration.garp.masterRefresh > 0 {
            garpDeadline = now + .seconds(configuration.garp.masterRefresh)
            garpDueCount = configuration.garp.masterRefreshRepeat
        } else {
            garpDeadline = nil
        }
    }
}
