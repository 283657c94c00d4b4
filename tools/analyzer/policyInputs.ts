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
    deployment.resources.forEach((raw, i) => {
        const where = `${file}: deployment.resources[${i}]`;
        if (!isRecord(raw)) throw new StackExportError(`${where} is not an object`);
        if (typeof raw.urn !== "string" || raw.urn.split("::").length < 4)
            throw new StackExportError(`${where} has no "urn" (or it is not a Pulumi URN)`);
        if (typeof raw.type !== "string") throw new StackExportError(`${where} (${raw.urn}) has no "type"`);
        if (raw.delete === true) return;
        const urn = raw.urn;
        const encryptedBefore = secrets.encrypted;
        const outputs = (isRecord(raw.outputs) ? revealedByKey(raw.outputs, secrets) : {}) as Record<string, unknown>;
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
            inputs: (isRecord(raw.inputs) ? revealed(raw.inputs, secrets) : {}) as Record<string, unknown>,
            outputs,
            dependencies: stringList(raw.dependencies),
            propertyDependencies: isRecord(raw.propertyDependencies)
                ? Object.fromEntries(Object.entries(raw.propertyDependencies).map(([k, v]) => [k, stringList(v)]))
                : {},
            protect: raw.protect === true,
            additionalSecretOutputs: [...new Set([...stringList(raw.additionalSecretOutputs), ...encryptedOutputs])],
        });
    });
    const stackUrn = resources[0]?.urn.split("::");
    return {
        stack: stackUrn?.[0]?.replace(/^urn:pulumi:/, ""),
        project: stackUrn?.[1],
        resources,
        encryptedSecrets: secrets.encrypted,
    };
}

/** `urn:...::aws-us-east-1::1f2c...` -> the provider's URN. */
function providerUrn(reference: string): string {
    const parts = reference.split("::");
    return parts.length > 4 ? parts.slice(0, -1).join("::") : reference;
}

interface Secrets {
    encrypted: number;
    /** The top-level keys of the last object read by revealedByKey that held an encrypted secret. */
    lastKeys: string[];
}

/** `revealed` for each top-level property, noting which ones held an encrypted secret. */
function revealedByKey(value: Record<string, unknown>, secrets: Secrets): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const keys: string[] = [];
    for (const [key, v] of Object.entries(value)) {
        const before = secrets.encrypted;
        out[key] = revealed(v, secrets);
        if (secrets.encrypted > before) keys.push(key);
    }
    secrets.lastKeys = keys;
    return out;
}

/** Plain values for secrets: `--show-secrets` exports carry the plaintext; encrypted ones become unknown. */
function revealed(value: unknown, secrets: Secrets): unknown {
    if (Array.isArray(value)) return value.map((v) => revealed(v, secrets));
    if (!isRecord(value)) return value;
    if (value[SECRET_SIG_KEY] === SECRET_SIG) {
        if (typeof value.plaintext === "string") {
            try {
                return revealed(JSON.parse(value.plaintext), secrets);
            } catch {
                return value.plaintext;
            }
        }
        secrets.encrypted++;
        return sentinels.unknownObjectValue;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealed(v, secrets)]));
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
