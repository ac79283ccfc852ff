/// The plan's region column order, merged from the order each indicator lists its regions in.
///
/// A plan file lists regions per indicator, and an indicator may skip regions ("/"), so the
/// first appearance of a region is not its column: in reference 000 附件1 the first indicator
/// skips 双清区, 大祥区 and 北塔区. Every indicator's sequence is a constraint "comes before";
/// a topological order of all of them is the table's order. Where the file leaves two regions
/// unordered (they never share an indicator), the one known to precede more distinct regions
/// goes first, then the one seen first: in 附件3 市本级 shares only three indicators but
/// precedes both 大祥区 and 邵东市 in them, and the bulletin prints it first.
public enum ColumnOrder {
    public static func merge<Name: Hashable>(_ sequences: [[Name]]) -> [Name] {
        var firstSeen: [Name: Int] = [:]
        var successors: [Name: Set<Name>] = [:]
        var indegree: [Name: Int] = [:]
        for sequence in sequences {
            for name in sequence where firstSeen[name] == nil {
                firstSeen[name] = firstSeen.count
                indegree[name] = 0
            }
            for (a, b) in zip(sequence, sequence.dropFirst()) where a != b {
                if successors[a, default: []].insert(b).inserted { indegree[b, default: 0] += 1 }
            }
        }
        var ready = indegree.filter { $0.value == 0 }.map(\.key)
        var result: [Name] = []
        while !ready.isEmpty {
            ready.sort { a, b in
                let sa = successors[a]?.count ?? 0, sb = successors[b]?.count ?? 0
                if sa != sb { return sa < sb }
                return (firstSeen[a] ?? 0) > (firstSeen[b] ?? 0)
            }
            guard let next = ready.popLast() else { break }
            result.append(next)
            for successor in successors[next] ?? [] {
                indegree[successor, default: 0] -= 1
                if indegree[successor] == 0 { ready.append(successor) }
            }
        }
        // Contradictory files (A before B and B before A) leave a cycle: append the rest by first appearance.
        if result.count < firstSeen.count {
            let placed = Set(result)
            result += firstSeen.keys.filter { !placed.contains($0) }.sorted { (firstSeen[$0] ?? 0) < (firstSeen[$1] ?? 0) }
        }
        return result
    }
}
