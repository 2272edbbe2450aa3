/// A radix tree from literal prefixes to the policies indexed under them.
///
/// ``forEachPosting(along:_:)`` walks the needle once and visits the policies of every indexed prefix
/// of it. Chains of single-child nodes are merged into one node with a multi-byte label, so a lookup
/// costs a few comparisons per branching point, not one step per byte.
struct PrefixTrie: Sendable {
    private struct Node: Sendable {
        var labelStart: Int32 = 0
        var labelCount: Int32 = 0
        var postingStart: Int32 = 0
        var postingCount: Int32 = 0
        var childStart: Int32 = 0
        var childCount: Int32 = 0
    }

    /// One indexed prefix and its postings.
    typealias Entry = (prefix: [UInt8], postings: [Int32])

    private var nodes: [Node] = [Node()]
    /// The first label byte of each node, for choosing a child without touching the node.
    private var firstBytes: [UInt8] = [0]
    private var labels: [UInt8] = []
    private var postings: [Int32] = []

    var isEmpty: Bool { postings.isEmpty }

    init() {}

    /// A tree of `entries`, sorted by prefix (byte-wise), each prefix once.
    private init(sorted entries: [Entry]) {
        build(node: 0, entries: entries[...], depth: 0)
    }

    /// This tree with every posting `p` renumbered to `renumber[p]` (-1 drops it) and `additions` filed too.
    ///
    /// A policy set rebuilt after a change renumbers its bodies; when the change added no prefix to this tree, the
    /// shape stays and only the postings are rewritten.
    func updated(renumber: [Int32], adding additions: [(prefix: [UInt8], posting: Int32)]) -> PrefixTrie {
        if additions.isEmpty {
            var result = self
            result.postings = []
            result.postings.reserveCapacity(postings.count)
            for node in nodes.indices {
                let old = nodes[node]
                result.nodes[node].postingStart = Int32(result.postings.count)
                for index in Int(old.postingStart)..<Int(old.postingStart + old.postingCount) {
                    let renumbered = renumber[Int(postings[index])]
                    if renumbered >= 0 { result.postings.append(renumbered) }
                }
                result.nodes[node].postingCount = Int32(result.postings.count) - result.nodes[node].postingStart
            }
            return result
        }
        var existing: [Entry] = []
        var path: [UInt8] = []
        collect(node: 0, path: &path, renumber: renumber, into: &existing)
        let sortedAdditions = additions.sorted {
            $0.prefix == $1.prefix ? $0.posting < $1.posting : $0.prefix.lexicographicallyPrecedes($1.prefix)
        }
        // Merge two sorted lists of prefixes; an added posting joins an existing prefix's list.
        var merged: [Entry] = []
        merged.reserveCapacity(existing.count + sortedAdditions.count)
        var next = 0
        for addition in sortedAdditions {
            while next < existing.count, existing[next].prefix.lexicographicallyPrecedes(addition.prefix) {
                merged.append(existing[next])
                next += 1
            }
            if next < existing.count, existing[next].prefix == addition.prefix {
                merged.append(existing[next])
                next += 1
            }
            if merged.last?.prefix == addition.prefix {
                if merged[merged.count - 1].postings.last != addition.posting { merged[merged.count - 1].postings.append(addition.posting) }
            } else {
                merged.append((addition.prefix, [addition.posting]))
            }
        }
        merged += existing[next...]
        return PrefixTrie(sorted: merged)
    }

    /// The entries under `node` in prefix order, renumbered; prefixes left without postings are dropped.
    private func collect(node index: Int, path: inout [UInt8], renumber: [Int32], into entries: inout [Entry]) {
        let node = nodes[index]
        path += labels[Int(node.labelStart)..<Int(node.labelStart + node.labelCount)]
        var kept: [Int32] = []
        for posting in postings[Int(node.postingStart)..<Int(node.postingStart + node.postingCount)] {
            let renumbered = renumber[Int(posting)]
            if renumbered >= 0 { kept.append(renumbered) }
        }
        if !kept.isEmpty { entries.append((path, kept)) }
        for child in Int(node.childStart)..<Int(node.childStart + node.childCount) {
            collect(node: child, path: &path, renumber: renumber, into: &entries)
        }
        path.removeLast(Int(node.labelCount))
    }

    /// Fills `node` (whose label ends at `depth`) from `entries`, all of whose prefixes share the first `depth` bytes.
    private mutating func build(node: Int, entries: ArraySlice<Entry>, depth: Int) {
        var rest = entries
        if let first = rest.first, first.prefix.count == depth {
            nodes[node].postingStart = Int32(postings.count)
            postings += first.postings
            nodes[node].postingCount = Int32(postings.count) - nodes[node].postingStart
            rest = rest.dropFirst()
        }
        // Group the remaining prefixes by their next byte; each group becomes one child.
        var groups: [ArraySlice<Entry>] = []
        var groupStart = rest.startIndex
        for index in rest.indices where index > groupStart && rest[index].prefix[depth] != rest[groupStart].prefix[depth] {
            groups.append(rest[groupStart..<index])
            groupStart = index
        }
        if groupStart < rest.endIndex { groups.append(rest[groupStart..<rest.endIndex]) }
        let childStart = nodes.count
        nodes[node].childStart = Int32(childStart)
        nodes[node].childCount = Int32(groups.count)
        for group in groups {
            nodes.append(Node())
            firstBytes.append(group.first!.prefix[depth])
        }
        for (offset, group) in groups.enumerated() {
            // The label runs while every prefix in the group agrees and none ends.
            let first = group.first!.prefix
            let shortest = group.map(\.prefix.count).min()!
            var end = depth + 1
            while end < shortest, group.allSatisfy({ $0.prefix[end] == first[end] }) { end += 1 }
            let child = childStart + offset
            nodes[child].labelStart = Int32(labels.count)
            labels += first[depth..<end]
            nodes[child].labelCount = Int32(end - depth)
            build(node: child, entries: group, depth: end)
        }
    }

    @inline(__always)
    func forEachPosting(along needle: UnsafeBufferPointer<UInt8>, _ body: (Int32) -> Void) {
        nodes.withUnsafeBufferPointer { nodes in
            labels.withUnsafeBufferPointer { labels in
                var node = nodes[0]
                var depth = 0
                while true {
                    for index in Int(node.postingStart)..<Int(node.postingStart + node.postingCount) { body(postings[index]) }
                    guard depth < needle.count else { return }
                    let byte = needle[depth]
                    var found = -1
                    for child in Int(node.childStart)..<Int(node.childStart + node.childCount) where firstBytes[child] == byte {
                        found = child
                        break
                    }
                    guard found >= 0 else { return }
                    let next = nodes[found]
                    let count = Int(next.labelCount)
                    guard depth + count <= needle.count,
                          memoryEqual(needle.baseAddress! + depth, labels.baseAddress! + Int(next.labelStart), count)
                    else { return }
                    depth += count
                    node = next
                }
            }
        }
    }
}
