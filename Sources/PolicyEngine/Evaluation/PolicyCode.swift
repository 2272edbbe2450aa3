/// The templates of a policy set in plain-value form, laid out in a few flat buffers, so that a
/// decision reads them without touching a reference count.
///
/// Immutable after `init` (the buffers are written once, then only read, and freed in `deinit`), which is
/// what makes sharing it between threads safe.
final class PolicyCode: @unchecked Sendable {
    /// A run of elements in one of the buffers.
    struct Span: Sendable {
        var start: Int32 = 0
        var count: Int32 = 0
        var range: Range<Int> { Int(start)..<Int(start + count) }
    }

    struct Template: Sendable {
        enum Kind: UInt8, Sendable { case exact, smallSet, largeSet, prefixAnySuffix, classRun, glob, program, malformed }
        var kind: Kind
        /// exact: the bytes; smallSet: the member spans; prefixAnySuffix, classRun, glob and program: the prefix.
        var first = Span()
        /// prefixAnySuffix, classRun and glob: the suffix.
        var second = Span()
        /// largeSet: table index; classRun: class index; program: program index; malformed: error index.
        var side: Int32 = 0
        /// classRun: how many scalars the run may have (`maximum` -1: unbounded).
        /// glob: `minimum` is the first middle piece in `members`, `maximum` the number of them.
        var minimum: Int32 = 0
        var maximum: Int32 = 0
    }

    /// One policy body: its three template lists and whether it has conditions.
    struct PolicyRecord: Sendable {
        var actions = Span()
        var subjects = Span()
        var resources = Span()
        var hasConditions = false
    }

    /// Sets larger than this are looked up by hash instead of compared one by one.
    static let smallSetLimit = 8

    private let bytes: UnsafeMutableBufferPointer<UInt8>
    private let members: UnsafeMutableBufferPointer<Span>
    private let templates: UnsafeMutableBufferPointer<Template>
    /// By body number.
    let policies: UnsafeMutableBufferPointer<PolicyRecord>
    /// Policy positions of each body (``PolicyBodies``), and each policy's effect.
    private let memberStart: UnsafeMutableBufferPointer<Int32>
    private let memberList: UnsafeMutableBufferPointer<Int32>
    let memberAllows: UnsafeMutableBufferPointer<Bool>
    private let tables: [ByteStringTable]
    /// Class runs' classes: the ASCII part as a bitmap (plain values), the rest as `CharacterClass`.
    private let asciiClasses: UnsafeMutableBufferPointer<(UInt64, UInt64)>
    private let classes: [CharacterClass]
    private let programs: [RegexProgram]
    private let errors: [TemplateError]
    /// The template text, by template index, for messages.
    private let sources: [String]

    /// Templates the bodies refer to.
    let liveTemplates: Int
    /// Templates no body refers to any more (left behind by bodies that a change dropped).
    var unusedTemplates: Int { templates.count - liveTemplates }

    /// `compiled` holds one policy per body; `allows` the effect of every policy of the set.
    ///
    /// - Parameter previous: the code of the set this one replaces. Its buffers are copied as they are and only
    ///   the bodies it did not have (``PolicyBodies/previousBody`` -1) are encoded and appended, unless the
    ///   templates of dropped bodies have come to outweigh the live ones (by more than 512): then everything is
    ///   encoded afresh.
    init(_ compiled: [CompiledPolicy], bodies: PolicyBodies, allows: [Bool], reusing previous: PolicyCode? = nil) {
        var builder = Builder()
        var reused = bodies.previousBody
        if let previous, previous.unusedTemplates <= previous.liveTemplates + 512 {
            builder = Builder(copying: previous)
        } else {
            reused = Array(repeating: -1, count: compiled.count)
        }
        var liveTemplates = 0
        let records = zip(compiled, reused).map { policy, previousBody in
            let record = previousBody >= 0
                ? previous!.policies[Int(previousBody)]
                : PolicyRecord(actions: builder.add(policy.actions), subjects: builder.add(policy.subjects),
                               resources: builder.add(policy.resources), hasConditions: !policy.conditions.isEmpty)
            liveTemplates += Int(record.actions.count + record.subjects.count + record.resources.count)
            return record
        }
        self.liveTemplates = liveTemplates
        memberStart = PolicyCode.freeze(bodies.start)
        memberList = PolicyCode.freeze(bodies.members)
        memberAllows = PolicyCode.freeze(allows)
        bytes = PolicyCode.freeze(builder.bytes)
        members = PolicyCode.freeze(builder.members)
        templates = PolicyCode.freeze(builder.templates)
        policies = PolicyCode.freeze(records)
        tables = builder.tables
        asciiClasses = PolicyCode.freeze(builder.classes.map(\.asciiBitmap))
        classes = builder.classes
        programs = builder.programs
        errors = builder.errors
        sources = builder.sources
    }

    deinit {
        bytes.deallocate()
        members.deallocate()
        templates.deallocate()
        policies.deallocate()
        asciiClasses.deallocate()
        memberStart.deallocate()
        memberList.deallocate()
        memberAllows.deallocate()
    }

    private static func freeze<Element>(_ array: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: max(1, array.count))
        _ = buffer.initialize(from: array)
        return UnsafeMutableBufferPointer(rebasing: buffer[0..<array.count])
    }

    /// The policy positions sharing body `body`, ascending.
    @inline(__always)
    func members(of body: Int) -> UnsafeMutableBufferPointer<Int32> {
        UnsafeMutableBufferPointer(rebasing: memberList[Int(memberStart[body])..<Int(memberStart[body + 1])])
    }

    /// Ladon's `Matches` on one list of one policy: entries in order, the first match wins, a malformed
    /// entry reached is an error.
    @inline(__always)
    func match(_ span: Span, _ needle: UnsafeBufferPointer<UInt8>) -> CompiledPolicy.Verdict {
        for index in span.range {
            switch matches(templates[index], needle) {
            case .match: return .passed
            case .noMatch: continue
            case .tooExpensive: return .failed
            }
        }
        return .rejected
    }

    /// Why ``match(_:_:)`` failed on this list, or nil when it did not.
    func failureMessage(_ span: Span, _ needle: UnsafeBufferPointer<UInt8>) -> String? {
        for index in span.range {
            let template = templates[index]
            switch matches(template, needle) {
            case .match: return nil
            case .noMatch: continue
            case .tooExpensive:
                if template.kind == .malformed { return errors[Int(template.side)].description }
                return "template \"\(sources[index])\" is too expensive to match against a \(needle.count)-byte value"
            }
        }
        return nil
    }

    @inline(__always)
    private func matches(_ template: Template, _ needle: UnsafeBufferPointer<UInt8>) -> RegexRunResult {
        switch template.kind {
        case .exact:
            return equal(needle, template.first) ? .match : .noMatch
        case .smallSet:
            for index in template.first.range where equal(needle, members[index]) { return .match }
            return .noMatch
        case .largeSet:
            return tables[Int(template.side)].find(needle) != nil ? .match : .noMatch
        case .prefixAnySuffix:
            guard let (start, end) = between(template, needle) else { return .noMatch }
            return containsNewline(needle, from: start, droppingLast: needle.count - end) ? .noMatch : .match
        case .classRun:
            return matchesClassRun(template, needle) ? .match : .noMatch
        case .glob:
            return matchesGlob(template, needle) ? .match : .noMatch
        case .program:
            guard startsWith(needle, template.first) else { return .noMatch }
            return programs[Int(template.side)].run(needle)
        case .malformed:
            return .tooExpensive  // reported as the template's error by `match`
        }
    }

    /// Where the middle of `needle` lies when it starts with the template's prefix (`first`) and ends with
    /// its suffix (`second`) without the two overlapping; nil otherwise.
    @inline(__always)
    private func between(_ template: Template, _ needle: UnsafeBufferPointer<UInt8>) -> (start: Int, end: Int)? {
        let prefix = template.first
        let suffix = template.second
        guard needle.count >= Int(prefix.count + suffix.count), startsWith(needle, prefix), endsWith(needle, suffix) else {
            return nil
        }
        return (Int(prefix.count), needle.count - Int(suffix.count))
    }

    /// Prefix at the start, suffix at the end, each middle piece found leftmost after the previous one,
    /// and no newline anywhere (it would fall under a wildcard).
    @inline(__always)
    private func matchesGlob(_ template: Template, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let (start, end) = between(template, needle), !containsNewline(needle) else { return false }
        var position = start
        for index in Int(template.minimum)..<Int(template.minimum + template.maximum) {
            let piece = members[index]
            let length = Int(piece.count)
            let pieceStart = bytes.baseAddress! + Int(piece.start)
            var found = false
            while position + length <= end {
                if memoryEqual(needle.baseAddress! + position, pieceStart, length) {
                    found = true
                    break
                }
                position += 1
            }
            guard found else { return false }
            position += length
        }
        return true
    }

    /// Prefix and suffix fixed, every scalar between them in the class, and as many as allowed.
    @inline(__always)
    private func matchesClassRun(_ template: Template, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let (start, end) = between(template, needle) else { return false }
        let (low, high) = asciiClasses[Int(template.side)]
        var position = start
        var scalars: Int32 = 0
        while position < end {
            let byte = needle[position]
            if byte < 64 {
                guard low & (1 << UInt64(byte)) != 0 else { return false }
                position += 1
            } else if byte < 128 {
                guard high & (1 << UInt64(byte - 64)) != 0 else { return false }
                position += 1
            } else {
                let (scalar, length) = UTF8Decoding.scalar(needle, at: position)
                guard classes[Int(template.side)].contains(scalar) else { return false }
                position += length
            }
            scalars += 1
        }
        return scalars >= template.minimum && (template.maximum < 0 || scalars <= template.maximum)
    }

    @inline(__always)
    private func equal(_ needle: UnsafeBufferPointer<UInt8>, _ span: Span) -> Bool {
        needle.count == Int(span.count) && (span.count == 0 || memoryEqual(needle.baseAddress!, bytes.baseAddress! + Int(span.start), needle.count))
    }

    @inline(__always)
    private func startsWith(_ needle: UnsafeBufferPointer<UInt8>, _ span: Span) -> Bool {
        needle.count >= Int(span.count) && (span.count == 0 || memoryEqual(needle.baseAddress!, bytes.baseAddress! + Int(span.start), Int(span.count)))
    }

    @inline(__always)
    private func endsWith(_ needle: UnsafeBufferPointer<UInt8>, _ span: Span) -> Bool {
        needle.count >= Int(span.count)
            && (span.count == 0
                || memoryEqual(needle.baseAddress! + (needle.count - Int(span.count)), bytes.baseAddress! + Int(span.start), Int(span.count)))
    }
}

extension PolicyCode {
    /// Appends compiled templates to growing arrays; ``PolicyCode`` freezes them.
    fileprivate struct Builder {
        var bytes: [UInt8] = []
        var members: [Span] = []
        var templates: [Template] = []
        var tables: [ByteStringTable] = []
        var programs: [RegexProgram] = []
        var classes: [CharacterClass] = []
        var errors: [TemplateError] = []
        var sources: [String] = []

        init() {}

        /// Starts from everything `code` holds, so that its spans and side-table indices stay valid.
        init(copying code: PolicyCode) {
            bytes = Array(code.bytes)
            members = Array(code.members)
            templates = Array(code.templates)
            tables = code.tables
            programs = code.programs
            classes = code.classes
            errors = code.errors
            sources = code.sources
        }

        mutating func store(_ data: [UInt8]) -> Span {
            defer { bytes += data }
            return Span(start: Int32(bytes.count), count: Int32(data.count))
        }

        mutating func add(_ entries: [CompiledPolicy.Entry]) -> Span {
            let start = templates.count
            for entry in entries {
                switch entry {
                case .malformed(let error):
                    errors.append(error)
                    templates.append(Template(kind: .malformed, side: Int32(errors.count - 1)))
                    sources.append(error.template)
                case .template(let template):
                    for matcher in template.matchers {
                        templates.append(encode(matcher))
                        sources.append(template.source)
                    }
                }
            }
            return Span(start: Int32(start), count: Int32(templates.count - start))
        }

        private mutating func encode(_ matcher: CompiledTemplate.Matcher) -> Template {
            switch matcher {
            case .exact(let data):
                return Template(kind: .exact, first: store(data))
            case .oneOf(let table, let list) where list.count > PolicyCode.smallSetLimit:
                tables.append(table)
                return Template(kind: .largeSet, side: Int32(tables.count - 1))
            case .oneOf(_, let list):
                let start = members.count
                for member in list { members.append(store(member)) }
                return Template(kind: .smallSet, first: Span(start: Int32(start), count: Int32(list.count)))
            case .prefixAnySuffix(let prefix, let suffix):
                return Template(kind: .prefixAnySuffix, first: store(prefix), second: store(suffix))
            case .prefixClassRunSuffix(let prefix, let run, let minimum, let maximum, let suffix):
                classes.append(run)
                return Template(kind: .classRun, first: store(prefix), second: store(suffix), side: Int32(classes.count - 1),
                                minimum: Int32(minimum), maximum: Int32(maximum ?? -1))
            case .glob(let prefix, let middles, let suffix):
                let start = members.count
                for middle in middles { members.append(store(middle)) }
                return Template(kind: .glob, first: store(prefix), second: store(suffix),
                                minimum: Int32(start), maximum: Int32(middles.count))
            case .program(let program, let prefix):
                programs.append(program)
                return Template(kind: .program, first: store(prefix), side: Int32(programs.count - 1))
            }
        }
    }
}
