import HTTPTypes
import Hummingbird
import IAMResources
import NIOCore
import PolicyEngine

/// Responses with marmotedu/iam's bodies: resource JSON, the literal `null`, or `{"code","message"}`.
enum APIResponse {
    static let jsonContentType = "application/json; charset=utf-8"

    static func json(_ text: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: jsonContentType]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `200 null`: what deletes, change-password and logout answer.
    static func null(headers: HTTPFields = [:]) -> Response { json("null", headers: headers) }

    /// `{"totalCount":N,"items":[…]}` with `totalCount` omitted when 0, as Go's `omitempty` does.
    static func list(totalCount: Int64, items: [String]) -> Response {
        var writer = JSONObjectWriter()
        writer.integerOmitZero("totalCount", totalCount)
        writer.raw("items", "[" + items.joined(separator: ",") + "]")
        return json(writer.text)
    }

    /// The error body; the detail that says what to fix goes in `details` (absent in marmotedu/iam, ignored by
    /// its clients).
    static func error(_ error: IAMError, realm: String) -> Response {
        var writer = JSONObjectWriter()
        writer.integer("code", error.code.code)
        writer.string("message", error.code.message)
        if !error.detail.isEmpty, error.code.httpStatus < 500 { writer.string("details", error.detail) }
        var headers: HTTPFields = [:]
        if error.code.httpStatus == 401 { headers[.wwwAuthenticate] = "JWT realm=\(realm)" }
        return json(writer.text, status: HTTPResponse.Status(code: error.code.httpStatus), headers: headers)
    }
}
