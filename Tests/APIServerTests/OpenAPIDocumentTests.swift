import Foundation
import HTTPTypes
import IAMTestSupport
import PolicyEngine
import Testing

@Suite struct OpenAPIDocumentTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theServedDocumentIsDocsOpenAPIJSON() async throws {
        let file = try String(contentsOf: Self.repositoryRoot.appendingPathComponent("docs/openapi.json"), encoding: .utf8)
        try await TestServers.withServer(.sqlite) { api, _ in
            let served = try await api.call(.get, "/openapi.json")
            #expect(served.status == 200)
            #expect(served.text.trimmingCharacters(in: .whitespacesAndNewlines) == file.trimmingCharacters(in: .whitespacesAndNewlines),
                    "run scripts/embed-openapi.sh after editing docs/openapi.json")
        }
    }

    /// Every route the reference lists is in the document, with the methods it has.
    @Test func documentsEveryRoute() throws {
        let document = try JSONValue.parse(String(contentsOf: Self.repositoryRoot.appendingPathComponent("docs/openapi.json"), encoding: .utf8))
        let expected: [String: Set<String>] = [
            "/healthz": ["get"], "/version": ["get"], "/metrics": ["get"], "/openapi.json": ["get"],
            "/login": ["post"], "/logout": ["post"], "/refresh": ["post"],
            "/v1/users": ["post", "get", "delete"], "/v1/users/{name}": ["get", "put", "delete"],
            "/v1/users/{name}/change-password": ["put"],
            "/v1/secrets": ["post", "get"], "/v1/secrets/{name}": ["get", "put", "delete"],
            "/v1/policies": ["post", "get", "delete"], "/v1/policies/{name}": ["get", "put", "delete"],
        ]
        guard case .object(let paths)? = document.member("paths") else { Issue.record("no paths"); return }
        #expect(Set(paths.keys) == Set(expected.keys))
        for (path, methods) in expected {
            guard case .object(let operations)? = paths[path] else { continue }
            #expect(Set(operations.keys).subtracting(["parameters"]) == methods, "\(path)")
        }
    }
}
