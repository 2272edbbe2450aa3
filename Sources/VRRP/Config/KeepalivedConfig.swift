/// A keepalived.conf as `iam vrrp` understands it: global settings, check scripts, VRRP instances and
/// sync groups, with keepalived's defaults filled in.
public struct KeepalivedConfig: Sendable, Equatable {
    public var global = GlobalDefinitions()
    public var scripts: [TrackScript] = []
    public var instances: [InstanceConfig] = []
    public var syncGroups: [SyncGroup] = []
    /// Settings accepted with a change of meaning (as keepalived resets them), worth a warning.
    public var warnings: [KeepalivedConfigNote] = []
    /// Settings accepted but not used by `iam vrrp` (mail, keepalived-internal tuning).
    public var unused: [KeepalivedConfigNote] = []

    public init() {}

    public func script(named name: String) -> TrackScript? { scripts.first { $0.name == name } }
}

/// `global_defs`.
public struct GlobalDefinitions: Sendable, Equatable {
    public var routerID: String?
    public var vrrpVersion: VRRPAdvertisement.Version = .v2
    public var multicastGroup4 = VRRPAddress("224.0.0.18")!
    public var multicastGroup6 = VRRPAddress("ff02::12")!
    public var garp = GratuitousARPSettings()
    /// Seconds between GARP / NA messages on one interface (`vrrp_garp_interval`, `vrrp_gna_interval`).
    public var garpInterval = 0.0
    public var gnaInterval = 0.0
    public var skipCheckAdvertisedAddresses = false
    public var strict = false
    /// Where `vrrp_strict` was set, for the notes it causes.
    public var strictLocation: ConfigLocation?
    public var scriptUser: String?
    public var enableScriptSecurity = false
    public var startupDelay = 0.0
    public var lowerPriorityNoAdvert = false
    public var higherPrioritySendAdvert = false
    public var checkUnicastSource = false
}

/// Gratuitous ARP / unsolicited NA timing: global `vrrp_garp_*` defaults, per-instance `garp_*`.
public struct GratuitousARPSettings: Sendable, Equatable {
    /// Seconds after becoming master before the second burst (keepalived: 5).
    public var masterDelay = 5.0
    /// Messages per burst (keepalived: 5).
    public var masterRepeat = 5
    /// Seconds between refresh bursts while master; 0 = none.
    public var masterRefresh = 0.0
    public var masterRefreshRepeat = 1
    /// Lower-priority advert received as master: burst size and delay of the second burst (default:
    /// the master values).
    public var lowerPriorityDelay: Double?
    public var lowerPriorityRepeat: Int?
}

/// `vrrp_script NAME { … }`.
public struct TrackScript: Sendable, Equatable {
    public var name: String
    /// The command line, run without a shell (split on spaces, keepalived-style).
    public var script = ""
    public var interval = 1.0
    /// Seconds; 0 means the interval.
    public var timeout = 0.0
    /// 0: failure puts the instance in FAULT; otherwise added while OK (positive) or subtracted while
    /// KO (negative).
    public var weight = 0
    public var rise = 1
    public var fall = 1
    public var user: String?
    public var initFail = false
    public var location: ConfigLocation
}

/// `vrrp_instance NAME { … }`.
public struct InstanceConfig: Sendable, Equatable {
    public enum InitialState: String, Sendable { case master = "MASTER", backup = "BACKUP" }

    /// A tracked interface or script, with the weight given at the point of use (overrides the script's).
    public struct Tracked: Sendable, Equatable {
        public var name: String
        public var weight: Int?
        public var reverse = false
        public var location: ConfigLocation
    }

    public var name: String
    public var initialState: InitialState = .backup
    public var interface = ""
    public var virtualRouterID: UInt8 = 0
    public var priority: UInt8 = 100
    /// Seconds; fractions are meaningful for VRRPv3 (rounded to centiseconds), whole seconds for v2.
    public var advertInterval = 1.0
    public var version: VRRPAdvertisement.Version?
    public var nopreempt = false
    public var preemptDelay = 0.0
    public var authentication: VRRPAdvertisement.Authentication = .none
    public var unicastSource: VRRPAddress?
    public var unicastPeers: [VRRPAddress] = []
    public var virtualAddresses: [VirtualAddress] = []
    public var excludedAddresses: [VirtualAddress] = []
    public var trackInterfaces: [Tracked] = []
    public var trackScripts: [Tracked] = []
    public var dontTrackPrimary = false
    public var notifyMaster: String?
    public var notifyBackup: String?
    public var notifyFault: String?
    public var notifyStop: String?
    public var notify: String?
    public var garp: GratuitousARPSettings?
    /// The `vrrp_sync_group` this instance belongs to (set when the configuration is resolved).
    public var syncGroup: String?
    public var location: ConfigLocation
}

/// One `virtual_ipaddress` line: `<IP>[/<prefix>] [dev IF] [label L] [brd IP] [scope S] …`.
public struct VirtualAddress: Sendable, Equatable {
    public var address: VRRPAddress
    public var prefixLength: Int
    public var device: String?
    public var label: String?
    public var broadcast: VRRPAddress?
    public var scope: String?
    public var noTrack = false
    public var location: ConfigLocation
}

/// `vrrp_sync_group NAME { group { A B } notify_… track_… }`: members change state together.
public struct SyncGroup: Sendable, Equatable {
    public var name: String
    public var members: [String] = []
    /// `sync_group_tracking_weight`: members keep their track weights (otherwise forced to 0, i.e. FAULT).
    public var trackingWeight = false
    /// Group-level tracking: added to every member, always as weight 0 (a failure faults the group).
    public var trackScripts: [InstanceConfig.Tracked] = []
    public var trackInterfaces: [InstanceConfig.Tracked] = []
    public var notifyMaster: String?
    public var notifyBackup: String?
    public var notifyFault: String?
    public var notifyStop: String?
    public var notify: String?
    public var location: ConfigLocation
}

/// The notify scripts an instance or a sync group may name.
public protocol NotifyScripts {
    var notifyMaster: String? { get }
    var notifyBackup: String? { get }
    var notifyFault: String? { get }
    var notifyStop: String? { get }
    /// The generic script, which also gets the kind, name, state and priority as arguments.
    var notify: String? { get }
}

extension NotifyScripts {
    /// The script for entering `state`, if one is configured.
    public func notifyScript(for state: VRRPState) -> String? {
        switch state {
        case .master: notifyMaster
        case .backup: notifyBackup
        case .fault: notifyFault
        case .stop: notifyStop
        case .initialize: nil
        }
    }
}

extension InstanceConfig: NotifyScripts {}
extension SyncGroup: NotifyScripts {}
