/// keepalived's instance states (`include/vrrp.h`); STOP is reported to notify scripts on shutdown.
public enum VRRPState: String, Sendable, Equatable, CaseIterable {
    case initialize = "INIT"
    case backup = "BACKUP"
    case master = "MASTER"
    case fault = "FAULT"
    case stop = "STOP"
}

/// What the state machine asks the edge (sockets, netlink, script runner) to do, in order.
public enum VRRPAction: Sendable, Equatable {
    /// Send one advertisement with this priority (0 announces that the master leaves).
    case sendAdvertisement(priority: UInt8)
    /// Add the virtual addresses to the interface (netlink).
    case addVirtualAddresses
    /// Remove them.
    case removeVirtualAddresses
    /// Send `count` gratuitous ARPs / unsolicited NAs per virtual address.
    case sendGratuitousARP(count: Int)
    /// Run the notify scripts for the new state (fire and forget).
    case notify(VRRPState)
    /// A line for the log: every transition and every decision worth explaining.
    case log(String)
}
