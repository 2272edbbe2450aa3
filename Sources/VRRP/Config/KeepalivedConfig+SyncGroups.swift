extension KeepalivedConfig {
    /// Checks the sync groups and applies keepalived's rules to their members: an instance belongs to
    /// the first group that names it; a group with fewer than two members is dropped; group-level
    /// tracking is added to every member as weight 0; members' own track weights are forced to 0 (a
    /// failure means FAULT for the whole group) unless the group says `sync_group_tracking_weight`.
    mutating func resolveSyncGroups() throws(KeepalivedConfigError) {
        var owner: [String: String] = [:]
        var kept: [SyncGroup] = []
        for var group in syncGroups {
            for member in group.members where !instances.contains(where: { $0.name == member }) {
                throw KeepalivedConfigError(group.location, "vrrp_sync_group \(group.name) names no vrrp_instance '\(member)'",
                                            hint: KeywordSuggestion.hint(for: member, known: instances.map(\.name)))
            }
            for tracked in group.trackScripts where script(named: tracked.name) == nil {
                throw KeepalivedConfigError(tracked.location, "track_script '\(tracked.name)' names no vrrp_script",
                                            hint: "define it at the top level: vrrp_script \(tracked.name) { script \"…\" interval 2 }")
            }
            var members: [String] = []
            for member in group.members {
                if let first = owner[member] {
                    warnings.append(KeepalivedConfigNote(location: group.location,
                                                         message: "vrrp_instance \(member) is already in vrrp_sync_group \(first); ignored in \(group.name)"))
                } else if !members.contains(member) {
                    members.append(member)
                }
            }
            guard members.count >= 2 else {
                warnings.append(KeepalivedConfigNote(location: group.location,
                                                     message: "vrrp_sync_group \(group.name) has \(members.count) member(s); a group needs two, so it is ignored"))
                continue
            }
            group.members = members
            for member in members {
                owner[member] = group.name
                joinSyncGroup(group, instanceNamed: member)
            }
            kept.append(group)
        }
        syncGroups = kept
    }

    private mutating func joinSyncGroup(_ group: SyncGroup, instanceNamed name: String) {
        guard let index = instances.firstIndex(where: { $0.name == name }) else { return }
        instances[index].syncGroup = group.name
        if !group.trackingWeight {
            var forced: [String] = []
            for (position, tracked) in instances[index].trackScripts.enumerated() {
                let weight = tracked.weight ?? script(named: tracked.name)?.weight ?? 0
                if weight != 0 { forced.append(tracked.name) }
                instances[index].trackScripts[position].weight = 0
            }
            for (position, tracked) in instances[index].trackInterfaces.enumerated() {
                if (tracked.weight ?? 0) != 0 { forced.append(tracked.name) }
                instances[index].trackInterfaces[position].weight = 0
            }
            if !forced.isEmpty {
                warnings.append(KeepalivedConfigNote(
                    location: instances[index].location,
                    message: "vrrp_instance \(name) is in vrrp_sync_group \(group.name): the weights of \(forced.joined(separator: ", ")) are set to 0 (a failure faults the group); add sync_group_tracking_weight to the group to keep them"))
            }
        }
        for var tracked in group.trackScripts where !instances[index].trackScripts.contains(where: { $0.name == tracked.name }) {
            tracked.weight = 0
            instances[index].trackScripts.append(tracked)
        }
        for var tracked in group.trackInterfaces where !instances[index].trackInterfaces.contains(where: { $0.name == tracked.name }) {
            tracked.weight = 0
            instances[index].trackInterfaces.append(tracked)
        }
    }
}
