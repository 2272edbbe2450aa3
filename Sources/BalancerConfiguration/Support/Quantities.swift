/// Durations and sizes as the two dialects write them.
enum Quantities {
    /// HAProxy time: a number with an optional unit `us`, `ms`, `s`, `m`, `h`, `d`; no unit means milliseconds.
    static func haproxyDuration(_ text: String) -> Duration? {
        duration(text, defaultUnit: "ms", units: ["us": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600, "d": 86400])
    }

    /// nginx time: one or more `NUMBER[UNIT]` (`1h30m`), units `ms s m h d w M y`; no unit means seconds.
    static func nginxDuration(_ text: String) -> Duration? {
        let units: [String: Double] = ["ms": 1e-3, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800, "M": 2_592_000, "y": 31_536_000]
        var total = 0.0
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isNumber }
            guard !digits.isEmpty, let value = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unit = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unit.count)
            if unit.isEmpty {
                guard rest.isEmpty else { return nil }
                total += value
            } else {
                guard let scale = units[String(unit)] else { return nil }
                total += value * scale
            }
        }
        return .milliseconds(Int64((total * 1000).rounded()))
    }

    private static func duration(_ text: String, defaultUnit: String, units: [String: Double]) -> Duration? {
        let digits = text.prefix { $0.isNumber || $0 == "." }
        guard !digits.isEmpty, let value = Double(digits) else { return nil }
        let unit = String(text.dropFirst(digits.count))
        guard let scale = units[unit.isEmpty ? defaultUnit : unit] else { return nil }
        return .microseconds(Int64((value * scale * 1_000_000).rounded()))
    }

    /// nginx size: `5m`, `512k`, `1g`, bytes without a unit.
    static func nginxSize(_ text: String) -> Int? {
        guard let last = text.last else { return nil }
        let scales: [Character: Int] = ["k": 1024, "K": 1024, "m": 1 << 20, "M": 1 << 20, "g": 1 << 30, "G": 1 << 30]
        if let scale = scales[last] {
            return Int(text.dropLast()).map { $0 * scale }
        }
        return Int(text)
    }

    /// `HOST:PORT`, `[V6]:PORT`, `:PORT`, `*:PORT`, or a bare port; nil host means every address.
    static func hostAndPort(_ text: String) -> (host: String?, port: Int)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (0...65535).contains(port) else { return nil }
            return (host, port)
        }
        if let colon = text.lastIndex(of: ":") {
            let host = String(text[..<colon])
            guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port), !host.contains(":") else {
                return nil
            }
            return (host.isEmpty || host == "*" ? nil : host, port)
        }
        if let port = Int(text), (1...65535).contains(port) { return (nil, port) }
        return nil
    }
}
