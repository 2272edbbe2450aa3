import Crypto
public import IAMResources
import IAMTokens
import NIOCore
import PolicyEngine

/// What `POST /v1/authz` answers: the status and body, and the audit record the decision yields (none for errors
/// and for an owner without policies, as in marmotedu/iam).
public struct AuthzOutcome: Sendable {
    public var status: Int
    public var body: String
    /// The audit record as it is shipped and spooled.
    var auditLine: AuditLine?
    /// For the decisions counter: `allow`, `deny` or the error's code.
    public var result: String

    init(status: Int, body: String, auditLine: AuditLine? = nil, result: String) {
        self.status = status
        self.body = body
        self.auditLine = auditLine
        self.result = result
    }

    /// The audit record, read back from its line (for tests and diagnostics; the server ships the line).
    public var audit: AuditRecord? { auditLine?.record }
}

/// The decision path of `POST /v1/authz` (§2.2–2.4), pure: the caller's `Authorization` header and body against
/// one snapshot at one time. No I/O and no lock, so it runs on the event loop that read the request.
public struct AuthzDecider: Sendable {
    /// Put the candidate policies and deciders into audit records (`analytics.enable-detailed-recording`).
    public var detailedRecording: Bool

    public init(detailedRecording: Bool = true) {
        self.detailedRecording = detailedRecording
    }

    /// Decides one request. `now` is unix seconds; `recordID` names the audit record, if there is one.
    public func decide(
        authorization: String?, body: [UInt8], snapshot: AuthzSnapshot, now: Int64, recordID: () -> String
    ) -> AuthzOutcome {
        body.withUnsafeBufferPointer { body in
            decide(authorization: authorization.map { ByteBuffer(string: $0) }, body: body, snapshot: snapshot, now: now, tokens: nil,
                   recordID: recordID)
        }
    }

    /// Decides one request whose body is read in place, remembering verified tokens in `tokens` (the event loop's
    /// cache).
    func decide(
        authorization: ByteBuffer?, body: UnsafeBufferPointer<UInt8>, snapshot: AuthzSnapshot, now: Int64,
        tokens: VerifiedTokenCache?, recordID: () -> String
    ) -> AuthzOutcome {
        let owner: String
        switch authenticate(authorization, snapshot: snapshot, now: now, tokens: tokens) {
        case .failure(let error): return Self.error(error)
        case .success(let username): owner = username
        }
        var request: AccessRequest
        do {
            request = try AccessRequest(parsing: body)
        } catch {
            return Self.error(IAMError(.bind, "the body must be a JSON object {\"subject\",\"action\",\"resource\",\"context\"}: \(error)"))
        }
        request.context["username"] = .string(owner)
        guard let policies = snapshot.owners[owner] else {
            return AuthzOutcome(status: 200, body: Self.denied("list policies failed"), result: "deny")
        }
        let decision = policies.decide(request)
        let body: String
        switch decision.reason {
        case .allowed: body = #"{"allowed":true}"#
        case .error: return AuthzOutcome(status: 200, body: Self.denied(decision.errorMessage ?? "policy could not be evaluated"),
                                         result: "deny")
        case .noMatch: body = Self.deniedByDefault
        case .forcedDeny: body = Self.deniedForcefully
        }
        let line = AuditLine.decision(
            id: recordID(), timestamp: now, username: owner, decision: decision, request: request,
            escapedPolicies: detailedRecording ? policies.escapedPoliciesJSON : "",
            escapedPolicyJSON: policies.escapedPolicyJSONByID,
            expireAt: Timestamp(microseconds: (now + Self.hundredYears) * 1_000_000).rfc3339)
        return AuthzOutcome(status: 200, body: body, auditLine: line, result: decision.allowed ? "allow" : "deny")
    }

    /// §2.2: the secret-signed JWT names its secret in `kid`; the owner of that secret is the caller.
    func authenticate(_ headerBytes: ByteBuffer?, snapshot: AuthzSnapshot, now: Int64, tokens: VerifiedTokenCache? = nil)
        -> Result<String, IAMError>
    {
        guard let headerBytes, headerBytes.readableBytes > 0 else { return .failure(IAMError(.missingHeader)) }
        // Keyed by the whole header's bytes: the same header always carries the same token, and nothing is copied.
        if let known = tokens?.entry(for: headerBytes, revision: snapshot.revision) {
            // Verified before against this very snapshot: only the clock can have changed the answer.
            do { try known.times.validate(now: now) } catch { return .failure(IAMError(.signatureInvalid, error.message)) }
            return Self.checkExpiry(of: known.secretExpires, now: now).map { known.username }
        }
        let header = String(buffer: headerBytes)
        let token = Self.bearerToken(header)
        let parsed: JSONWebToken
        do { parsed = try JSONWebToken(parsing: token) } catch {
            return .failure(IAMError(.signatureInvalid, error.message))
        }
        guard let keyID = parsed.keyID else {
            return .failure(IAMError(.signatureInvalid, "the token header needs kid: the secretID that signed it"))
        }
        // The message never repeats the kid or anything of the key: a probe learns only "invalid".
        guard let secret = snapshot.secrets[keyID] else {
            return .failure(IAMError(.signatureInvalid, "no secret has this kid"))
        }
        let times: JWTTimes
        do {
            try parsed.verifySignature(key: secret.key)
            times = try parsed.times()
            try times.validate(now: now)
        } catch {
            return .failure(IAMError(.signatureInvalid, error.message))
        }
        if case .failure(let error) = Self.checkExpiry(of: secret.expires, now: now) { return .failure(error) }
        tokens?.store(.init(revision: snapshot.revision, username: secret.username, times: times, secretExpires: secret.expires),
                      for: headerBytes)
        return .success(secret.username)
    }

    /// A secret's `expires` (unix seconds; below 1: never).
    private static func checkExpiry(of expires: Int64, now: Int64) -> Result<Void, IAMError> {
        expires >= 1 && now > expires ? .failure(IAMError(.expired, "the secret expired at \(expires)")) : .success(())
    }

    /// Go's `Sscanf("Bearer %s")`: the first word after the prefix; any other scheme leaves it empty. On UTF-8
    /// bytes (Character-level splitting is slow).
    static func bearerToken(_ header: String) -> Substring {
        let utf8 = header.utf8
        guard utf8.starts(with: "Bearer ".utf8) else { return "" }
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || (0x09...0x0D).contains($0) }
        guard let start = utf8.dropFirst(7).firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = utf8[start...].firstIndex(where: isSpace) ?? utf8.endIndex
        return header[start..<end]
    }

    static let hundredYears: Int64 = 100 * 365 * 86_400

    /// The two usual denials, made once.
    static let deniedByDefault = denied(DecisionReason.noMatch.ladonMessage!)
    static let deniedForcefully = denied(DecisionReason.forcedDeny.ladonMessage!)

    static func denied(_ reason: String) -> String {
        #"{"allowed":false,"denied":true,"reason":"# + quoteJSON(reason) + "}"
    }

    static func error(_ error: IAMError) -> AuthzOutcome {
        AuthzOutcome(status: error.code.httpStatus, body: errorBody(error), result: String(error.code.code))
    }

    /// marmotedu/iam's `{"code","message"}` plus `details` saying what to fix.
    public static func errorBody(_ error: IAMError) -> String {
        var writer = JSONObjectWriter()
        writer.integer("code", error.code.code)
        writer.string("message", error.code.message)
        if !error.detail.isEmpty { writer.string("details", error.detail) }
        return writer.text
    }
}
