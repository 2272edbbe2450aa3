/// A radix tree from literal prefixes to the policies indexed under them.
///
/// ``forEachPosting(along:_:)`` walks the needle once and visits the policies of every indexed prefix
/// of it. Chains of single-child nodes are merged into one node with a multi-byte label, so a lookup
/// costs a few comparisons per branching point, not one step per byte.
struct PrefixTrie: Sendable {
    /// Keys and postings collected before ``freeze()``.
    private var pending: [[UInt8]: [Int32]] = [:]

    private struct Node: Sendable {
        var labelStart: Int32 = 0
        var labelCount: Int32 = 0
        var postingStart: Int32 = 0
        var postingCount: Int32 = 0
        var childStart: Int32 = 0
        var childCount: Int32 = 0
    }

    private var nodes: [Node] = []
    /// The first label byte of each node, for choosing a child without touching the node.
    private var firstBytes: [UInt8] = []
    private var labels: [UInt8] = []
    private var postings: [Int32] = []

    var isEmpty: Bool { postings.isEmpty }

    mutating func insert(_ prefix: [UInt8], posting: Int32) {
        if pending[prefix, default: []].last != posting { pending[prefix, default: []].append(posting) }
    }

    /// Builds the tree; call once after the last insert.
    mutating func freeze() {
        let keys = pending.keys.sorted { $0.lexicographicallyPrecedes($1) }
        nodes = [Node()]
        firstBytes = [0]
        build(node: 0, keys: keys[...], depth: 0)
        pending = [:]
    }

    /// Fills `node` (whose label ends at `depth`) from `keys`, all of which share the first `depth` bytes.
    private mutating func build(node: Int, keys: ArraySlice<[UInt8]>, depth: Int) {
        var rest = keys
        if let first = rest.first, first.count == depth {
            nodes[node].postingStart = Int32(postings.count)
            postings += pending[first]!
            nodes[node].postingCount = Int32(postings.count) - nodes[node].postingStart
            rest = rest.dropFirst()
        }
        // Group the remaining keys by their next byte; each group becomes one child.
        var groups: [ArraySlice<[UInt8]>] = []
        var groupStart = rest.startIndex
        for index in rest.indices where index > groupStart && rest[index][depth] != rest[groupStart][depth] {
            groups.append(rest[groupStart..<index])
            groupStart = index
        }
        if groupStart < rest.endIndex { groups.append(rest[groupStart..<rest.endIndex]) }
        let childStart = nodes.count
        nodes[node].childStart = Int32(childStart)
        nodes[node].childCount = Int32(groups.count)
        for group in groups {
            nodes.append(Node())
            firstBytes.append(group.first![depth])
        }
        for (offset, group) in groups.enumerated() {
            // The label runs while every key in the group agrees and none ends.
            let shortest = group.map(\.count).min()!
            var end = depth + 1
            while end < shortest, group.allSatisfy({ $0[end] == group.first![end] }) { end += 1 }
            let child = childStart + offset
            nodes[child].labelStart = Int32(labels.count)
            labels += group.first![depth..<end]
            nodes[child].labelCount = Int32(end - depth)
            build(node: child, keys: group, depth: end)
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
