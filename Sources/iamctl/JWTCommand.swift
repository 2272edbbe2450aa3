import ArgumentParser
import Crypto
import Foundation
import IAMConfiguration
import IAMTokens
import PolicyEngine

/// `iamctl jwt sign|show|verify`: the tokens iam authz accepts (HMAC, `kid` = secret ID).
struct JWTCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jwt", abstract: "Sign, show and verify JSON Web Tokens.", subcommands: [Sign.self, Show.self, Verify.self])

    static func render(_ object: [String: JSONValue], compact: Bool) -> String {
        let value = JSONValue.object(object)
        return compact ? value.description : Output.yaml(value, indent: 1).trimmingCharacters(in: .newlines)
    }

    static func pairs(_ items: [String], option: String) throws -> [(String, JSONValue)] {
        try items.map { item in
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw Failure("\(option) \(item): expected KEY=VALUE")
            }
            let value = String(item[item.index(after: equals)...])
            return (String(item[..<equals]), (try? JSONValue.parse(value)).flatMap { $0 == .null ? nil : $0 } ?? .string(value))
        }
    }

    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sign a token with a secret, for POST /v1/authz.")
        @Argument(help: "The secret's ID (becomes the kid header).") var secretID: String
        @Argument(help: "The secret's key.") var secretKey: String
        @Option(help: "Lifetime, e.g. 2h.") var timeout = "2h"
        @Option(name: .customLong("not-before"), help: "Delay before the token is valid, e.g. 0 or 5m.") var notBefore = "0"
        @Option(help: "HS256, HS384 or HS512.") var algorithm = "HS256"
        @Option var audience = "iam.authz.marmotedu.com"
        @Option var issuer = "iamctl"
        @Option(name: .customLong("claim"), help: "Extra claim KEY=VALUE (repeatable; JSON values allowed).") var claims: [String] = []
        @Option(name: .customLong("header"), help: "Extra header KEY=VALUE (repeatable).") var headers: [String] = []

        func run() throws {
            guard let algorithm = JWTAlgorithm(rawValue: algorithm.uppercased()) else {
                throw Failure("--algorithm \(algorithm): use HS256, HS384 or HS512")
            }
            guard let lifetime = GoDuration.seconds(timeout), lifetime > 0 else { throw Failure("--timeout \(timeout): expected a duration like 2h") }
            guard let delay = GoDuration.seconds(notBefore), delay >= 0 else { throw Failure("--not-before \(notBefore): expected a duration") }
            let now = Int64(Date().timeIntervalSince1970)
            let standard: [(String, JSONValue)] = [
                ("aud", .string(audience)), ("exp", .number(Double(now + lifetime))), ("iat", .number(Double(now))),
                ("iss", .string(issuer)), ("nbf", .number(Double(now + delay))),
            ]
            let extra = try JWTCommand.pairs(claims, option: "--claim")
            let extraNames = Set(extra.map(\.0))
            let token = JSONWebToken.sign(
                claims: standard.filter { !extraNames.contains($0.0) } + extra,
                extraHeader: [("kid", .string(secretID))] + (try JWTCommand.pairs(headers, option: "--header")),
                algorithm: algorithm, key: SymmetricKey(data: Array(secretKey.utf8)))
            print(token)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a token's header and claims without verifying it.")
        @Argument var token: String
        @Flag(help: "One line of JSON each.") var compact = false

        func run() throws {
            let parsed: JSONWebToken
            do { parsed = try JSONWebToken(parsing: token) } catch { throw Failure("not a token: \(error.message)") }
            print("Header:\n\(JWTCommand.render(parsed.header, compact: compact))")
            print("Claims:\n\(JWTCommand.render(parsed.claims, compact: compact))")
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a token's signature and times with a secret key.")
        @Argument var secretKey: String
        @Argument var token: String
        @Flag(help: "One line of JSON.") var compact = false

        func run() throws {
            do {
                let parsed = try JSONWebToken(parsing: token)
                try parsed.verifySignature(key: SymmetricKey(data: Array(secretKey.utf8)))
                try parsed.validateTimes(now: Int64(Date().timeIntervalSince1970))
                print(JWTCommand.render(parsed.claims, compact: compact))
            } catch {
                throw Failure("token is not valid: \(error.message)")
            }
        }
    }
}
