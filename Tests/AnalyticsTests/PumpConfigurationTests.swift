@testable import Analytics
import Foundation
import IAMConfiguration
import IAMResources
import IAMTestSupport
import Testing

@Suite struct PumpConfigurationTests {
    @Test func readsMarmoteduShapedPumpsWithFiltersAndMeta() throws {
        let files = try TemporaryFiles()
        let yaml = try files.write("iam-pump.yaml", """
            purge-delay: 2
            omit-detailed-recording: true
            redis:
              host: 127.0.0.1
            pumps:
              files:
                type: csv
                timeout: 5
                filters:
                  usernames: [colin, ken]
                  skippedusernames: [bot]
                meta:
                  csv_dir: /tmp/analytics
              stdout: {}
            """)
        let (configuration, report) = try PumpConfiguration.load(arguments: ["-c", yaml, "--batch-size", "50"], environment: [:])
        #expect(configuration.purgeDelaySeconds == 2 && configuration.batchSize == 50 && configuration.omitDetailedRecording)
        let files0 = try #require(configuration.sinks.first { $0.name == "files" })
        #expect(files0.type == "csv" && files0.timeoutSeconds == 5 && files0.usernames == ["colin", "ken"])
        #expect(files0.skipUsernames == ["bot"] && files0.meta["csv_dir"] == "/tmp/analytics")
        #expect(report.ignored.contains { $0.contains("iam-pump.yaml:4: redis.host") })
        #expect(PumpConfiguration().effectiveSinks.map(\.type) == ["csv"], "no pumps: marmotedu/iam's default csv sink")
    }

    @Test func unsupportedOrIncompleteSinksAreNamedWithTheirLine() throws {
        let files = try TemporaryFiles()
        let mongo = try files.write("mongo.yaml", "pumps:\n  mongo:\n    type: mongo\n")
        #expect(throws: ConfigurationError.self) { try PumpConfiguration.load(arguments: ["-c", mongo], environment: [:]) }
        do {
            _ = try PumpConfiguration.load(arguments: ["-c", mongo], environment: [:])
        } catch {
            #expect(error.message.hasPrefix("\(mongo):3: pumps.mongo.type mongo is not supported"), "\(error.message)")
        }
        #expect(throws: ConfigurationError.self) {
            try PumpConfiguration.load(arguments: ["--pumps.p.type", "prometheus"], environment: [:])
        }
        #expect(throws: ConfigurationError.self) {
            try PumpConfiguration.load(arguments: ["--pumps.c.type", "csv", "--pumps.c.colour", "red"], environment: [:])
        }
    }
}

@Suite struct SinkTests {
    static func record(_ username: String, _ effect: String = "allow", id: String = UUID().uuidString) -> AuditRecord {
        AuditRecord(id: id, timestamp: 1_700_000_000, username: username, effect: effect, conclusion: "policies p, \"q\" allow access",
                    request: #"{"resource":"r","action":"a","subject":"s","context":{"username":"u"}}"#,
                    policies: "[{\"id\":\"p\"}]", deciders: "[{\"id\":\"p\"}]", expireAt: "2123-11-14T22:13:20Z")
    }

    @Test func filtersSkipFirstThenKeepOnlyThenOmitDetails() {
        var configuration = SinkConfiguration(name: "s")
        configuration.usernames = ["colin", "bot"]
        configuration.skipUsernames = ["bot"]
        let sink = ConfiguredSink(configuration: configuration, sink: nil, omitDetailedEverywhere: true)
        let selected = sink.select([Self.record("colin"), Self.record("bot"), Self.record("ken")])
        #expect(selected.map(\.username) == ["colin"])
        #expect(selected[0].policies == "" && selected[0].deciders == "")
        let all = ConfiguredSink(configuration: SinkConfiguration(name: "all"), sink: nil, omitDetailedEverywhere: false)
        #expect(all.select([Self.record("ken")])[0].policies == "[{\"id\":\"p\"}]")
    }

    @Test func hourlyFilesHaveMarmoteduNamesAndQuotedCSV() async throws {
        let files = try TemporaryFiles()
        let july = Date(timeIntervalSince1970: 1_625_493_600)  // 2021-07-05 14:00 UTC
        let csv = HourlyFileSink(directory: files.path("csv"), format: .csv, now: { july })
        #expect(await csv.path(at: july) == files.path("csv") + "/2021-July-5-14.csv")
        try await csv.write([Self.record("colin")])
        try await csv.write([Self.record("ken", "deny")])
        let text = try String(contentsOfFile: files.path("csv") + "/2021-July-5-14.csv", encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 3, "one header, then one line per record across batches")
        #expect(lines[0] == "TimeStamp,Username,Effect,Conclusion,Request,Policies,Deciders,ExpireAt")
        #expect(lines[1].hasPrefix(#"1700000000,colin,allow,"policies p, ""q"" allow access","{""resource"":"#))
        let jsonl = HourlyFileSink(directory: files.path("j"), format: .jsonLines, now: { july })
        try await jsonl.write([Self.record("colin"), Self.record("ken")])
        let json = try String(contentsOfFile: files.path("j") + "/2021-July-5-14.jsonl", encoding: .utf8)
        #expect(json.split(separator: "\n").count == 2)
        #expect(json.hasPrefix(#"{"timestamp":1700000000,"username":"colin","effect":"allow","conclusion":"#))
    }

    /// A sink that takes longer than its timeout fails the write (the pump then retries, then gives up on it).
    @Test func aSlowSinkIsCutOffAtItsTimeout() async throws {
        struct SlowSink: AuditSink {
            func write(_ records: [AuditRecord]) async throws { try await Task.sleep(for: .seconds(600)) }
        }
        var configuration = SinkConfiguration(name: "slow")
        configuration.timeoutSeconds = 1
        let sink = ConfiguredSink(configuration: configuration, sink: SlowSink(), omitDetailedEverywhere: false)
        // The write would take ten minutes; the timeout (one second) ends it with SinkTimeout. No bound on the elapsed
        // time here: parallel tests may hold the cooperative threads for a while.
        await #expect(throws: SinkTimeout.self) { try await sink.write([Self.record("colin")]) }
    }

    @Test func thePrometheusSinkCountsByCodeAndUser() async throws {
        let sink = PrometheusSink()
        try await sink.write([Self.record("colin"), Self.record("colin"), Self.record("colin", "deny"), Self.record("ken", "deny")])
        #expect(sink.text.contains(#"iam_user_authorization_status_total{code="0",username="colin"} 2"#))
        #expect(sink.text.contains(#"iam_user_authorization_status_total{code="1",username="colin"} 1"#))
        #expect(sink.text.contains(#"iam_user_authorization_status_total{code="1",username="ken"} 1"#))
    }
}
