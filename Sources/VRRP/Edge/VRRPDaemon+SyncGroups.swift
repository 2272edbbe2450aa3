#if canImport(Glibc)
import Glibc
#endif

extension VRRPDaemon {
    /// A `vrrp_sync_group` at run time: its decision and the instances it moves.
    final class SyncGroupRuntime {
        let config: SyncGroup
        let members: [Instance]
        var coordinator: VRRPSyncGroup

        init(_ config: SyncGroup, members: [Instance]) {
            self.config = config
            self.members = members
            coordinator = VRRPSyncGroup(name: config.name)
        }
    }

    /// Runs after every batch of events: each group moves its members together.
    func reconcileSyncGroups() {
        for group in syncGroups {
            var machines = group.members.map(\.machine)
            let outcome = group.coordinator.reconcile(&machines, at: now)
            for (member, machine) in zip(group.members, machines) { member.machine = machine }
            for (member, actions) in zip(group.members, outcome.members) where !actions.isEmpty {
                perform(actions, for: member)
            }
            perform(outcome.group, for: group)
        }
    }

    /// Group notify scripts: `notify` gets `GROUP name STATE 0`.
    func perform(_ actions: [VRRPSyncGroup.Action], for group: SyncGroupRuntime) {
        for action in actions {
            switch action {
            case .log(let line):
                log(line)
            case .notify(let state):
                launchNotifyScripts(of: group.config, state: state, arguments: ["GROUP", group.config.name, state.rawValue, "0"])
            }
        }
    }
}

extension VRRPDaemon {
    /// Fire and forget: the state's own script (`notify_master` …) with its configured arguments, and the
    /// generic `notify` with `arguments` appended (keepalived's conventions). STOP scripts are waited for
    /// (up to a second) at exit.
    func launchNotifyScripts(of scripts: some NotifyScripts, state: VRRPState, arguments: [String]) {
        var launched: [pid_t?] = []
        if let specific = scripts.notifyScript(for: state) {
            launched.append(ScriptRunner.launch(specific, as: scriptUser.commandPrefix, log: log))
        }
        if let generic = scripts.notify {
            launched.append(ScriptRunner.launch(generic, arguments: arguments, as: scriptUser.commandPrefix, log: log))
        }
        if state == .stop { stopScripts.formUnion(launched.compactMap { $0 }) }
    }
}
