/**
 * Where the policy runner's resources come from, and how they are made to look like what the
 * engine would hand the policy pack:
 *
 * - `fromPlan`: the offline plan, plus the `aws:ec2/vpc:Vpc` child every `awsx:ec2:Vpc` has in a
 *   real deployment (awsx's Vpc is a remote component: under mocks its children are never built);
 * - `fromStackExport`: a `pulumi stack export` file of any stack;
 * - `asPreview`: what `pulumi preview` would show instead of the plan's known values.
 */
import { InputError } from "../files/inputError";
import { Plan, PlannedResource } from "../plan/offlinePlan";
import { PolicyInputResource } from "./policyRunner";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sentinels: Record<string, string> = require("@pulumi/policy/proxy");

export const AWSX_VPC = "awsx:ec2:Vpc";
export const VPC = "aws:ec2/vpc:Vpc";
export const MODELLED_AWSX_VPC =
    "modelled: the aws:ec2/vpc:Vpc an awsx:ec2:Vpc creates at deploy time (the offline plan cannot build remote components)";

// ---------------------------------------------------------------------------------------------
// offline plan
// ---------------------------------------------------------------------------------------------

/** The plan's resources, plus a modelled VPC under each awsx:ec2:Vpc that has none. */
export function fromPlan(plan: Plan): PolicyInputResource[] {
    const resources: PolicyInputResource[] = plan.resources.map(fromPlanned);
    const hasVpcChild = new Set(resources.filter((r) => r.type === VPC && r.parent).map((r) => r.parent as string));
    for (const component of plan.resources) {
        if (component.type !== AWSX_VPC || hasVpcChild.has(component.urn)) continue;
        resources.push(modelledVpc(component));
    }
    return resources;
}

function fromPlanned(r: PlannedResource): PolicyInputResource {
    return {
        type: r.type,
        name: r.name,
        urn: r.urn,
        custom: r.custom,
        read: r.read,
        id: r.id,
        parent: r.parent,
        provider: r.provider,
        inputs: r.inputs,
        outputs: r.outputs,
        dependencies: r.dependencies,
        propertyDependencies: r.propertyDependencies,
        protect: r.protect,
    };
}

/**
 * The VPC awsx builds: named like the component, its child, with the component's `vpcId` as id
 * and the CIDR block and tags it was given, in the region of the provider forwarded to it.
 */
function modelledVpc(component: PlannedResource): PolicyInputResource {
    const id = typeof component.outputs.vpcId === "string" ? component.outputs.vpcId : undefined;
    const inputs: Record<string, unknown> = {};
    for (const key of ["cidrBlock", "tags", "instanceTenancy", "enableDnsHostnames", "enableDnsSupport"]) {
        if (component.inputs[key] !== undefined) inputs[key] = component.inputs[key];
    }
    return {
        type: VPC,
        name: component.name,
        urn: childUrn(component.urn, VPC, component.name),
        custom: true,
        read: false,
        id,
        parent: component.urn,
        provider: component.providers?.aws,
        inputs,
        outputs: { ...inputs, ...(id ? { id } : {}) },
        dependencies: [],
        propertyDependencies: {},
        synthetic: MODELLED_AWSX_VPC,
    };
}

/** A child's URN: the parent's type chain, `$`, the child's type; then the child's name. */
export function childUrn(parentUrn: string, type: string, name: string): string {
    const parts = parentUrn.split("::");
    if (parts.length < 4) throw new Error(`not a URN: ${parentUrn}`);
    const [prefix, project, parentTypes] = parts;
    return `${prefix}::${project}::${parentTypes}$${type}::${name}`;
}

// ---------------------------------------------------------------------------------------------
// preview
// ---------------------------------------------------------------------------------------------

const UNKNOWN_STRING = sentinels.unknownStringValue;

/**
 * The resources as `pulumi preview` of a new stack shows them: every property computed from
 * another resource (a non-empty `propertyDependencies` entry) is unknown, in inputs and outputs;
 * every output the provider computes (not among the inputs: ids, ARNs, generated names) is
 * unknown; component outputs are unknown. Reads and providers stay known (reads happen during
 * preview). Pessimistic where the engine knows more: an object property that depends on another
 * resource becomes unknown as a whole.
 */
export function asPreview(resources: readonly PolicyInputResource[]): PolicyInputResource[] {
    return resources.map((r) => {
        if (r.read || r.type.startsWith("pulumi:providers:")) return r;
        const inputs: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(r.inputs)) {
            inputs[key] = (r.propertyDependencies[key]?.length ?? 0) > 0 ? unknownLike(value) : value;
        }
        const outputs: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(r.outputs)) {
            outputs[key] = r.custom && key in inputs ? inputs[key] : unknownLike(value);
        }
        return {
            ...r,
            inputs,
            outputs: r.custom ? { ...outputs, id: UNKNOWN_STRING } : outputs,
            id: r.custom ? UNKNOWN_STRING : r.id,
        };
    });
}

/** The unknown sentinel for a value of this shape (an array keeps its length, each element unknown). */
export function unknownLike(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(unknownLike);
    switch (typeof value) {
        case "number":
            return sentinels.unknownNumberValue;
        case "boolean":
            return sentinels.unknownBooleanValue;
        case "object":
            return value === null ? null : sentinels.unknownObjectValue;
        default:
            return UNKNOWN_STRING;
    }
}

// ---------------------------------------------------------------------------------------------
// stack export
// ---------------------------------------------------------------------------------------------

/** Not a `pulumi stack export` file (or one this tool cannot read); the CLI exits 2 with the message. */
export class StackExportError extends InputError {}

/** The secret envelope of Pulumi state: `{ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ... }`. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface StackExport {
    readonly stack?: string;
    readonly project?: string;
    readonly resources: PolicyInputResource[];
    /** How many secret values are encrypted in the export (policies see them as unknown). */
    readonly encryptedSecrets: number;
}

/**
 * Reads `deployment.resources[]` of a stack export (version 1 to 3): urn, type, custom, id,
 * inputs, outputs, parent, provider (a `urn::id` reference), dependencies, propertyDependencies.
 * Resources pending deletion are skipped (the engine's stack analysis sees the new state only).
 */
export function fromStackExport(json: unknown, file: string): StackExport {
    const hint =
        'expected the JSON `pulumi stack export` writes: { "version": 3, "deployment": { "resources": [...] } }';
    if (!isRecord(json)) throw new StackExportError(`${file}: not a Pulumi stack export; ${hint}`);
    if (Array.isArray(json.resources) && json.deployment === undefined) {
        throw new StackExportError(
            `${file}: not a Pulumi stack export but a resource list (the output of \`npm run plan -- --json\`?); run \`npm run check\` on the stack config instead, or export the stack with \`pulumi stack export --file FILE\``,
        );
    }
    if (!isRecord(json.deployment))
        throw new StackExportError(`${file}: not a Pulumi stack export: no "deployment" object; ${hint}`);
    if (json.version !== undefined && (typeof json.version !== "number" || json.version < 1 || json.version > 3)) {
        throw new StackExportError(
            `${file}: stack export version ${JSON.stringify(json.version)} is not supported (1 to 3)`,
        );
    }
    const deployment = json.deployment;
    if (deployment.resources === undefined) {
        // A stack with no resources exports a deployment without a resource list.
        if (isRecord(deployment.manifest)) return { resources: [], encryptedSecrets: 0 };
        throw new StackExportError(`${file}: not a Pulumi stack export: no "deployment.resources" list; ${hint}`);
    }
    if (!Array.isArray(deployment.resources))
        throw new StackExportError(`${file}: "deployment.resources" is not a list`);

    const secrets: Secrets = { encrypted: 0, lastKeys: [] };
    const resources: PolicyInputResource[] = [];
    /** Where each resource is in the file, for messages. */
    const indexOf = new Map<string, number>();
    deployment.resources.forEach((raw, i) => {
        const where = `${file}: deployment.resources[${i}]`;
        if (!isRecord(raw)) throw new StackExportError(`${where} is not an object`);
        if (typeof raw.urn !== "string" || raw.urn.split("::").length < 4)
            throw new StackExportError(`${where} has no "urn" (or it is not a Pulumi URN)`);
        if (typeof raw.type !== "string") throw new StackExportError(`${where} (${raw.urn}) has no "type"`);
        if (raw.delete === true) return;
        const urn = raw.urn;
        // The engine keeps one live resource per URN (only those pending deletion may repeat it);
        // with two, every link by URN would pick one of them at random.
        const first = indexOf.get(urn);
        if (first !== undefined)
            throw new StackExportError(
                `${where} has the URN of deployment.resources[${first}] (${urn}); a stack has one resource per URN (others only when marked "delete": true): remove one of them, or export the stack again`,
            );
        indexOf.set(urn, i);
        const encryptedBefore = secrets.encrypted;
        const outputs = (
            isRecord(raw.outputs) ? revealedByKey(raw.outputs, secrets, `${where} (${urn}) outputs`) : {}
        ) as Record<string, unknown>;
        const encryptedOutputs = secrets.encrypted > encryptedBefore ? secrets.lastKeys : [];
        resources.push({
            type: raw.type,
            name: urn.split("::").slice(3).join("::"),
            urn,
            custom: raw.custom === true,
            read: raw.external === true,
            id: typeof raw.id === "string" && raw.id !== "" ? raw.id : undefined,
            parent: typeof raw.parent === "string" && raw.parent !== "" ? raw.parent : undefined,
            provider: typeof raw.provider === "string" && raw.provider !== "" ? providerUrn(raw.provider) : undefined,
            inputs: (isRecord(raw.inputs) ? revealedAt(raw.inputs, secrets, `${where} (${urn}) inputs`) : {}) as Record<
                string,
                unknown
            >,
            outputs,
            dependencies: stringList(raw.dependencies),
            propertyDependencies: isRecord(raw.propertyDependencies)
                ? Object.fromEntries(Object.entries(raw.propertyDependencies).map(([k, v]) => [k, stringList(v)]))
                : {},
            protect: raw.protect === true,
            additionalSecretOutputs: [...new Set([...stringList(raw.additionalSecretOutputs), ...encryptedOutputs])],
        });
    });
    checkParents(resources, indexOf, file);
    const stackUrn = resources[0]?.urn.split("::");
    return {
        stack: stackUrn?.[0]?.replace(/^urn:pulumi:/, ""),
        project: stackUrn?.[1],
        resources,
        encryptedSecrets: secrets.encrypted,
    };
}

/** How many resources of a parent cycle a message lists before it says how many more. */
const CYCLE_SHOWN = 8;

/**
 * Refuses parents that form a cycle (A's parent is B, B's is A; or a resource its own parent).
 * The engine never writes one: a parent is registered before its children, and the engine's
 * integrity check of a snapshot requires every parent to come before its children in the list
 * (`VerifyIntegrity` in https://github.com/pulumi/pulumi/blob/master/pkg/resource/deploy/snapshot.go),
 * so `pulumi stack import` would refuse such a file too. It cannot be judged either: the pack
 * reads a dependency on a component as a dependency on everything under it (policy/graph.ts),
 * and a cycle has no "under". So it is refused, naming the resources, rather than judged.
 *
 * Dependencies are not checked for cycles: the engine would refuse those as well, but nothing
 * here walks dependencies transitively (a policy follows a resource's own dependencies one step,
 * then the parent tree below them), so a dependency cycle cannot loop, and the verdict is the one
 * the same links give without it.
 *
 * A parent that is not in the export is left dangling, as the policy runner leaves it. Each
 * resource is visited once, without recursion: chains of 10,000 nested components are fine.
 */
function checkParents(resources: readonly PolicyInputResource[], indexOf: ReadonlyMap<string, number>, file: string) {
    const parentOf = new Map(resources.map((r) => [r.urn, r.parent]));
    /** 1: on the chain being followed; 2: its chain of parents is known to end. */
    const state = new Map<string, 1 | 2>();
    for (const start of resources) {
        const chain: string[] = [];
        let urn: string | undefined = start.urn;
        while (urn !== undefined && parentOf.has(urn) && !state.has(urn)) {
            state.set(urn, 1);
            chain.push(urn);
            urn = parentOf.get(urn);
        }
        if (urn !== undefined && state.get(urn) === 1) {
            throw new StackExportError(cycleMessage(chain.slice(chain.indexOf(urn)), indexOf, file));
        }
        for (const done of chain) state.set(done, 2);
    }
}

function cycleMessage(cycle: readonly string[], indexOf: ReadonlyMap<string, number>, file: string): string {
    const at = (urn: string) => `deployment.resources[${indexOf.get(urn)}]`;
    const why =
        "the Pulumi engine never writes such a file (a parent is registered before its children), so it was edited or is damaged";
    if (cycle.length === 1) {
        return `${file}: ${at(cycle[0])} (${cycle[0]}) is its own parent; ${why}: fix its "parent", or export the stack again`;
    }
    const shown = cycle.slice(0, CYCLE_SHOWN).map((urn) => `${at(urn)} (${urn})`);
    const more = cycle.length > CYCLE_SHOWN ? ` -> parent ... (${cycle.length - CYCLE_SHOWN} more)` : "";
    return `${file}: the parents of ${cycle.length} resources form a cycle: ${shown.join(" -> parent ")}${more} -> parent ${at(cycle[0])}; ${why}: fix the "parent" of one of them, or export the stack again`;
}

/** `urn:...::aws-us-east-1::1f2c...` -> the provider's URN. */
function providerUrn(reference: string): string {
    const parts = reference.split("::");
    return parts.length > 4 ? parts.slice(0, -1).join("::") : reference;
}

/**
 * How deep a property value may nest. Real resource properties nest a few levels (an IAM policy
 * document is about six); the policies read values recursively, so a value nested thousands of
 * levels deep (a damaged or made-up file) would overflow the call stack there, or here.
 */
export const MAX_VALUE_DEPTH = 256;

class TooDeep extends Error {}

interface Secrets {
    encrypted: number;
    /** The top-level keys of the last object read by revealedByKey that held an encrypted secret. */
    lastKeys: string[];
}

/** `revealedAt` for each top-level property, noting which ones held an encrypted secret. */
function revealedByKey(value: Record<string, unknown>, secrets: Secrets, where: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const keys: string[] = [];
    for (const [key, v] of Object.entries(value)) {
        const before = secrets.encrypted;
        out[key] = revealedAt(v, secrets, where);
        if (secrets.encrypted > before) keys.push(key);
    }
    secrets.lastKeys = keys;
    return out;
}

function revealedAt(value: unknown, secrets: { encrypted: number }, where: string): unknown {
    try {
        return revealed(value, secrets, 0);
    } catch (err) {
        if (!(err instanceof TooDeep)) throw err;
        throw new StackExportError(
            `${where} nest deeper than ${MAX_VALUE_DEPTH} levels; no resource property does, so the file was damaged or made up: export the stack again`,
        );
    }
}

/** Plain values for secrets: `--show-secrets` exports carry the plaintext; encrypted ones become unknown. */
function revealed(value: unknown, secrets: { encrypted: number }, depth: number): unknown {
    if (depth > MAX_VALUE_DEPTH) throw new TooDeep();
    if (Array.isArray(value)) return value.map((v) => revealed(v, secrets, depth + 1));
    if (!isRecord(value)) return value;
    if (value[SECRET_SIG_KEY] === SECRET_SIG) {
        if (typeof value.plaintext === "string") {
            let plain: unknown;
            try {
                plain = JSON.parse(value.plaintext);
            } catch {
                return value.plaintext;
            }
            return revealed(plain, secrets, depth + 1);
        }
        secrets.encrypted++;
        return sentinels.unknownObjectValue;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealed(v, secrets, depth + 1)]));
}

function stringList(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The `pulumi stack export` document for resources: the inverse of fromStackExport, for the
 * audit's tests and benchmark. Providers are referenced as `urn::id`, as the engine writes them.
 */
export function toStackExport(resources: readonly PolicyInputResource[]): {
    version: 3;
    deployment: { manifest: object; resources: object[] };
} {
    const providerIds = new Map(
        resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [r.urn, r.id ?? "id"]),
    );
    return {
        version: 3,
        deployment: {
            manifest: { time: "2026-05-01T00:00:00Z", magic: "m", version: "v3.229.0" },
            resources: resources.map((r) => ({
                urn: r.urn,
                custom: r.custom,
                ...(r.id ? { id: r.id } : {}),
                type: r.type,
                inputs: r.inputs,
                outputs: r.custom && r.id ? { ...r.outputs, id: r.id } : r.outputs,
                ...(r.parent ? { parent: r.parent } : {}),
                ...(r.read ? { external: true } : {}),
                ...(r.provider ? { provider: `${r.provider}::${providerIds.get(r.provider)}` } : {}),
                dependencies: r.dependencies,
                propertyDependencies: r.propertyDependencies,
            })),
        },
    };
}
