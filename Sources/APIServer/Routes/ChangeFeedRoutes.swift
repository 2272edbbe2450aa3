import Crypto
import Foundation
import Hummingbird
import IAMResources
import IAMStore
import PolicyEngine

/// `/internal/v1/*`: what authorization servers read to keep their in-memory copy current, with the cluster token.
///
/// - `GET /internal/v1/snapshot` → `{"revision":R,"secrets":[…],"policies":[…]}`: every enabled user's secrets and
///   policies as of revision R, read in one transaction.
/// - `GET /internal/v1/changes?after=R[&limit=N][&wait=SECONDS][&owners=1]` → `{"revision":L,"changes":[{revision,
///   kind,username,name,op}…]}`: whole revisions after R; with `wait`, holds the request until a change arrives or the
///   time is up (long poll); with `owners=1`, also `"owners":[…]`, each changed owner as `/owners/:name` answers;
///   with `objects=1`, each secret or policy change also has `"object"`: that resource as it is now (and `owners=1`
///   then covers only the owners a user change names).
///   410 when the log no longer reaches back to R: resync from a snapshot.
/// - `GET /internal/v1/owners/:name` → one user's `{"revision","username","enabled","secrets","policies"}`.
struct ChangeFeedRoutes {
    let server: APIServer

    func register(on router: Router<APIRequestContext>) {
        let server = server
        guard let feed = server.store as? any ChangeFeedStore else { return }
        let token = server.configuration.clusterToken
        let feedRoutes = router.group("/internal/v1")
        feedRoutes.get("snapshot") { request, _ in
            try Self.checkClusterToken(request, token)
            let snapshot = try await feed.authorizationSnapshot()
            var writer = JSONObjectWriter()
            writer.integer("revision", snapshot.revision)
            writer.raw("secrets", "[" + snapshot.secrets.map(\.json).joined(separator: ",") + "]")
            writer.raw("policies", "[" + snapshot.policies.map(\.json).joined(separator: ",") + "]")
            return APIResponse.json(writer.text)
        }
        feedRoutes.get("changes") { request, _ in
            try Self.checkClusterToken(request, token)
            guard let afterText = request.queryValue("after"), let after = Int64(afterText), after >= 0 else {
                throw IAMError(.bind, "after=REVISION (a whole number >= 0) is required")
            }
            let limit = min(max(Int(request.queryValue("limit") ?? "") ?? 1000, 1), 10000)
            let wait = min(max(Double(request.queryValue("wait") ?? "") ?? 0, 0), 60)
            if after > 0, let oldest = try await feed.oldestLoggedRevision(), after < oldest - 1 {
                throw IAMError(.changesPruned, "the change log starts at revision \(oldest); read /internal/v1/snapshot again")
            }
            let deadline = ContinuousClock.now + .milliseconds(Int(wait * 1000))
            var seen = feed.revisionSignal.generation
            var changes = try await feed.changes(after: after, limit: limit)
            // Long poll: wait for the revision signal (a commit here, or a NOTIFY from another apiserver), with a
            // look at the store at least every second in case a notification was lost.
            while changes.isEmpty, ContinuousClock.now < deadline, !Task.isCancelled {
                await feed.revisionSignal.wait(after: seen, timeout: min(deadline - ContinuousClock.now, .seconds(1)))
                seen = feed.revisionSignal.generation
                if try await server.store.currentRevision() > after { changes = try await feed.changes(after: after, limit: limit) }
            }
            var writer = JSONObjectWriter()
            writer.integer("revision", changes.last?.revision ?? after)
            if request.queryValue("objects") == "1" {
                writer.raw("changes", "[" + (try await Self.withObjects(changes, server.store)).joined(separator: ",") + "]")
            } else {
                writer.raw("changes", "[" + changes.map(Self.json).joined(separator: ",") + "]")
            }
            // `owners=1`: the changed owners' states too, read after the changes (so at least as new), saving the
            // follower a round trip per batch.
            if request.queryValue("owners") == "1", !changes.isEmpty {
                let objects = request.queryValue("objects") == "1"
                var names: [String] = []
                for change in changes where !names.contains(change.username) && (!objects || change.kind == "user") {
                    names.append(change.username)
                }
                var states: [String] = []
                for name in names { states.append(Self.json(try await feed.ownerState(name))) }
                writer.raw("owners", "[" + states.joined(separator: ",") + "]")
            }
            return APIResponse.json(writer.text)
        }
        feedRoutes.get("owners/:name") { request, context in
            try Self.checkClusterToken(request, token)
            return APIResponse.json(Self.json(try await feed.ownerState(try context.parameters.require("name"))))
        }
    }

    /// `objects=1`: each secret or policy change with the object as it is now (`null` when it is gone or its owner is
    /// disabled), so a follower applies one object instead of re-reading the owner's whole state. User changes carry
    /// no object: the follower reads that owner again.
    static func withObjects(_ changes: [ChangeRecord], _ store: any IAMStore) async throws -> [String] {
        var enabled: [String: Bool] = [:]
        var texts: [String] = []
        for change in changes {
            var text = json(change)
            if change.kind == "secret" || change.kind == "policy" {
                if enabled[change.username] == nil { enabled[change.username] = try await store.user(named: change.username)?.status == 1 }
                var object = "null"
                if enabled[change.username] == true {
                    if change.kind == "secret" {
                        object = try await store.secret(owner: change.username, name: change.name)?.json ?? "null"
                    } else {
                        object = try await store.policy(owner: change.username, name: change.name)?.json ?? "null"
                    }
                }
                text = text.dropLast() + ",\"object\":" + object + "}"
            }
            texts.append(text)
        }
        return texts
    }

    static func json(_ state: OwnerState) -> String {
        var writer = JSONObjectWriter()
        writer.integer("revision", state.revision)
        writer.string("username", state.username)
        writer.bool("enabled", state.enabled)
        writer.raw("secrets", "[" + state.secrets.map(\.json).joined(separator: ",") + "]")
        writer.raw("policies", "[" + state.policies.map(\.json).joined(separator: ",") + "]")
        return writer.text
    }

    static func json(_ change: ChangeRecord) -> String {
        var writer = JSONObjectWriter()
        writer.integer("revision", change.revision)
        writer.string("kind", change.kind)
        writer.string("username", change.username)
        writer.string("name", change.name)
        writer.string("op", change.op)
        return writer.text
    }

    /// `Authorization: Bearer <cluster.token>`, compared in constant time; the routes do not exist without a token.
    static func checkClusterToken(_ request: Request, _ token: String) throws {
        guard !token.isEmpty else { throw IAMError(.pageNotFound, "set cluster.token to serve the change feed") }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw IAMError(.missingHeader, "the change feed needs Authorization: Bearer <cluster.token>")
        }
        let given = SHA256.hash(data: Array(header.dropFirst(7).utf8))
        let expected = SHA256.hash(data: Array(token.utf8))
        // Equal-length digests compared without an early exit.
        guard given == expected else { throw IAMError(.signatureInvalid, "wrong cluster token") }
    }
}
