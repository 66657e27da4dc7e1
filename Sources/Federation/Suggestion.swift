/// "Did you mean" for names the user typed: a case-insensitive match first,
/// then the closest name within an edit distance of max(len/3, 1).
enum Suggestion {
    /// The known name closest to `typed`, or nil when none is close enough.
    static func nearest(to typed: String, among candidates: some Sequence<String>) -> String? {
        let lowered = typed.lowercased()
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            if candidate.lowercased() == lowered { return candidate }
            let distance = editDistance(Array(lowered.unicodeScalars), Array(candidate.lowercased().unicodeScalars))
            if distance <= max(typed.count / 3, 1), distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.name
    }

    /// `did you mean 'x'?`, or nil when nothing is close.
    static func hint(for typed: String, among candidates: some Sequence<String>) -> String? {
        nearest(to: typed, among: candidates).map { "did you mean \(quoted($0))?" }
    }

    /// Edit distance over Unicode scalars, counting a swap of two adjacent
    /// characters as one edit (optimal string alignment), since swapped
    /// letters are the commonest typo.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
