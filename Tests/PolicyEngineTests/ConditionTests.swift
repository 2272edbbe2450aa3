@testable import PolicyEngine
import Testing

@Suite struct ConditionTests {
    private func fulfilled(_ type: ConditionType, _ options: [String: JSONValue] = [:], _ value: JSONValue?,
                           subject: String = "users:peter", resource: String = "r:articles:1") -> Bool {
        let condition = CompiledCondition(key: "k", condition: Condition(type: type, options: .object(options)))
        var subject = subject
        var resource = resource
        return subject.withUTF8 { s in
            resource.withUTF8 { r in condition.evaluate(value, subject: s, resource: r) == .fulfilled }
        }
    }

    @Test func stringEqual() {
        #expect(fulfilled(.stringEqual, ["equals": "t1"], "t1"))
        #expect(!fulfilled(.stringEqual, ["equals": "t1"], "T1"))
        #expect(!fulfilled(.stringEqual, ["equals": "1"], .number(1)))
        #expect(!fulfilled(.stringEqual, ["equals": "t1"], nil))
        #expect(fulfilled(.stringEqual, [:], ""))  // missing option: Go's zero value ""
    }

    @Test func stringMatchSearchesUnanchored() {
        #expect(fulfilled(.stringMatch, ["matches": "Mobile"], "Mozilla Mobile Safari"))
        #expect(!fulfilled(.stringMatch, ["matches": "^Mobile"], "Mozilla Mobile"))
        #expect(!fulfilled(.stringMatch, ["matches": "("], "("))  // bad pattern: false, as ladon
        #expect(!fulfilled(.stringMatch, ["matches": "x"], .bool(true)))
    }

    @Test func cidrFollowsGoNet() {
        let cidr: [String: JSONValue] = ["cidr": "192.168.0.1/16"]  // host bits set: still 192.168.0.0/16
        #expect(fulfilled(.cidr, cidr, "192.168.44.3"))
        #expect(!fulfilled(.cidr, cidr, "192.169.0.1"))
        #expect(fulfilled(.cidr, cidr, "::ffff:192.168.1.1"))  // IPv4-mapped counts as IPv4
        #expect(!fulfilled(.cidr, cidr, "192.168.01.1"))  // leading zeros are not an address
        #expect(!fulfilled(.cidr, cidr, "192.168.1"))
        #expect(!fulfilled(.cidr, cidr, nil))
        #expect(fulfilled(.cidr, ["cidr": "2001:db8::/32"], "2001:db8:0:1::5"))
        #expect(!fulfilled(.cidr, ["cidr": "2001:db8::/32"], "fe80::1%eth0"))  // zones are refused
        #expect(!fulfilled(.cidr, ["cidr": "2001:db8::/32"], "192.168.0.1"))
        #expect(fulfilled(.cidr, ["cidr": "0.0.0.0/0"], "8.8.8.8"))
        #expect(!fulfilled(.cidr, ["cidr": "10.0.0.0/33"], "10.0.0.1"))  // invalid CIDR: false
        #expect(!fulfilled(.cidr, ["cidr": "not-a-cidr"], "10.0.0.1"))
    }

    @Test func ipv6Parsing() {
        #expect(IPAddress("::").map { [$0.high, $0.low] } == [0, 0])
        #expect(IPAddress("::1").map { [$0.high, $0.low] } == [0, 1])
        #expect(IPAddress("1::").map { [$0.high, $0.low] } == [1 << 48, 0])
        #expect(IPAddress("1:2::7:8").map { [$0.high, $0.low] } == [0x0001_0002_0000_0000, 0x0000_0000_0007_0008])
        #expect(IPAddress("::ffff:10.1.2.3")?.ipv4 == 0x0A01_0203)
        #expect(IPAddress("10.1.2.3")?.ipv4 == 0x0A01_0203)
        #expect(IPAddress("2001:db8::1")?.ipv4 == nil)
        #expect(IPAddress("1:2:3:4:5:6:7:8") != nil)
        #expect(IPAddress("1:2:3:4:5:6:7:8:9") == nil)
        #expect(IPAddress("1::2::3") == nil)
        #expect(IPAddress("12345::") == nil)
        #expect(IPAddress("1:2:3:4:5:6:1.2.3.4") != nil)
        #expect(IPAddress(":1") == nil)
    }

    @Test func equalsSubject() {
        #expect(fulfilled(.equalsSubject, [:], "users:peter"))
        #expect(!fulfilled(.equalsSubject, [:], "users:ken"))
        #expect(!fulfilled(.equalsSubject, [:], nil))
    }

    @Test func boolean() {
        #expect(fulfilled(.boolean, ["value": true], .bool(true)))
        #expect(!fulfilled(.boolean, ["value": true], "true"))
        #expect(fulfilled(.boolean, [:], .bool(false)))  // missing value: false
        #expect(!fulfilled(.boolean, [:], nil))
    }

    @Test func resourceContains() {
        let filter: (String, String?) -> JSONValue = { value, delimiter in
            var members: [String: JSONValue] = ["value": .string(value)]
            if let delimiter { members["delimiter"] = .string(delimiter) }
            return .object(members)
        }
        #expect(fulfilled(.resourceContains, [:], filter("articles", ":")))
        #expect(!fulfilled(.resourceContains, [:], filter("article", ":")))  // delimiters guard partial words
        #expect(fulfilled(.resourceContains, [:], filter("article", nil)))
        #expect(fulfilled(.resourceContains, [:], filter("r", ":")))  // the first part, via the added delimiter
        #expect(!fulfilled(.resourceContains, [:], filter("", ":")))
        #expect(!fulfilled(.resourceContains, [:], "articles"))
    }

    @Test func stringPairsEqual() {
        #expect(fulfilled(.stringPairsEqual, [:], .array([.array(["a", "a"]), .array(["b", "b"])])))
        #expect(fulfilled(.stringPairsEqual, [:], .array([])))
        #expect(!fulfilled(.stringPairsEqual, [:], .array([.array(["a", "b"])])))
        #expect(!fulfilled(.stringPairsEqual, [:], .array([.array(["a", "a", "a"])])))
        #expect(!fulfilled(.stringPairsEqual, [:], .array([.array(["a", .number(1)])])))
        #expect(!fulfilled(.stringPairsEqual, [:], nil))
    }
}
