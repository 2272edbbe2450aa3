import Hummingbird
import IAMResources
import IAMStore

/// `/v1/secrets*`: the caller's own key pairs. The path names a secret by its name, not its secretID.
struct SecretRoutes {
    let server: APIServer

    func register(on router: Router<APIRequestContext>) {
        let server = server
        let secrets = router.group("/v1/secrets")
        secrets.post { request, context in
            let caller = try context.requireCaller()
            let input = try SecretInput(body: try await request.jsonFields(limit: server.configuration.maxBodyBytes))
            try input.validate(requireName: true)
            let secret = Secret(
                metadata: ObjectMeta(name: input.name, extend: input.extend ?? [:]), username: caller.name,
                secretID: RandomToken.secretID(), secretKey: RandomToken.secretKey(), expires: input.expires ?? 0,
                description: input.description ?? "")
            let created = try await server.store.createSecret(secret, limit: server.configuration.maxSecretsPerUser)
            return APIResponse.json(created.json)
        }
        secrets.get { request, context in
            let page = try await server.store.listSecrets(owner: try context.requireCaller().name, try ListQuery(request: request))
            return APIResponse.list(totalCount: page.totalCount, items: page.items.map(\.json))
        }
        secrets.get(":name") { _, context in
            let name = try context.parameters.require("name")
            guard let secret = try await server.store.secret(owner: try context.requireCaller().name, name: name) else {
                throw IAMError(.secretNotFound, "no secret \(name)")
            }
            return APIResponse.json(secret.json)
        }
        secrets.put(":name") { request, context in
            let name = try context.parameters.require("name")
            let input = try SecretInput(body: try await request.jsonFields(limit: server.configuration.maxBodyBytes))
            try input.validate(requireName: false)
            guard var secret = try await server.store.secret(owner: try context.requireCaller().name, name: name) else {
                throw IAMError(.secretNotFound, "no secret \(name)")
            }
            if let expires = input.expires { secret.expires = expires }
            if let description = input.description { secret.description = description }
            if let extend = input.extend { secret.metadata.extend = extend }
            return APIResponse.json(try await server.store.updateSecret(secret).json)
        }
        secrets.delete(":name") { _, context in
            try await server.store.deleteSecret(owner: try context.requireCaller().name, name: try context.parameters.require("name"))
            return APIResponse.null()
        }
    }
}
