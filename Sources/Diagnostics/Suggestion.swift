/// "Did you mean": the known name closest to an unknown one.
///
/// A case-insensitive match wins; otherwise the nearest name by edit distance (a swap of
/// two neighbours counts as one edit), if it is within max(length / 3, 1) edits (Gleam's
/// rule: close enough to be a typo, no further). Ties go to the name of the same length.
public enum Suggestion {
    public static func closest(to name: String, among candidates: some Sequence<String>) -> String? {
        let lowered = name.lowercased()
        // Any one-letter name is one edit from any other: only a change of case is a typo there.
        if name.count == 1 { return candidates.first { $0.lowercased() == lowered && $0 != name } }
        var best: (name: String, distance: Int)?
        let limit = max(name.count / 3, 1)
        for candidate in candidates where candidate != name {
            if candidate.lowercased() == lowered { return candidate }
            let distance = editDistance(lowered, candidate.lowercased(), limit: limit)
            guard distance <= limit else { continue }
            if let current = best {
                let sameLength = candidate.count == name.count && current.name.count != name.count
                if distance > current.distance || (distance == current.distance && !sameLength) { continue }
            }
            best = (candidate, distance)
        }
        return best?.name
    }

    /// Optimal-string-alignment distance (Levenshtein plus adjacent swaps), giving up early
    /// (returning limit + 1) once it must exceed `limit`.
    static func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var row = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            row[0] = i
            var rowMinimum = row[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    row[j] = min(row[j], beforePrevious[j - 2] + 1)
                }
                rowMinimum = min(rowMinimum, row[j])
            }
            if rowMinimum > limit { return limit + 1 }
            (beforePrevious, previous, row) = (previous, row, beforePrevious)
        }
        return previous[b.count]
    }
}
