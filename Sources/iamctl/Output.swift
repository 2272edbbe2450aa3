import ArgumentParser
import Foundation
import IAMResources
import PolicyEngine

/// Printing resources: aligned tables, JSON as the server sent it, or YAML.
enum Output {
    /// Columns padded to their widest cell, headers in capitals.
    static func table(_ headers: [String], _ rows: [[String]]) {
        let all = [headers.map { $0.uppercased() }] + rows
        let widths = headers.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        for row in all {
            let cells = row.indices.map { index in
                index == row.count - 1 ? row[index] : row[index] + String(repeating: " ", count: widths[index] - row[index].count)
            }
            Swift.print(cells.joined(separator: "   "))
        }
    }

    static func print(_ value: JSONValue, as format: OutputFormat) {
        switch format {
        case .json, .table: Swift.print(value.description)
        case .yaml: Swift.print(yaml(value, indent: 0), terminator: "")
        }
    }

    /// Block YAML of a JSON value (keys sorted, strings quoted when YAML would misread them).
    static func yaml(_ value: JSONValue, indent: Int) -> String {
        let pad = String(repeating: "  ", count: indent)
        switch value {
        case .object(let members) where !members.isEmpty:
            return members.sorted { $0.key < $1.key }.map { key, member in
                switch member {
                case .object(let nested) where !nested.isEmpty: return "\(pad)\(key):\n" + yaml(member, indent: indent + 1)
                case .array(let items) where !items.isEmpty: return "\(pad)\(key):\n" + yaml(member, indent: indent)
                default: return "\(pad)\(key): \(scalar(member))\n"
                }
            }.joined()
        case .array(let items) where !items.isEmpty:
            return items.map { item in
                switch item {
                case .object(let nested) where !nested.isEmpty:
                    let body = yaml(item, indent: indent + 1)
                    return pad + "- " + body.dropFirst(pad.count + 2)
                default: return "\(pad)- \(scalar(item))\n"
                }
            }.joined()
        default:
            return pad + scalar(value) + "\n"
        }
    }

    private static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .object: "{}"
        case .array: "[]"
        case .string(let text): JSONValue.quoted(text)
        default: value.description
        }
    }

    /// `2006-01-02 15:04:05` from the API's RFC 3339 text.
    static func time(_ value: JSONValue?) -> String {
        guard case .string(let text)? = value, text.count >= 19 else { return "" }
        return String(text.prefix(19)).replacingOccurrences(of: "T", with: " ")
    }

    static func string(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text)?: text
        case .number?, .bool?: value!.description
        default: ""
        }
    }
}

extension JSONValue {
    /// The member at a dotted path (`metadata.name`).
    subscript(path path: String) -> JSONValue? {
        var current: JSONValue? = self
        for key in path.split(separator: ".") { current = current?.member(String(key)) }
        return current
    }

    var listItems: [JSONValue] {
        if case .array(let items)? = member("items") { return items }
        return []
    }
}
