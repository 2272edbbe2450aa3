import Hummingbird
import IAMResources
import IAMStore
import PolicyEngine

/// `/v1/policies*`: the caller's own ladon policies; the policy's `id` is always its name.
struct PolicyRoutes {
    let server: APIServer

    func register(on router: Router<APIRequestContext>) {
        let server = server
        let policies = router.group("/v1/policies")
        policies.post { request, context in
            let caller = try context.requireCaller()
            let input = try PolicyInput(body: try await request.jsonFields(limit: server.configuration.maxBodyBytes))
            try input.validate()
            let policy = input.policy ?? Policy(id: input.name, subjects: [], effect: "", resources: [], actions: [])
            let resource = PolicyResource(
                metadata: ObjectMeta(name: input.name, extend: input.extend ?? [:]), username: caller.name, policy: policy)
            return APIResponse.json(try await server.store.createPolicy(resource).json)
        }
        policies.get { request, context in
            let page = try await server.store.listPolicies(owner: try context.requireCaller().name, try ListQuery(request: request))
            return APIResponse.list(totalCount: page.totalCount, items: page.items.map(\.json))
        }
        policies.delete { request, context in
            try await server.store.deletePolicies(owner: try context.requireCaller().name, names: request.queryValues("name"))
            return APIResponse.null()
        }
        policies.get(":name") { _, context in
            let name = try context.parameters.require("name")
            guard let policy = try await server.store.policy(owner: try context.requireCaller().name, name: name) else {
                throw IAMError(.policyNotFound, "no policy \(name)")
            }
            return APIResponse.json(policy.json)
        }
        policies.put(":name") { request, context in
            let name = try context.parameters.require("name")
            let body = try await request.jsonFields(limit: server.configuration.maxBodyBytes)
            var input = try PolicyInput(body: body)
            input.name = name
            guard var stored = try await server.store.policy(owner: try context.requireCaller().name, name: name) else {
                throw IAMError(.policyNotFound, "no policy \(name)")
            }
            if var policy = input.policy {
                policy.id = name
                stored.policy = policy
            }
            if let extend = input.extend { stored.metadata.extend = extend }
            return APIResponse.json(try await server.store.updatePolicy(stored).json)
        }
        policies.delete(":name") { _, context in
            try await server.store.deletePolicies(owner: try context.requireCaller().name, names: [try context.parameters.require("name")])
            return APIResponse.null()
        }
    }
}
