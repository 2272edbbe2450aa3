import Foundation
import IAMTestSupport
import PolicyEngine

/// The shared conformance fixtures, beside the repository root (`../shared/fixtures`).
enum Fixtures {
    static let conformanceDirectory = SharedFixtures.root.appendingPathComponent("fixtures/ladon-conformance")

    static func json(_ name: String) throws -> JSONValue {
        let data = try Data(contentsOf: conformanceDirectory.appendingPathComponent(name))
        return try JSONDecoder().decode(JSONValue.self, from: data)
    }

    static func policies(_ size: Int) throws -> [Policy] {
        guard case .array(let items) = try json("policies-full-\(size).json") else { throw FixtureError.notAnArray }
        return try items.enumerated().map { try Policy(json: $1, at: JSONPath.root.appending($0)) }
    }

    static func requests(_ size: Int) throws -> [AccessRequest] {
        guard case .array(let items) = try json("requests-full-\(size).json") else { throw FixtureError.notAnArray }
        return try items.enumerated().map { try AccessRequest(json: $1, at: JSONPath.root.appending($0)) }
    }

    static func expected(_ size: Int) throws -> [JSONValue] {
        guard case .array(let items) = try json("expected-full-\(size).json") else { throw FixtureError.notAnArray }
        return items
    }

    enum FixtureError: Error { case notAnArray }
}

extension JSONValue {
    var stringArray: [String] {
        guard case .array(let items) = self else { return [] }
        return items.compactMap { if case .string(let text) = $0 { text } else { nil } }
    }
}
