import Foundation
import IAMTestSupport
import Testing

/// The built `iam` binary, run as a user would: exit codes and messages.
@Suite struct IAMExecutableTests {
    struct Run {
        var status: Int32
        var output: String
        var error: String
    }

    /// The built executable `name` (`iam`, `iamctl`) beside the test bundle.
    static func binary(_ name: String = "iam") throws -> URL {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let binary = [directory, directory.deletingLastPathComponent()]
            .map { $0.appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        guard let binary else { throw TemporaryFiles.Failure("no built \(name) binary beside \(directory.path); run swift build first") }
        return binary
    }

    static func iam(_ arguments: [String]) throws -> Run { try run("iam", arguments) }

    /// Runs built executable `name` with `arguments` (and `environment` instead of the test's, when given).
    static func run(_ name: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Run {
        let binary = try binary(name)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let environment { process.environment = environment }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self),
                   error: String(decoding: errData, as: UTF8.self))
    }

    @Test func evalPrintsOneLinePerRequest() throws {
        let files = try TemporaryFiles()
        let policies = try files.write("p.json", #"[{"id":"p","subjects":["users:<.*>"],"actions":["get"],"resources":["r"],"effect":"allow"}]"#)
        let requests = try files.write("r.json", #"[{"subject":"users:a","action":"get","resource":"r"},{"subject":"users:a","action":"put","resource":"r"}]"#)
        let run = try Self.iam(["policy", "eval", "--policies", policies, "--requests", requests])
        #expect(run.status == 0)
        #expect(run.output == """
            {"allowed":true,"reason":"allowed","allow_policy_ids":["p"],"deny_policy_ids":[],"error_policy_ids":[]}
            {"allowed":false,"reason":"no_match","allow_policy_ids":[],"deny_policy_ids":[],"error_policy_ids":[]}

            """)
    }

    @Test func badInputExitsTwoNamingFileAndPath() throws {
        let files = try TemporaryFiles()
        let policies = try files.write("p.json", #"[{"id":"p","conditions":{"k":{"type":"Bogus"}}}]"#)
        let requests = try files.write("r.json", "[]")
        let run = try Self.iam(["policy", "eval", "--policies", policies, "--requests", requests])
        #expect(run.status == 2)
        #expect(run.error.contains(policies))
        #expect(run.error.contains("$[0].conditions.k.type"))
        #expect(run.output.isEmpty)
    }

    @Test func lintExitCodes() throws {
        let files = try TemporaryFiles()
        let clean = try files.write("clean.json", #"[{"id":"p","subjects":["u"],"actions":["a"],"resources":["r"],"effect":"allow"}]"#)
        let dirty = try files.write("dirty.json", #"[{"id":"p","subjects":["u<"],"actions":["a"],"resources":["r"],"effect":"allow"}]"#)
        #expect(try Self.iam(["policy", "lint", clean]).status == 0)
        let run = try Self.iam(["policy", "lint", dirty])
        #expect(run.status == 1)
        #expect(run.output.contains("unbalanced"))
        #expect(try Self.iam(["policy", "lint", files.path("nope.json")]).status == 2)
    }

    @Test(arguments: ["up"])
    func unbuiltRolesSaySoAndFail(role: String) throws {
        let run = try Self.iam([role])
        #expect(run.status != 0)
        #expect(run.output.contains("not built yet"))
    }

    @Test func loadBalancerWithoutAFileSaysWhatItNeeds() throws {
        let run = try Self.iam(["lb"])
        #expect(run.status != 0)
        #expect(run.error.contains("--config"))
    }
}

/// `iam vrrp --check` on the reference keepalived configurations.
@Suite struct VRRPCheckCommandTests {
    @Test(arguments: ["db-vip.conf", "keepalived-haproxy-pair.conf", "node-10.0.4.20.keepalived.conf",
                      "node-10.0.4.21.keepalived.conf", "vip-nginx-check.conf", "web-vip.conf"])
    func everyReferenceConfigurationPasses(name: String) throws {
        let file = SharedFixtures.path("fixtures/reference-deployment/keepalived/\(name)")
        let run = try IAMExecutableTests.iam(["vrrp", "--check", "-f", file])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("configuration is valid"))
    }

    @Test func theScriptInsideTrackScriptIsRejectedAtItsLine() throws {
        let file = SharedFixtures.path("fixtures/reference-deployment/invalid/keepalived-script-inside-track_script.conf")
        let run = try IAMExecutableTests.iam(["vrrp", "--check", "-f", file])
        #expect(run.status == 1)
        #expect(run.error.contains("\(file):16:"), "\(run.error)")
        #expect(run.error.contains("vrrp_script"))
    }

    @Test func overridesRewriteInterfacesAndAddresses() throws {
        let file = SharedFixtures.path("fixtures/reference-deployment/keepalived/node-10.0.4.20.keepalived.conf")
        let run = try IAMExecutableTests.iam(["vrrp", "--check", "-f", file, "--interface", "eth0=veth-h1",
                                              "--address", "10.0.4.20=192.0.2.20", "--address", "10.0.4.21=192.0.2.21",
                                              "--address", "10.0.4.99=192.0.2.99"])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("on veth-h1"))
        #expect(run.output.contains("unicast 192.0.2.20 -> 192.0.2.21"))
        #expect(run.output.contains("192.0.2.99/32"))
    }

    @Test func theDaemonRefusesAnInterfaceThatDoesNotExist() throws {
        let file = SharedFixtures.path("fixtures/reference-deployment/keepalived/web-vip.conf")
        let run = try IAMExecutableTests.iam(["vrrp", "-f", file, "--interface", "eth0=no-such-if0"])
        #expect(run.status == 1)
        #expect(run.error.contains("no-such-if0"))
    }
}
