#if canImport(Glibc)
import Glibc
#endif

/// Which user runs track and notify scripts, as keepalived decides it: `script_user` when configured,
/// else `keepalived_script` when that user exists, else root (with a warning). With
/// `enable_script_security`, a script that a non-root user could modify is refused.
public struct ScriptUser: Sendable, Equatable {
    public var name: String
    /// Why root was chosen without being asked for, to log at start-up.
    public var warning: String?

    public static func resolve(_ global: GlobalDefinitions, userExists: (String) -> Bool = ScriptUser.userExists) -> ScriptUser {
        if let configured = global.scriptUser?.split(separator: " ").first.map(String.init) {
            return ScriptUser(name: configured)
        }
        if userExists("keepalived_script") { return ScriptUser(name: "keepalived_script") }
        return ScriptUser(name: "root", warning: "scripts run as root: no script_user is configured and no keepalived_script user exists")
    }

    public static func userExists(_ name: String) -> Bool { getpwnam(name) != nil }

    /// The command prefix that runs a script as this user (nothing when it is already who we are).
    public var commandPrefix: [String] {
        guard let entry = getpwnam(name), entry.pointee.pw_uid != geteuid() else { return [] }
        return ["/usr/sbin/runuser", "-u", name, "--"]
    }

    /// With `enable_script_security`: the script file and its directories must not be writable by
    /// anyone but root. Returns the reason when they are.
    public static func unsafePermissions(ofScript commandLine: String) -> String? {
        guard let path = commandLine.split(separator: " ").first.map(String.init), path.hasPrefix("/") else {
            return "the script must be given by its absolute path"
        }
        var current = path
        while !current.isEmpty {
            var info = stat()
            guard stat(current, &info) == 0 else { return "cannot stat \(current)" }
            let isDirectory = info.st_mode & S_IFMT == S_IFDIR
            let sticky = info.st_mode & S_ISVTX != 0
            if info.st_uid != 0 || (info.st_mode & (S_IWGRP | S_IWOTH) != 0 && !(isDirectory && sticky)) {
                return "\(current) can be modified by a user other than root"
            }
            if current == "/" { break }
            current = String(current[..<(current.lastIndex(of: "/") ?? current.startIndex)])
            if current.isEmpty { current = "/" }
        }
        return nil
    }
}
