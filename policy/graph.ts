/**
 * The stack as a graph the stack policies can ask questions of, without ever scanning every
 * resource per question: resources indexed by URN, by type, by parent, and (lazily, once) by the
 * property values other resources refer to them by.
 *
 * Two ways one resource refers to another, and the policies need both:
 *
 * - **by value**, when values are known (`pulumi up`, a stack export, the offline plan): a flow
 *   log's `vpcId` equals a VPC's `id`, its `logDestination` is a log group's ARN, a metric filter's
 *   `logGroupName` is the group's name, an alarm's namespace/metricName are the filter's
 *   `metricTransformation`;
 * - **by dependency**, when a value is unknown (`pulumi preview`: ids, ARNs and anything computed
 *   from them): the engine still tells which resources each property was computed from
 *   (`propertyDependencies`, else `dependencies`). Depending on a component means depending on
 *   everything under it: the Node SDK records a dependency on an awsx `Vpc` (a remote component)
 *   as the component's URN, and the `aws:ec2/vpc:Vpc` is its child.
 *
 * A link through dependencies is made only when it names exactly one resource of the wanted type:
 * a value computed from two VPCs does not say which one it is.
 *
 * Pure: no @pulumi/aws, no I/O. Everything is cached on the graph, and the graph is cached per
 * `resources` array, so the policies of one run share it.
 */
import type { PolicyResource } from "@pulumi/policy";
import { Maybe, UNKNOWN, read, readString, toPlain, unproxied } from "./values";

const graphs = new WeakMap<readonly PolicyResource[], StackGraph>();

/** What a reference resolved to: the resources, and whether the value it was decided on was unknown. */
export interface Resolved {
    readonly targets: readonly PolicyResource[];
    /** True when the referring value is unknown (preview): decided through dependencies, or not at all. */
    readonly unknown: boolean;
}

const NONE: Resolved = { targets: [], unknown: false };

export class StackGraph {
    private readonly byUrn = new Map<string, PolicyResource>();
    private readonly byType = new Map<string, PolicyResource[]>();
    private readonly childrenOf = new Map<string, PolicyResource[]>();
    /** type -> urn -> the resources of that type in the subtree rooted at urn. */
    private readonly subtrees = new Map<string, Map<string, readonly PolicyResource[]>>();
    private readonly cache = new Map<string, unknown>();
    private readonly emptyProps = new Map<PolicyResource, boolean>();
    private readonly regions = new Map<PolicyResource, string | undefined>();
    private readonly accounts = new Map<PolicyResource, string | undefined>();
    private readonly providerAccounts = new Map<string, string | undefined>();

    /** The graph of a resource list, built once per list. */
    static of(resources: readonly PolicyResource[]): StackGraph {
        let graph = graphs.get(resources);
        if (!graph) {
            graph = new StackGraph(resources);
            graphs.set(resources, graph);
        }
        return graph;
    }

    constructor(readonly resources: readonly PolicyResource[]) {
        for (const resource of resources) {
            this.byUrn.set(resource.urn, resource);
            push(this.byType, resource.type, resource);
            if (resource.parent) push(this.childrenOf, resource.parent.urn, resource);
        }
    }

    get(urn: string): PolicyResource | undefined {
        return this.byUrn.get(urn);
    }

    ofType(...types: readonly string[]): readonly PolicyResource[] {
        if (types.length === 1) return this.byType.get(types[0]) ?? [];
        return types.flatMap((type) => this.byType.get(type) ?? []);
    }

    children(resource: PolicyResource): readonly PolicyResource[] {
        return this.childrenOf.get(resource.urn) ?? [];
    }

    /**
     * The resources of `type` among `resource` and all its descendants. Walked with a stack of
     * its own, not by recursion: 10,000 nested components must not overflow the call stack. A
     * parent cycle (which the engine never produces; the offline audit refuses an export with
     * one) must not loop either: a resource already being walked is not entered again, and what
     * was found below it on that walk is not remembered (it lacks the part of the cycle above).
     */
    inSubtree(resource: PolicyResource, type: string): readonly PolicyResource[] {
        let memo = this.subtrees.get(type);
        if (!memo) {
            memo = new Map();
            this.subtrees.set(type, memo);
        }
        const known = memo.get(resource.urn);
        if (known) return known;
        /** Results of this walk that met a cycle below them: used here, never remembered. */
        const partial = new Map<string, readonly PolicyResource[]>();
        const walking = new Set<string>([resource.urn]);
        const stack: { node: PolicyResource; next: number; cyclic: boolean }[] = [
            { node: resource, next: 0, cyclic: false },
        ];
        let result: readonly PolicyResource[] = EMPTY;
        while (stack.length > 0) {
            const top = stack[stack.length - 1];
            const children = this.childrenOf.get(top.node.urn);
            if (children && top.next < children.length) {
                const child = children[top.next++];
                if (walking.has(child.urn)) top.cyclic = true;
                else if (!memo.has(child.urn)) {
                    walking.add(child.urn);
                    stack.push({ node: child, next: 0, cyclic: false });
                }
                continue;
            }
            stack.pop();
            walking.delete(top.node.urn);
            // Leaves are the common case: no allocation for them.
            const own = top.node.type === type;
            let found: readonly PolicyResource[];
            if (!children) {
                found = own ? [top.node] : EMPTY;
            } else {
                const list: PolicyResource[] = own ? [top.node] : [];
                // A loop, not push(...): spreading a large subtree would overflow the call stack.
                for (const child of children) {
                    for (const r of memo.get(child.urn) ?? partial.get(child.urn) ?? EMPTY) list.push(r);
                }
                found = list.length > 0 ? list : EMPTY;
            }
            if (top.cyclic) {
                partial.set(top.node.urn, found);
                if (stack.length > 0) stack[stack.length - 1].cyclic = true;
            } else memo.set(top.node.urn, found);
            result = found;
        }
        return result;
    }

    /**
     * The resources of the given types that `resource` depends on for `properties` (or, when the
     * engine recorded no dependency for any of those properties, for anything: an unknown value
     * with no recorded source is still computed from something the resource depends on), looking
     * inside components.
     */
    dependedOn(resource: PolicyResource, properties: readonly string[], types: readonly string[]): PolicyResource[] {
        const recorded = properties.flatMap((p) => resource.propertyDependencies?.[p] ?? []);
        const deps = recorded.length > 0 ? recorded : (resource.dependencies ?? []);
        const out = new Set<PolicyResource>();
        for (const dep of deps) {
            if (!dep) continue;
            for (const type of types) for (const r of this.inSubtree(dep, type)) out.add(r);
        }
        out.delete(resource);
        return [...out];
    }

    /** The one resource of the given types `resource` depends on for `properties`; none if zero or several. */
    soleDependency(
        resource: PolicyResource,
        properties: readonly string[],
        types: readonly string[],
    ): PolicyResource | undefined {
        const found = this.dependedOn(resource, properties, types);
        return found.length === 1 ? found[0] : undefined;
    }

    /**
     * Follows a reference property: by value through `lookup` when the value is known, through
     * dependencies when it is unknown, to nothing when it is absent.
     */
    resolve(
        resource: PolicyResource,
        property: string,
        lookup: (value: string) => readonly PolicyResource[],
        types: readonly string[],
    ): Resolved {
        const value = this.value(resource, property);
        if (value === undefined) return NONE;
        if (value === UNKNOWN) {
            const sole = this.soleDependency(resource, [property], types);
            return { targets: sole ? [sole] : [], unknown: true };
        }
        return { targets: lookup(value), unknown: false };
    }

    /**
     * A string property of a resource. Older engines hand stack policies EMPTY outputs for
     * resources being created during preview; for those every property counts as unknown.
     */
    value(resource: PolicyResource, property: string): Maybe<string> {
        let empty = this.emptyProps.get(resource);
        if (empty === undefined) {
            empty = isEmptyPreviewProps(resource);
            this.emptyProps.set(resource, empty);
        }
        if (empty) return UNKNOWN;
        return readString(resource.props, property);
    }

    /** An index of the resources of `types` by a key computed from each (keys may repeat), built once. */
    indexBy(
        name: string,
        types: readonly string[],
        keys: (resource: PolicyResource) => readonly (string | undefined)[],
    ): Map<string, PolicyResource[]> {
        return this.memo(`index:${name}`, () => {
            const index = new Map<string, PolicyResource[]>();
            for (const resource of this.ofType(...types)) {
                for (const key of new Set(keys(resource))) if (key !== undefined) push(index, key, resource);
            }
            return index;
        });
    }

    /** Any derived structure, computed once per graph. */
    memo<T>(key: string, build: () => T): T {
        if (!this.cache.has(key)) this.cache.set(key, build());
        return this.cache.get(key) as T;
    }

    /** The region a resource lives in: its own `region` (aws v7), else its provider's; undefined if not known. */
    region(resource: PolicyResource): string | undefined {
        // Asked for every candidate of every name-based link: computed once per resource.
        if (this.regions.has(resource)) return this.regions.get(resource);
        const region = this.computeRegion(resource);
        this.regions.set(resource, region);
        return region;
    }

    private computeRegion(resource: PolicyResource): string | undefined {
        const own = readString(resource.props, "region");
        if (typeof own === "string" && own !== "") return own;
        const fromProvider = resource.provider ? readString(resource.provider.props, "region") : undefined;
        return typeof fromProvider === "string" && fromProvider !== "" ? fromProvider : undefined;
    }

    /**
     * The account a resource lives in: the account of its own ARN (or a VPC's `ownerId`), else
     * its provider's: the one account of `allowedAccountIds`, or the account of the role it
     * assumes (`assumeRole.roleArn`, `assumeRoles[0].roleArn`). Undefined when none of them says.
     */
    account(resource: PolicyResource): string | undefined {
        if (this.accounts.has(resource)) return this.accounts.get(resource);
        const arn = readString(resource.props, "arn");
        const owner = readString(resource.props, "ownerId");
        const account =
            (typeof arn === "string" ? accountOfArn(arn) : undefined) ??
            (typeof owner === "string" && /^\d{12}$/.test(owner) ? owner : undefined) ??
            (resource.provider ? this.providerAccountOf(resource.provider) : undefined);
        this.accounts.set(resource, account);
        return account;
    }

    private providerAccountOf(provider: NonNullable<PolicyResource["provider"]>): string | undefined {
        // Provider objects are built per resource; their URN names the provider.
        if (!this.providerAccounts.has(provider.urn))
            this.providerAccounts.set(provider.urn, providerAccount(provider.props));
        return this.providerAccounts.get(provider.urn);
    }

    /** Account and region for messages: `account 111122223333, us-east-1` (what is known of them). */
    placement(resource: PolicyResource): string {
        return placementLabel(this.account(resource), this.region(resource));
    }

    /** A name for messages: `name` plus the known id, e.g. `web-vpc (vpc-0abc...)`. */
    label(resource: PolicyResource): string {
        const id = readString(resource.props, "id");
        return typeof id === "string" && id !== "" && id !== resource.name
            ? `"${resource.name}" (${id})`
            : `"${resource.name}"`;
    }
}

const EMPTY: readonly PolicyResource[] = Object.freeze([]);

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
}

function isEmptyPreviewProps(resource: PolicyResource): boolean {
    if (!resource.type.startsWith("aws:")) return false;
    const props = unproxied(resource.props);
    if (props === undefined || props === null) return true;
    for (const _key in props) return false;
    return true;
}

/** `account 111122223333, us-east-1`; either part left out when not known. */
export function placementLabel(account: string | undefined, region: string | undefined): string {
    return [account ? `account ${account}` : undefined, region].filter(Boolean).join(", ");
}

/** Two accounts are compatible when they are equal or either is not known. */
export function sameAccount(a: string | undefined, b: string | undefined): boolean {
    return a === undefined || b === undefined || a === b;
}

/** The account of an ARN (`arn:aws:logs:us-east-1:111122223333:...` -> 111122223333). */
export function accountOfArn(arn: string): string | undefined {
    const account = /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(arn)?.[1];
    return account;
}

/**
 * The account a provider works in, from its inputs. Provider inputs in state and on the wire hold
 * lists and objects as JSON text (`"allowedAccountIds": "[\"111122223333\"]"`), so both forms are read.
 */
export function providerAccount(props: unknown): string | undefined {
    const allowed = jsonish(read(props, "allowedAccountIds"));
    if (Array.isArray(allowed) && allowed.length === 1 && typeof allowed[0] === "string") return allowed[0];
    const single = jsonish(read(props, "assumeRole"));
    const list = jsonish(read(props, "assumeRoles"));
    const role = isObject(single) ? single : Array.isArray(list) && isObject(list[0]) ? list[0] : undefined;
    const roleArn = role ? role.roleArn : undefined;
    return typeof roleArn === "string" ? accountOfArn(roleArn) : undefined;
}

function jsonish(value: unknown): unknown {
    if (typeof value !== "string") return toPlain(value);
    const text = value.trim();
    if (!text.startsWith("[") && !text.startsWith("{")) return value;
    try {
        return JSON.parse(text);
    } catch {
        return value;
    }
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Two regions are compatible when they are equal or either is not known. */
export function sameRegion(a: string | undefined, b: string | undefined): boolean {
    return a === undefined || b === undefined || a === b;
}

/** `arn:aws:logs:us-east-1:123:log-group:/a/b:*` -> { region, name: "/a/b" }. */
export function parseLogGroupArn(arn: string): { region: string; name: string } | undefined {
    const match = /^arn:[^:]+:logs:([^:]*):[^:]*:log-group:(.+?)(:\*)?$/.exec(arn);
    return match ? { region: match[1], name: match[2] } : undefined;
}

/** `arn:aws:s3:::bucket/prefix/` -> `bucket`; a plain bucket name stays as it is. */
export function bucketNameFromArn(arnOrName: string): string | undefined {
    const match = /^arn:[^:]+:s3:::([^/]+)/.exec(arnOrName);
    if (match) return match[1];
    return arnOrName.startsWith("arn:") ? undefined : arnOrName.split("/")[0] || undefined;
}
