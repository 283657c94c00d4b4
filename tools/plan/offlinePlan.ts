/**
 * The offline plan: runs the program under Pulumi's mock runtime and records every resource it
 * registers (or reads) with its inputs, parent, provider and dependencies, as the engine would see
 * them. No credentials, no Pulumi CLI, no provider plugins.
 */
import * as pulumi from "@pulumi/pulumi";
import { deployStack, readStackConfig } from "../../program/main";
import { validateStackConfig } from "../../program/stackConfig";
import { Inventory, MockCloud } from "./mockCloud";

// Internals of the mock runtime: the monitor instance and the RPC queue. Stable in 3.x, but not
// public API; the plan tests fail loudly if they move.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc");

/** `Resource.callsites` is a public static of the SDK's Resource class, replaceable for the plan. */
const resourceClass = pulumi.Resource as unknown as { callsites: () => unknown[] };

export const PROJECT = "vpc-flow-monitor";

export interface PlannedResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly parent?: string;
    /** URN of the explicit provider, for custom resources. */
    readonly provider?: string;
    /** For remote components (awsx): the providers map forwarded to the component's plugin. */
    readonly providers?: Record<string, string>;
    readonly custom: boolean;
    /** True for an existing resource read into the stack with `get`. */
    readonly read: boolean;
    readonly id?: string;
    readonly inputs: Record<string, unknown>;
    /** What the (fake) provider returned: inputs plus computed ids and ARNs; components: their registered outputs. */
    readonly outputs: Record<string, unknown>;
    readonly dependencies: readonly string[];
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    /** Replaced by deleting first (the `deleteBeforeReplace` option). */
    readonly deleteBeforeReplace?: boolean;
}

export interface Plan {
    readonly stack: string;
    readonly project: string;
    readonly resources: readonly PlannedResource[];
}

/** Config as the engine passes it: full keys, object values as JSON text. */
export type EngineConfig = Record<string, string>;

/** Turns decoded YAML config values into the engine's form (objects and lists as JSON). */
export function toEngineConfig(values: Record<string, unknown>): EngineConfig {
    // JSON has no Infinity or NaN: it would carry YAML's .inf and .nan over as null, and the program
    // would report "given null". Validate the decoded values instead, where they are still what the
    // file says (a ConfigError, as the program itself would throw).
    if (Object.values(values).some(holdsNonFiniteNumber)) validateStackConfig(values);
    const out: EngineConfig = {};
    for (const [key, value] of Object.entries(values)) {
        out[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return out;
}

function holdsNonFiniteNumber(value: unknown): boolean {
    if (typeof value === "number") return !Number.isFinite(value);
    return typeof value === "object" && value !== null && Object.values(value).some(holdsNonFiniteNumber);
}

/**
 * Plans a stack offline. Throws ConfigError (before anything is registered) for a bad config.
 * Runs are serialised: the Pulumi runtime keeps its state in the process.
 */
export async function planStack(
    stack: string,
    config: EngineConfig,
    options: { preview?: boolean; inventory?: Inventory } = {},
): Promise<Plan> {
    const { plan } = await planProgram(
        stack,
        config,
        // readStackConfig throws ConfigError before anything is registered.
        () => deployStack(readStackConfig(), { afterVpc: drainEvery(DRAIN_EVERY_VPCS) }),
        options,
    );
    return plan;
}

/** A plan, and what the program function returned (its outputs have settled by then). */
export interface ProgramPlan<T> {
    readonly plan: Plan;
    readonly result: T;
}

/**
 * Runs any Pulumi program function offline, as stack `stack` of this project with `config` (full
 * keys, engine form), and records every resource it registers, exactly as planStack records the
 * real program: a component constructed directly, another program using the library, the program.
 */
export async function planProgram<T>(
    stack: string,
    config: EngineConfig,
    program: () => Promise<T> | T,
    options: { preview?: boolean; inventory?: Inventory } = {},
): Promise<ProgramPlan<T>> {
    const run = queue.then(() => planOnce(stack, config, program, options.preview ?? false, options.inventory));
    queue = run.catch(() => undefined);
    return run;
}

let queue: Promise<unknown> = Promise.resolve();

async function planOnce<T>(
    stack: string,
    config: EngineConfig,
    program: () => Promise<T> | T,
    preview: boolean,
    inventory?: Inventory,
): Promise<ProgramPlan<T>> {
    pulumi.runtime.setAllConfig(config);
    const homeRegion = config["aws:region"] ?? "us-east-1";
    await pulumi.runtime.setMocks(new MockCloud(homeRegion, inventory), PROJECT, stack, preview);
    const recorded: PlannedResource[] = [];
    recordRegistrations(settings.getMonitor(), recorded);

    // The SDK captures `new Error().stack` for every promise it makes (leak debugging), and under
    // ts-node each capture is source-mapped: that was 60% of a 100-VPC plan. The plan has no use
    // for those traces; errors raised while planning still carry their message.
    // Likewise every resource constructor parses a full, source-mapped stack trace to record its
    // source position, which only the Pulumi Cloud UI shows.
    const stackTraceLimit = Error.stackTraceLimit;
    const callsites = resourceClass.callsites;
    Error.stackTraceLimit = 0;
    resourceClass.callsites = () => [];
    let result: T;
    try {
        try {
            result = await program();
        } catch (err) {
            // Let whatever was registered before the failure settle, so it cannot leak into the next run.
            await settings.waitForRPCs().catch(() => undefined);
            throw err;
        }
        await settings.waitForRPCs();
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
        resourceClass.callsites = callsites;
    }
    return { plan: { stack, project: PROJECT, resources: recorded }, result };
}

/**
 * Let the mock runtime finish the registrations declared so far. Under mocks a registration
 * settles within a few ticks; draining every few VPCs keeps the SDK's pending promises (hundreds
 * per resource) from piling up across a whole large stack.
 */
const DRAIN_EVERY_VPCS = 20;

function drainEvery(vpcs: number): (declared: number) => Promise<void> {
    return async (declared) => {
        if (declared % vpcs === 0) await settings.waitForRPCs();
    };
}

/** Wraps the mock monitor so every registration is recorded with what the engine would receive. */
// The mock monitor and its gRPC requests are untyped SDK internals.
/* eslint-disable @typescript-eslint/no-explicit-any */
function recordRegistrations(monitor: any, into: PlannedResource[]): void {
    const register = monitor.registerResource.bind(monitor);
    const read = monitor.readResource.bind(monitor);
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    // Components register their outputs after their children; fill them in on the recorded entry.
    const byUrn = new Map<string, PlannedResource>();
    monitor.registerResourceOutputs = (req: any, callback: (err: unknown, resp: any) => void) => {
        const entry = byUrn.get(req.getUrn());
        if (entry) Object.assign(entry.outputs, rpc.deserializeProperties(req.getOutputs()));
        return registerOutputs(req, callback);
    };
    monitor.registerResource = (req: any, callback: (err: unknown, resp: any) => void) =>
        register(req, (err: unknown, resp: any) => {
            if (!err) {
                const entry: PlannedResource = {
                    ...common(req, resp.getUrn()),
                    custom: req.getCustom(),
                    read: false,
                    id: resp.getId() || undefined,
                    inputs: rpc.deserializeProperties(req.getObject()),
                    outputs: rpc.deserializeProperties(resp.getObject()),
                    providers: mapToRecord(req.getProvidersMap()),
                    propertyDependencies: propertyDependencies(req.getPropertydependenciesMap()),
                    protect: req.getProtect() ?? false,
                    retainOnDelete: req.getRetainondelete() ?? false,
                    deleteBeforeReplace: req.getDeletebeforereplace() ?? false,
                };
                into.push(entry);
                byUrn.set(entry.urn, entry);
            }
            callback(err, resp);
        });
    monitor.readResource = (req: any, callback: (err: unknown, resp: any) => void) =>
        read(req, (err: unknown, resp: any) => {
            if (!err) {
                into.push({
                    ...common(req, resp.getUrn()),
                    custom: true,
                    read: true,
                    id: req.getId(),
                    inputs: rpc.deserializeProperties(req.getProperties()),
                    outputs: rpc.deserializeProperties(resp.getProperties()),
                    propertyDependencies: {},
                    protect: false,
                    retainOnDelete: false,
                    deleteBeforeReplace: false,
                });
            }
            callback(err, resp);
        });
}

function common(req: any, urn: string) {
    const provider: string = req.getProvider();
    return {
        type: req.getType() as string,
        name: req.getName() as string,
        urn,
        parent: req.getParent() || undefined,
        provider: provider ? provider.split("::").slice(0, -1).join("::") : undefined,
        dependencies: req.getDependenciesList() as string[],
    };
}

function mapToRecord(map: any): Record<string, string> | undefined {
    const entries: [string, string][] = map ? map.toArray() : [];
    return entries.length
        ? Object.fromEntries(entries.map(([k, v]) => [k, v.split("::").slice(0, -1).join("::")]))
        : undefined;
}

function propertyDependencies(map: any): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [key, deps] of map.toArray() as [string, any][]) {
        // toArray() yields the nested message as an array whose first element is the URN list.
        out[key] = Array.isArray(deps) ? (deps[0] as string[]) : deps.getUrnsList();
    }
    return out;
}
/* eslint-enable @typescript-eslint/no-explicit-any */
