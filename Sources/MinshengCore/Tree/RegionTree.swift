/// The region tree (province → city → county / district / zone, plus 本级 nodes), held in memory.
///
/// Regions are few (a province has about 150) and change rarely, so the whole tree is loaded
/// and the ancestor and subtree questions every access check asks are answered here.
public struct RegionTree: Sendable {
    public struct Node: Sendable, Equatable {
        public var id: Int
        public var parentID: Int?
        public var name: String
        public var kind: RegionKind
        public var code: String?
        public var sortOrder: Int

        public init(id: Int, parentID: Int?, name: String, kind: RegionKind, code: String? = nil, sortOrder: Int = 0) {
            self.id = id
            self.parentID = parentID
            self.name = name
            self.kind = kind
            self.code = code
            self.sortOrder = sortOrder
        }
    }

    public private(set) var nodes: [Int: Node]
    private var childrenByParent: [Int: [Int]]
    public private(set) var roots: [Int]

    public init(_ list: [Node]) {
        var nodes: [Int: Node] = [:]
        for node in list { nodes[node.id] = node }
        var children: [Int: [Int]] = [:]
        var roots: [Int] = []
        for node in list {
            if let parent = node.parentID, nodes[parent] != nil {
                children[parent, default: []].append(node.id)
            } else {
                roots.append(node.id)
            }
        }
        let order: (Int, Int) -> Bool = { a, b in
            let left = nodes[a], right = nodes[b]
            if left?.sortOrder != right?.sortOrder { return (left?.sortOrder ?? 0) < (right?.sortOrder ?? 0) }
            return a < b
        }
        for key in children.keys { children[key]?.sort(by: order) }
        self.nodes = nodes
        self.childrenByParent = children
        self.roots = roots.sorted(by: order)
    }

    public subscript(id: Int) -> Node? { nodes[id] }

    public func children(of id: Int) -> [Node] {
        (childrenByParent[id] ?? []).compactMap { nodes[$0] }
    }

    /// The node and every node below it, parents before children, siblings in order.
    public func subtree(of id: Int) -> [Node] {
        guard let root = nodes[id] else { return [] }
        var result = [root]
        var visited: Set<Int> = [id]
        var stack = Array((childrenByParent[id] ?? []).reversed())
        while let next = stack.popLast() {
            guard visited.insert(next).inserted, let node = nodes[next] else { continue }
            result.append(node)
            stack.append(contentsOf: (childrenByParent[next] ?? []).reversed())
        }
        return result
    }

    public func subtreeIDs(of id: Int) -> Set<Int> {
        Set(subtree(of: id).map(\.id))
    }

    /// From the root down to the node's parent.
    public func ancestors(of id: Int) -> [Node] {
        var chain: [Node] = []
        var seen: Set<Int> = [id]
        var current = nodes[id]?.parentID
        while let parent = current, let node = nodes[parent], seen.insert(parent).inserted {
            chain.append(node)
            current = node.parentID
        }
        return chain.reversed()
    }

    /// True when `id` is `ancestor` itself or lies below it.
    public func isWithin(_ id: Int, of ancestor: Int) -> Bool {
        if id == ancestor { return true }
        return ancestors(of: id).contains { $0.id == ancestor }
    }

    /// Depth below the root (a root has depth 0).
    public func depth(of id: Int) -> Int { ancestors(of: id).count }

    /// "湖南省 / 邵阳市 / 邵东市"
    public func path(of id: Int) -> String {
        (ancestors(of: id) + [nodes[id]].compactMap { $0 }).map(\.name).joined(separator: " / ")
    }

    /// All nodes, each root followed by its subtree.
    public var ordered: [Node] { roots.flatMap { subtree(of: $0) } }
}
