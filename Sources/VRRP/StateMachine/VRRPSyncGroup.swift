/// A `vrrp_sync_group`'s decision (keepalived's `vrrp_sync.c`), as a pure value: after any event for
/// any member, ``reconcile(_:at:)`` moves the members together.
///
/// - A member only goes MASTER when every member wants MASTER (its master-down timer ran out or it
///   already is MASTER): a group prefers BACKUP to thrashing.
/// - One member in FAULT puts every member in FAULT; when no member is faulted, all return to BACKUP.
/// - A member going BACKUP (a higher-priority peer) pulls the others out of MASTER.
public struct VRRPSyncGroup: Sendable {
    /// What the group itself asks of the edge.
    public enum Action: Sendable, Equatable {
        /// Run the group's notify scripts (`notify` gets `GROUP name STATE 0`).
        case notify(VRRPState)
        case log(String)
    }

    public let name: String
    public private(set) var state: VRRPState = .initialize

    public init(name: String) {
        self.name = name
    }

    /// Applies the group rules to `members` (every member of the group, in any order). Returns each
    /// member's actions, index for index, and the group's own actions.
    public mutating func reconcile(_ members: inout [VRRPStateMachine], at now: VRRPInstant) -> (members: [[VRRPAction]], group: [Action]) {
        var memberActions = Array(repeating: [VRRPAction](), count: members.count)
        var groupActions: [Action] = []
        guard state != .stop, !members.contains(where: { $0.state == .initialize || $0.state == .stop }) else {
            return (memberActions, groupActions)
        }
        if let faulty = members.first(where: \.isFaulted) {
            let reason = "\(faulty.configuration.name) is in FAULT"
            for index in members.indices where !members[index].isFaulted {
                memberActions[index] += members[index].enterGroupFault(name, because: reason, at: now)
            }
            move(to: .fault, because: reason, &groupActions)
        } else if members.contains(where: { $0.state == .fault }) {
            for index in members.indices { memberActions[index] += members[index].leaveGroupFault(name, at: now) }
            move(to: .backup, because: "no member is in FAULT any more", &groupActions)
        } else if members.allSatisfy({ $0.state == .master || $0.wantsMaster }) {
            for index in members.indices where members[index].state != .master {
                memberActions[index] += members[index].followGroupToMaster(name, at: now)
            }
            move(to: .master, because: "every member wants MASTER", &groupActions)
        } else if members.contains(where: { $0.state == .master }) {
            let staying = members.filter { $0.state == .backup && !$0.wantsMaster }.map(\.configuration.name)
            let reason = "\(staying.joined(separator: ", ")) in BACKUP"
            for index in members.indices {
                memberActions[index] += members[index].followGroupToBackup(name, because: reason, at: now)
            }
            move(to: .backup, because: reason, &groupActions)
        } else {
            move(to: .backup, because: "no member is MASTER", &groupActions)
        }
        return (memberActions, groupActions)
    }

    /// The daemon stops (the members have already been stopped).
    public mutating func stop() -> [Action] {
        guard state != .stop else { return [] }
        state = .stop
        return [.log("VRRP_Group(\(name)): stopping"), .notify(.stop)]
    }

    private mutating func move(to new: VRRPState, because reason: String, _ actions: inout [Action]) {
        guard new != state else { return }
        state = new
        actions += [.log("VRRP_Group(\(name)): entering \(new.rawValue) state (\(reason))"), .notify(new)]
    }
}
