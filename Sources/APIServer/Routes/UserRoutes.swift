import Hummingbird
import IAMResources
import IAMStore

/// `/v1/users*`. Admins may do anything; a user may read and update themself and change their own password.
struct UserRoutes {
    let server: APIServer

    func register(on router: Router<APIRequestContext>) {
        let server = server
        let users = router.group("/v1/users")
        users.post { request, context in
            let body = try await request.jsonFields(limit: server.configuration.maxBodyBytes)
            var input = try UserInput(body: body)
            let callerIsAdmin = context.caller?.isAdmin == true
            if context.caller == nil && !server.configuration.selfRegistration {
                throw IAMError(.permissionDenied, "self-registration is switched off (server.self-registration); ask an admin")
            }
            if context.caller != nil && !callerIsAdmin {
                throw IAMError(.permissionDenied, "only admins create users for others; register without credentials")
            }
            if !callerIsAdmin { input.isAdmin = false }
            try input.validateForCreate()
            let user = User(
                metadata: ObjectMeta(name: input.name, extend: input.extend ?? [:]), nickname: input.nickname ?? "",
                passwordHash: try await server.hasher.hash(input.password ?? ""), email: input.email ?? "",
                phone: input.phone ?? "", isAdmin: input.isAdmin)
            return APIResponse.json(try await server.store.createUser(user).json)
        }
        users.get { request, context in
            try Self.requireAdmin(context)
            let page = try await server.store.listUsers(try ListQuery(request: request))
            return APIResponse.list(totalCount: page.totalCount, items: page.items.map(\.json))
        }
        users.delete { request, context in
            try Self.requireAdmin(context)
            try await server.store.deleteUsers(named: request.queryValues("name"))
            return APIResponse.null()
        }
        users.get(":name") { _, context in
            let name = try Self.selfOrAdmin(context)
            guard let user = try await server.store.user(named: name) else { throw IAMError(.userNotFound, "no user \(name)") }
            return APIResponse.json(user.json)
        }
        users.put(":name") { request, context in
            let name = try Self.selfOrAdmin(context)
            let body = try await request.jsonFields(limit: server.configuration.maxBodyBytes)
            let input = try UserInput(body: body)
            guard let stored = try await server.store.user(named: name) else { throw IAMError(.userNotFound, "no user \(name)") }
            var user = try stored.updated(with: input)
            let caller = try context.requireCaller()
            if caller.isAdmin {
                // Admins may also disable/enable users and grant or revoke admin rights, except their own: the last
                // admin must not lock everyone out.
                if let status = try body.integer("status") {
                    guard status == 0 || status == 1 else { throw IAMError(.validation, "status must be 1 (enabled) or 0 (disabled)") }
                    if caller.name == name && status == 0 { throw IAMError(.permissionDenied, "an admin cannot disable their own account") }
                    user.status = Int(status)
                }
                if let admin = try body.integer("isAdmin") {
                    if caller.name == name && admin != 1 { throw IAMError(.permissionDenied, "an admin cannot revoke their own admin rights") }
                    user.isAdmin = admin == 1
                }
            }
            return APIResponse.json(try await server.store.updateUser(user).json)
        }
        users.delete(":name") { _, context in
            try Self.requireAdmin(context)
            let name = try context.parameters.require("name")
            if name == (try context.requireCaller()).name {
                throw IAMError(.permissionDenied, "an admin cannot delete their own account")
            }
            try await server.store.deleteUsers(named: [name])
            return APIResponse.null()
        }
        users.put(":name/change-password") { request, context in
            let name = try Self.selfOrAdmin(context)
            let caller = try context.requireCaller()
            let body = try await request.jsonFields(limit: server.configuration.maxBodyBytes)
            let old = try body.string("oldPassword")
            guard let new = try body.string("newPassword") else { throw IAMError(.bind, "newPassword is required") }
            if let problem = ValidationRules.passwordProblem(new) { throw IAMError(.bind, "newPassword: \(problem)") }
            guard let user = try await server.store.user(named: name) else { throw IAMError(.userNotFound, "no user \(name)") }
            // Changing one's own password needs the old one; an admin resetting another user's does not.
            if caller.name == name || !caller.isAdmin {
                guard let old, try await server.hasher.verify(old, hash: user.passwordHash) else {
                    throw IAMError(.passwordIncorrect, "oldPassword does not match")
                }
            }
            try await server.store.changePassword(userNamed: name, to: try await server.hasher.hash(new))
            return APIResponse.null()
        }
    }

    static func requireAdmin(_ context: APIRequestContext) throws {
        guard try context.requireCaller().isAdmin else { throw IAMError(.permissionDenied, "only admins may do this") }
    }

    /// The `:name` of the route when the caller is that user or an admin.
    static func selfOrAdmin(_ context: APIRequestContext) throws -> String {
        let name = try context.parameters.require("name")
        let caller = try context.requireCaller()
        guard caller.isAdmin || caller.name == name else {
            throw IAMError(.permissionDenied, "only \(name) or an admin may do this")
        }
        return name
    }
}
