import BalancerConfiguration
import Foundation
import IAMTestSupport
import Testing

/// Damaged configuration files never crash the reader: every mutation of the reference files either loads or
/// stops with a `BalancerConfigurationError` that names a line inside the file.
@Suite struct MutationTests {
    static let files = [
        "haproxy/acl-host.cfg", "haproxy/basic.cfg", "haproxy/ssl-offload.cfg", "haproxy/persistence-l7-cookie.cfg",
        "nginx/node-10.0.4.21/conf.d/iam-apiserver.conf", "invalid/nginx-upstream-missing-semicolons.conf",
    ]
    static let fragments = ["{", "}", ";", "\"", "'", "\\", "#", " if ", " !{ ", " or ", "$", "${", "~", "=", ":", "\n", "server", "location", "acl", "-m", "%[", "1s"]

    @Test(arguments: files)
    func mutatedFilesLoadOrFailWithALine(_ file: String) throws {
        let original = try String(contentsOfFile: SharedFixtures.path("fixtures/reference-deployment/\(file)"), encoding: .utf8)
        let scratch = try TemporaryFiles()
        var random = SplitMix64(seed: UInt64(file.utf8.count) &* 7919)
        let dialect: ConfigurationDialect = file.hasPrefix("haproxy") ? .haproxy : .nginx
        for round in 0..<150 {
            var characters = Array(original)
            for _ in 0..<(1 + random.below(4)) {
                let position = random.below(characters.count)
                switch random.below(3) {
                case 0: characters.remove(at: position)
                case 1: characters.insert(contentsOf: Self.fragments[random.below(Self.fragments.count)], at: position)
                default: characters[position] = Self.fragments[random.below(Self.fragments.count)].first!
                }
            }
            let text = String(characters)
            let path = try scratch.write("mutant-\(round).conf", text)
            do {
                _ = try LoadBalancerConfiguration.load(path: path, dialect: dialect)
            } catch {
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
                if let line = error.location?.line, error.location?.file == path {
                    #expect((1...lines).contains(line), "\(error)")
                }
                #expect(!error.message.isEmpty)
            }
        }
    }
}
