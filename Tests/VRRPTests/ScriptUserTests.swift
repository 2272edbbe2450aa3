import Foundation
import IAMTestSupport
import Testing
@testable import VRRP

@Suite struct ScriptUserTests {
    @Test func userChoiceFollowsKeepalived() {
        var global = GlobalDefinitions()
        let fallback = ScriptUser.resolve(global, userExists: { _ in false })
        #expect(fallback.name == "root")
        #expect(fallback.warning != nil, "root by default, with a warning")
        #expect(ScriptUser.resolve(global, userExists: { $0 == "keepalived_script" }) == ScriptUser(name: "keepalived_script"))
        global.scriptUser = "nobody nogroup"
        #expect(ScriptUser.resolve(global, userExists: { _ in true }) == ScriptUser(name: "nobody"))
    }

    @Test func runningAsAnotherUserGoesThroughRunuser() {
        #expect(ScriptUser(name: "nobody").commandPrefix == ["/usr/sbin/runuser", "-u", "nobody", "--"])
        let me = String(cString: getpwuid(geteuid())!.pointee.pw_name)
        #expect(ScriptUser(name: me).commandPrefix.isEmpty)
    }

    @Test(.enabled(if: getuid() == 0, "files owned by root need root"))
    func scriptSecurityRefusesWritableScripts() throws {
        let files = try TemporaryFiles()
        let safe = try files.write("check.sh", "#!/bin/sh\nexit 0\n")
        chmod(safe, 0o755)
        chmod(files.directory.path, 0o755)
        #expect(ScriptUser.unsafePermissions(ofScript: "\(safe) arg") == nil)
        chmod(safe, 0o777)
        #expect(ScriptUser.unsafePermissions(ofScript: safe)?.contains("can be modified") == true)
        #expect(ScriptUser.unsafePermissions(ofScript: "relative.sh") != nil)
    }
}
