import HTTPWire

extension HTTPRequestScanner {
    /// The request line and the headers authz reads, from the head's bytes (without the final CRLF CRLF), and where
    /// in those bytes the `Authorization` value lies.
    static func parseHead(_ bytes: HeadBytes) throws(HTTPScanError) -> (ScannedRequestHead, authorization: Range<Int>?) {
        guard !bytes.isEmpty else { throw .bad("empty request") }
        var (line, next) = try HTTPWire.nextLine(bytes, from: bytes.startIndex)
        let requestLine = try HTTPWire.requestLine(line)
        var head = ScannedRequestHead(
            method: String(decoding: requestLine.method, as: UTF8.self), target: String(decoding: requestLine.target, as: UTF8.self),
            minorVersion: requestLine.minorVersion, keepAlive: true, authorization: nil
        )
        var framing = RequestFramingHeaders()
        var authorization: Range<Int>?
        var connectionTokens: [String] = []
        while let start = next {
            (line, next) = try HTTPWire.nextLine(bytes, from: start)
            let (name, value) = try HTTPWire.headerField(line)
            if try framing.add(name: name, value: value) { continue }
            // Names are compared by length first, then byte by byte ignoring case: most headers are skipped at once.
            switch name.count {
            case 10 where HTTPWire.equalsIgnoringCase(name, "connection"):
                connectionTokens += lowercased(value[...]).split(separator: ",").map { String($0.trimmingWhitespace()) }
            case 13 where HTTPWire.equalsIgnoringCase(name, "authorization"):
                guard authorization == nil else { throw .bad("two Authorization headers") }
                authorization = value.startIndex..<value.endIndex
            case 6 where HTTPWire.equalsIgnoringCase(name, "expect"):
                head.expectContinue = HTTPWire.equalsIgnoringCase(value, "100-continue")
            default:
                break
            }
        }
        head.framing = try framing.framing(minorVersion: head.minorVersion)
        head.keepAlive = head.minorVersion == 1 ? !connectionTokens.contains("close") : connectionTokens.contains("keep-alive")
        return (head, authorization)
    }

    private static func lowercased(_ bytes: HeadBytes) -> String {
        String(decoding: bytes.map(HTTPWire.lowercased), as: UTF8.self)
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var slice = self
        while slice.first == " " || slice.first == "\t" { slice = slice.dropFirst() }
        while slice.last == " " || slice.last == "\t" { slice = slice.dropLast() }
        return slice
    }
}
