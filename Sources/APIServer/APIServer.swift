public import Hummingbird
public import IAMStore
import IAMConfiguration
import IAMResources
public import Logging
import Crypto

/// The apiserver's request handling: routes, authentication and metrics over one store. ``APIServerService`` puts
/// it on listeners; tests drive ``makeRouter()`` directly.
public struct APIServer: Sendable {
    public let configuration: APIServerConfiguration
    public let store: any IAMStore
    public let metrics: APIMetrics
    public let logger: Logger
    let authenticator: Authenticator
    let tokens: LoginTokens
    let hasher: PasswordHasher

    /// `configuration.jwtKey` empty means a random key for this process (logged as a warning by the service).
    public init(configuration: APIServerConfiguration, store: any IAMStore, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let metrics = APIMetrics()
        self.metrics = metrics
        self.store = (store as? SQLStore)?.observed(by: metrics) ?? store
        let key = configuration.jwtKey.isEmpty ? RandomToken.make(length: 32) : configuration.jwtKey
        tokens = LoginTokens(key: key, lifetime: configuration.jwtTimeoutSeconds, maxRefresh: configuration.jwtMaxRefreshSeconds)
        hasher = PasswordHasher(cost: configuration.bcryptCost)
        authenticator = Authenticator(store: store, tokens: tokens, hasher: hasher)
    }

    /// Every route of marmotedu/iam's apiserver plus `/openapi.json`.
    public func makeRouter() -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: APIMiddleware(authenticator: authenticator, metrics: metrics, realm: configuration.jwtRealm))
        GenericRoutes(server: self).register(on: router)
        SessionRoutes(server: self).register(on: router)
        UserRoutes(server: self).register(on: router)
        SecretRoutes(server: self).register(on: router)
        PolicyRoutes(server: self).register(on: router)
        ChangeFeedRoutes(server: self).register(on: router)
        AuditRoutes(server: self).register(on: router)
        return router
    }

    /// Creates `admin` on an empty store: password from `IAM_ADMIN_PASSWORD`, else generated and logged once.
    /// Returns the generated password, if one was made.
    @discardableResult
    public func bootstrapAdmin(password given: String?) async throws -> String? {
        guard try await store.userCount() == 0 else { return nil }
        let password = given ?? Self.generatedPassword()
        if let problem = ValidationRules.passwordProblem(password) {
            throw ConfigurationError("IAM_ADMIN_PASSWORD: \(problem)")
        }
        let admin = User(
            metadata: ObjectMeta(name: "admin"), nickname: "admin", passwordHash: try await hasher.hash(password),
            email: "admin@localhost", isAdmin: true)
        do {
            _ = try await store.createUser(admin)
        } catch let error as IAMError where error.code == .userAlreadyExist {
            return nil  // another apiserver on the same database bootstrapped first
        }
        return given == nil ? password : nil
    }

    /// 16 characters meeting the password rules: random letters and digits plus one of each required class.
    static func generatedPassword() -> String {
        RandomToken.make(length: 12) + "aZ7!"
    }
}
