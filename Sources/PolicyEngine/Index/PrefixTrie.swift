/// A byte trie from literal prefixes to the policies indexed under them.
///
/// ``forEachPosting(along:_:)`` walks the needle once and visits the policies of every indexed prefix
/// of it, so a lookup costs the needle's length, not the number of prefixes.
struct PrefixTrie: Sendable {
    private var firstChild: [Int32] = [-1]
    private var nextSibling: [Int32] = [-1]
    private var label: [UInt8] = [0]
    private var postingsByNode: [[Int32]] = [[]]
    /// Frozen postings: node `n` owns `pool[start[n]..<start[n + 1]]`.
    private var start: [Int32] = []
    private var pool: [Int32] = []

    var isEmpty: Bool { pool.isEmpty }

    mutating func insert(_ prefix: [UInt8], posting: Int32) {
        var node = 0
        for byte in prefix {
            var child = Int(firstChild[node])
            while child >= 0, label[child] != byte { child = Int(nextSibling[child]) }
            if child < 0 {
                child = label.count
                label.append(byte)
                firstChild.append(-1)
                nextSibling.append(firstChild[node])
                postingsByNode.append([])
                firstChild[node] = Int32(child)
            }
            node = child
        }
        if postingsByNode[node].last != posting { postingsByNode[node].append(posting) }
    }

    /// Flattens the postings for lookups; call once after the last insert.
    mutating func freeze() {
        start = [0]
        for postings in postingsByNode {
            pool += postings
            start.append(Int32(pool.count))
        }
        postingsByNode = []
    }

    @inline(__always)
    func forEachPosting(along needle: UnsafeBufferPointer<UInt8>, _ body: (Int32) -> Void) {
        var node = 0
        var depth = 0
        while true {
            for index in Int(start[node])..<Int(start[node + 1]) { body(pool[index]) }
            guard depth < needle.count else { return }
            let byte = needle[depth]
            var child = Int(firstChild[node])
            while child >= 0, label[child] != byte { child = Int(nextSibling[child]) }
            guard child >= 0 else { return }
            node = child
            depth += 1
        }
    }
}
