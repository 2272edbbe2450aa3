public import Foundation
public import PolicyEngine

/// Reads JSON files of policies and requests, turning every failure into a ``PolicyToolError`` that
/// names the file and where in it the problem is.
public enum JSONDocumentLoader {
    /// Parses `data` (the content of `file`) as JSON.
    public static func parse(_ data: Data, file: String) throws(PolicyToolError) -> JSONValue {
        do {
            return try JSONValue.parse(data)
        } catch {
            throw PolicyToolError(file: file, message: "invalid JSON at \(error.description)")
        }
    }

    public static func read(_ file: String) throws(PolicyToolError) -> JSONValue {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw PolicyToolError(file: file, message: "cannot read the file: \((error as NSError).localizedDescription)")
        }
        return try parse(data, file: file)
    }

    /// The elements of a top-level JSON array.
    public static func array(_ document: JSONValue, file: String, of what: String) throws(PolicyToolError) -> [JSONValue] {
        guard case .array(let items) = document else {
            throw PolicyToolError(file: file, message: "$: expected a JSON array of \(what), found \(document.typeName)")
        }
        return items
    }

    public static func policies(_ document: JSONValue, file: String) throws(PolicyToolError) -> [Policy] {
        try elements(of: document, file: file, named: "policies") { json, path throws(JSONShapeError) in
            try Policy(json: json, at: path)
        }
    }

    public static func requests(_ document: JSONValue, file: String) throws(PolicyToolError) -> [AccessRequest] {
        try elements(of: document, file: file, named: "requests") { json, path throws(JSONShapeError) in
            try AccessRequest(json: json, at: path)
        }
    }

    /// Decodes every element of a top-level array; the first bad one stops with its path.
    private static func elements<Element>(
        of document: JSONValue, file: String, named what: String,
        _ decode: (JSONValue, JSONPath) throws(JSONShapeError) -> Element
    ) throws(PolicyToolError) -> [Element] {
        var result: [Element] = []
        for (index, item) in try array(document, file: file, of: what).enumerated() {
            do {
                result.append(try decode(item, JSONPath.root.appending(index)))
            } catch {
                throw PolicyToolError(file: file, message: error.description)
            }
        }
        return result
    }
}
