/// The OpenAPI 3 description of this API, served at `/openapi.json` (a copy is `docs/openapi.json`; a test keeps
/// them equal).
enum OpenAPIDocument {
    static let text = #"""
{}
"""#
}
