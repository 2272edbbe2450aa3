import Foundation
import PolicyEngine
import PolicyTool
import IAMTestSupport
import Testing

/// Differential test: the Swift engine and the independent ladon reference evaluator
/// (scripts/bench/ladon_reference.py, written from the specification with Python's `re`) decide the
/// same requests the same way — including requests that no fixture contains.
@Suite struct ReferenceEvaluatorTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Fixture requests with their parts recombined, plus edge cases the fixtures lack.
    private func requests(from fixture: [JSONValue]) -> [JSONValue] {
        var state: UInt64 = 7
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        func pick() -> JSONValue { fixture[next() % fixture.count] }
        var result: [JSONValue] = (0..<1500).map { _ in
            guard case .object(var request) = pick() else { return .null }
            for key in ["subject", "resource", "action"] where next() % 2 == 0 {
                request[key] = pick().member(key) ?? .null
            }
            if next() % 4 == 0, case .string(let resource) = request["resource"] {
                request["resource"] = .string([resource + "\n", resource + "é", String(resource.dropLast()), resource + ":x"][next() % 4])
            }
            if next() % 5 == 0, case .object(var context) = request["context"] {
                context["remoteIPAddress"] = .string(["192.168.3.4", "::ffff:192.168.3.4", "10.0.0.01", "fe80::1%eth0", "2001:db8::9"][next() % 5])
                request["context"] = .object(context)
            }
            return .object(request)
        }
        result.append(["subject": "users:x\n", "action": "get", "resource": "resources:articles:t0001:a"])
        return result
    }

    @Test func swiftAndReferenceEvaluatorsAgree() throws {
        let fixtures = PolicyToolTests.fixtures
        let policiesFile = fixtures.appendingPathComponent("policies-full-1000.json").path
        guard case .array(let fixtureRequests) = try JSONDocumentLoader.read(fixtures.appendingPathComponent("requests-full-1000.json").path) else {
            throw TemporaryFiles.Failure("requests fixture is not an array")
        }
        let files = try TemporaryFiles()
        let requestsFile = try files.write("requests.json", "[" + requests(from: fixtureRequests).map(\.description).joined(separator: ",") + "]")

        let swiftLines = try PolicyEvaluation.run(policiesFile: policiesFile, requestsFile: requestsFile, explain: false)
        let reference = Process()
        reference.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        reference.arguments = ["python3", Self.repository.appendingPathComponent("scripts/bench/ladon_reference.py").path,
                               "--eval", policiesFile, requestsFile]
        let output = Pipe()
        reference.standardOutput = output
        try reference.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        reference.waitUntilExit()
        try #require(reference.terminationStatus == 0, "the reference evaluator failed")
        let referenceLines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        try #require(referenceLines.count == swiftLines.count)

        var disagreements: [String] = []
        for (index, (ours, theirs)) in zip(swiftLines, referenceLines).enumerated() {
            let mine = try JSONValue.parse(ours)
            let other = try JSONValue.parse(String(theirs))
            for key in ["allowed", "reason", "allow_policy_ids", "deny_policy_ids", "error_policy_ids"]
            where mine.member(key) != other.member(key) {
                disagreements.append("request \(index) \(key): swift \(mine.member(key) ?? .null), reference \(other.member(key) ?? .null)")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements: \(disagreements.prefix(5))")
        #expect(swiftLines.contains { $0.contains(#""allowed":true"#) })
    }
}
