import Foundation
import Hummingbird
import IAMResources
import IAMStore
import PolicyEngine

/// `/login`, `/refresh`, `/logout` (gin-jwt's handlers in marmotedu/iam).
struct SessionRoutes {
    let server: APIServer

    func register(on router: Router<APIRequestContext>) {
        let server = server
        router.post("/login") { request, context in
            let now = Int64(Date().timeIntervalSince1970)
            let name: String
            let password: String
            if let header = request.headers[.authorization] {
                guard header.hasPrefix("Basic "), let pair = Authenticator.basicCredentials(String(header.dropFirst(6))) else {
                    throw IAMError(.invalidAuthHeader, "/login takes Authorization: Basic <base64 user:password> or a JSON body")
                }
                (name, password) = pair
            } else {
                let body = try await request.jsonFields(limit: server.configuration.maxBodyBytes)
                guard let user = try body.string("username"), let secret = try body.string("password") else {
                    throw IAMError(.bind, "the body needs username and password")
                }
                (name, password) = (user, secret)
            }
            do {
                _ = try await server.authenticator.checkPassword(name: name, password: password, now: now)
            } catch let error as IAMError where error.code == .signatureInvalid {
                throw IAMError(.passwordIncorrect, "incorrect Username or Password")
            }
            return Self.tokenResponse(server.tokens.issue(username: name, now: now), lifetime: server.tokens.lifetime)
        }
        router.post("/refresh") { request, context in
            let now = Int64(Date().timeIntervalSince1970)
            guard let text = Self.token(in: request) else {
                throw IAMError(.invalidAuthHeader, "send the token as Authorization: Bearer <token>, ?token= or the jwt cookie")
            }
            let (name, claims) = try server.tokens.refreshable(text, now: now)
            guard let user = try await server.store.user(named: name), user.isEnabled else {
                throw IAMError(.signatureInvalid, "the token's user no longer exists or is disabled")
            }
            return Self.tokenResponse(server.tokens.issue(username: name, now: now, carrying: claims), lifetime: server.tokens.lifetime)
        }
        router.post("/logout") { _, _ in
            APIResponse.null(headers: [.setCookie: "jwt=; Path=/; Max-Age=0"])
        }
    }

    /// `{"token","expire"}` plus the `jwt` cookie.
    static func tokenResponse(_ issued: (token: String, expires: Int64), lifetime: Int64) -> Response {
        var writer = JSONObjectWriter()
        writer.string("token", issued.token)
        writer.string("expire", LoginTokens.expiryText(issued.expires))
        return APIResponse.json(writer.text, headers: [.setCookie: "jwt=\(issued.token); Path=/; Max-Age=\(lifetime); HttpOnly; SameSite=Strict"])
    }

    /// gin-jwt's lookup order: header, then `?token=`, then the `jwt` cookie.
    static func token(in request: Request) -> String? {
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            return String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        if let query = request.queryValue("token"), !query.isEmpty { return query }
        for cookie in request.headers[values: .cookie] {
            for pair in cookie.split(separator: ";") {
                let trimmed = pair.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("jwt=") { return String(trimmed.dropFirst(4)) }
            }
        }
        return nil
    }
}
