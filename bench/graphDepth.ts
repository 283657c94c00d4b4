/**
 * The deployment's critical path in resources: the longest chain of "must exist before" edges
 * (a resource waits for its dependencies and for its parent). Independent chains deploy in
 * parallel, so this, not the resource count, bounds how long `pulumi up` takes.
 */
export interface GraphNode {
    readonly urn: string;
    readonly parent?: string;
    readonly dependencies: readonly string[];
}

export function criticalPathLength(nodes: readonly GraphNode[]): number {
    const byUrn = new Map(nodes.map((n) => [n.urn, n]));
    const depth = new Map<string, number>();
    // Iterative DFS: stacks of 20,000 resources would overflow a recursive one.
    for (const start of nodes) {
        const stack: { urn: string; expanded: boolean }[] = [{ urn: start.urn, expanded: false }];
        while (stack.length > 0) {
            const top = stack[stack.length - 1];
            if (depth.has(top.urn)) {
                stack.pop();
                continue;
            }
            const node = byUrn.get(top.urn);
            const before = node
                ? [...node.dependencies, ...(node.parent ? [node.parent] : [])].filter((u) => byUrn.has(u))
                : [];
            if (!top.expanded) {
                top.expanded = true;
                for (const u of before) if (!depth.has(u)) stack.push({ urn: u, expanded: false });
                continue;
            }
            depth.set(top.urn, 1 + Math.max(0, ...before.map((u) => depth.get(u) ?? 0)));
            stack.pop();
        }
    }
    return Math.max(0, ...depth.values());
}
