/**
 * Runs a policy pack's policies over a list of resources the way the @pulumi/policy analyzer
 * server does (node_modules/@pulumi/policy/server.js), without the server, the engine or the CLI.
 * The resources come from the offline plan (npm run check) or from a stack export (npm run audit).
 *
 * Faithful to the server in what a policy can observe:
 * - enforcement level: `config[name].enforcementLevel || policy.enforcementLevel || pack level`;
 *   `disabled` skips the policy; `remediate` reports as `mandatory` (a stack policy cannot
 *   remediate; a resource policy's remediation runs first, then its validation);
 * - resource policies get each resource's INPUTS, its options and its provider (type, name, URN,
 *   provider inputs); stack policies get every resource's OUTPUTS, with `parent`, `dependencies`
 *   and `propertyDependencies` linked to the other PolicyResource objects (dangling URNs dropped);
 * - every `props` is wrapped in `unknownCheckingProxy`: reading an unknown throws, and that
 *   policy then yields one advisory "can't run policy ... during preview" note instead;
 * - `args.notApplicable()` throws; a type-tagged validation (`validateResourceOfType`) is skipped
 *   for other types without being called;
 * - `getConfig()` returns the policy's config (schema defaults, then the config file) minus
 *   `enforcementLevel`.
 * One deliberate difference: a violation's message is the policy's message alone; the engine
 * prints the policy description above it.
 */
import {
    EnforcementLevel,
    Policies,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
    unknownCheckingProxy,
} from "@pulumi/policy";
import { isUnknownError } from "../../policy/values";
import { PolicyConfig, PolicyConfigEntry } from "./policyConfig";
import { PolicyError } from "./policyError";

/** One resource as the engine knows it: what the plan records, or what a stack export holds. */
export interface PolicyInputResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly custom: boolean;
    /** An existing resource read with `get` (not created or updated by the program). */
    readonly read?: boolean;
    readonly id?: string;
    readonly parent?: string;
    /** URN of the provider resource (a custom resource's explicit or default provider). */
    readonly provider?: string;
    readonly inputs: Record<string, unknown>;
    readonly outputs: Record<string, unknown>;
    readonly dependencies: readonly string[];
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    readonly protect?: boolean;
    /** Set on resources the offline check adds to stand for what the engine would have (why). */
    readonly synthetic?: string;
    /**
     * Top-level properties that hold a secret (the resource option of that name). A stack export
     * without --show-secrets carries them encrypted: the policies see them as unknown, and this
     * tells them why (policy/rejectAlarm.ts unknownCause).
     */
    readonly additionalSecretOutputs?: readonly string[];
}

export interface PolicyPackSpec {
    readonly name: string;
    readonly version: string;
    /** The pack's default level (new PolicyPack(..., { enforcementLevel })); the SDK's default is advisory. */
    readonly enforcementLevel?: EnforcementLevel;
    readonly policies: Policies;
}

export type ReportedLevel = "advisory" | "mandatory";

export interface Violation {
    readonly policy: string;
    readonly enforcementLevel: ReportedLevel;
    /** The resource the violation is about; absent for a stack-wide note. */
    readonly urn?: string;
    readonly message: string;
}

export interface PolicyRun {
    readonly violations: readonly Violation[];
    /** Policies that ran (not disabled), in pack order. */
    readonly policies: readonly { readonly name: string; readonly enforcementLevel: EnforcementLevel }[];
}

export interface RunOptions {
    /** Resolved per-policy config (./policyConfig.ts); absent means schema defaults only. */
    readonly config?: PolicyConfig;
    /**
     * How to word the note for a policy that read an unknown value. `preview` (the default) says
     * what the engine says; `export` says the value is an encrypted secret of the export.
     */
    readonly unknownsAre?: "preview" | "secrets";
}

export { PolicyError };

class NotApplicableError extends Error {
    constructor(readonly reason?: string) {
        super(reason ?? "Policy does not apply");
    }
}

const throwNotApplicable = (reason?: string): never => {
    throw new NotApplicableError(reason);
};

/** Evaluates every enabled policy of `pack` over `resources`. */
export async function runPolicyPack(
    resources: readonly PolicyInputResource[],
    pack: PolicyPackSpec,
    options: RunOptions = {},
): Promise<PolicyRun> {
    const violations: Violation[] = [];
    const ran: { name: string; enforcementLevel: EnforcementLevel }[] = [];
    const packLevel = pack.enforcementLevel ?? "advisory";
    const configOf = (name: string): PolicyConfigEntry => options.config?.[name] ?? {};
    const levelOf = (name: string, own?: EnforcementLevel): EnforcementLevel =>
        configOf(name).enforcementLevel || own || packLevel;
    const unknownNote = (policyName: string, err: Error): string => {
        const from = `policy '${policyName}' from policy pack '${pack.name}@v${pack.version}'`;
        if (options.unknownsAre === "secrets") {
            const path = ((err as { props?: unknown[] }).props ?? []).join(".");
            return `can't run ${from}: the value at .${path} is an encrypted secret in this export (export with --show-secrets to check it)`;
        }
        return `can't run ${from} during preview: ${err.message}`;
    };

    // Resource policies: remediations of remediate-level policies first (in order, cumulative),
    // then every validation over the remediated inputs, as the engine does. What each policy
    // needs is worked out once, not once per resource.
    const resourcePolicies = pack.policies.filter(isResourcePolicy);
    const remediations = resourcePolicies.filter(
        (p) => levelOf(p.name, p.enforcementLevel) === "remediate" && p.remediateResource,
    );
    const validations = resourcePolicies.flatMap((policy) => {
        const level = levelOf(policy.name, policy.enforcementLevel);
        if (level === "disabled" || !policy.validateResource) return [];
        const list = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
        return list.map((validate) => ({
            policy,
            validate,
            level: (level === "remediate" ? "mandatory" : level) as ReportedLevel,
            // The server's fast path: a single type-tagged validation is not applicable to other types.
            onlyType: list.length === 1 ? pulumiTypeOf(validate) : undefined,
            config: configOf(policy.name),
        }));
    });
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    for (const resource of resources) {
        // The engine analyzes what the program registers; a `get` is read, never analyzed alone.
        if (resource.read) continue;
        let inputs: Record<string, unknown> = resource.inputs;
        for (const policy of remediations) {
            if (!appliesTo(policy.remediateResource, resource.type)) continue;
            try {
                const result = await policy.remediateResource!(
                    resourceArgs(resource, inputs, byUrn, configOf(policy.name)),
                );
                if (result) inputs = result as Record<string, unknown>;
            } catch (err) {
                if (!(err instanceof NotApplicableError) && !isUnknownError(err))
                    throw policyError(policy.name, resource.urn, err);
            }
        }
        for (const { policy, validate, level, onlyType, config } of validations) {
            if (onlyType !== undefined && onlyType !== resource.type) continue;
            const report = (message: string) =>
                violations.push({ policy: policy.name, enforcementLevel: level, urn: resource.urn, message });
            try {
                const result = validate(resourceArgs(resource, inputs, byUrn, config), report);
                if (result && typeof (result as Promise<void>).then === "function") await result;
            } catch (err) {
                if (err instanceof NotApplicableError) continue;
                if (isUnknownError(err)) {
                    violations.push({
                        policy: policy.name,
                        enforcementLevel: "advisory",
                        urn: resource.urn,
                        message: unknownNote(policy.name, err as Error),
                    });
                    continue;
                }
                throw policyError(policy.name, resource.urn, err);
            }
        }
    }

    // Stack policies: one linked, proxied view of the stack, shared by all of them.
    const stack = toPolicyResources(resources);
    for (const policy of pack.policies) {
        let level = levelOf(policy.name, policy.enforcementLevel);
        if (level === "disabled") continue;
        ran.push({ name: policy.name, enforcementLevel: level });
        if (!isStackPolicy(policy)) continue;
        if (level === "remediate") level = "mandatory";
        const type = pulumiTypeOf(policy.validateStack);
        if (type && !resources.some((r) => r.type === type)) continue;
        const args: StackValidationArgs = {
            resources: stack,
            getConfig: <T extends object>() => stripLevel(configOf(policy.name)) as T,
            stackTags: new Map(),
            notApplicable: throwNotApplicable,
        };
        const report = (message: string, urn?: string) =>
            violations.push({ policy: policy.name, enforcementLevel: level as ReportedLevel, urn, message });
        try {
            await policy.validateStack(args, report);
        } catch (err) {
            if (err instanceof NotApplicableError) continue;
            if (isUnknownError(err)) {
                violations.push({
                    policy: policy.name,
                    enforcementLevel: "advisory",
                    message: unknownNote(policy.name, err as Error),
                });
                continue;
            }
            throw policyError(policy.name, undefined, err);
        }
    }
    return { violations, policies: ran };
}

/**
 * The stack as stack policies see it: OUTPUTS as props (plus `id` for custom resources, which
 * state outputs carry), proxied; parent, dependencies and property dependencies linked.
 */
export function toPolicyResources(resources: readonly PolicyInputResource[]): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const built = resources.map((r) => {
        const props = r.custom && r.id !== undefined && !("id" in r.outputs) ? { ...r.outputs, id: r.id } : r.outputs;
        const resource: PolicyResource = {
            type: r.type,
            props: unknownCheckingProxy(props),
            urn: r.urn,
            name: r.name,
            opts: optionsOf(r),
            dependencies: [],
            propertyDependencies: {},
            isType: isTypeMethod,
            asType: asTypeMethod as PolicyResource["asType"],
        };
        byUrn.set(r.urn, resource);
        return resource;
    });
    const inputsByUrn = new Map(resources.map((r) => [r.urn, r]));
    const link = (urns: readonly string[]) => {
        const out: PolicyResource[] = [];
        for (const urn of urns) {
            const found = byUrn.get(urn);
            if (found) out.push(found);
        }
        return out;
    };
    resources.forEach((r, i) => {
        const resource = built[i];
        if (r.parent) {
            const parent = byUrn.get(r.parent);
            if (parent) resource.parent = parent;
        }
        resource.dependencies = link(r.dependencies);
        for (const key in r.propertyDependencies)
            resource.propertyDependencies[key] = link(r.propertyDependencies[key]);
        const provider = providerOf(r, inputsByUrn);
        if (provider) resource.provider = provider;
    });
    return built;
}

// Shared by every PolicyResource (called as methods), instead of two closures per resource.
function isTypeMethod(this: PolicyResource, cls: unknown): boolean {
    return isTypeOf(this.type, cls);
}

function asTypeMethod(this: PolicyResource, cls: unknown): unknown {
    return isTypeOf(this.type, cls) ? this.props : undefined;
}

function resourceArgs(
    r: PolicyInputResource,
    inputs: Record<string, unknown>,
    byUrn: ReadonlyMap<string, PolicyInputResource>,
    config: PolicyConfigEntry,
): ResourceValidationArgs {
    const props = unknownCheckingProxy(inputs);
    const args: ResourceValidationArgs = {
        type: r.type,
        props,
        urn: r.urn,
        name: r.name,
        opts: optionsOf(r),
        stackTags: new Map(),
        isType: (cls: unknown) => isTypeOf(r.type, cls),
        asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => stripLevel(config) as T,
        notApplicable: throwNotApplicable,
    };
    const provider = providerOf(r, byUrn);
    if (provider) args.provider = provider;
    return args;
}

function providerOf(r: PolicyInputResource, byUrn: ReadonlyMap<string, PolicyInputResource>) {
    if (!r.provider) return undefined;
    const provider = byUrn.get(r.provider);
    if (!provider) return undefined;
    // The engine sends the provider's inputs (its configuration: region, profile, default tags).
    return {
        type: provider.type,
        props: unknownCheckingProxy(provider.inputs),
        urn: provider.urn,
        name: provider.name,
    };
}

function optionsOf(r: PolicyInputResource): PolicyResourceOptions {
    return {
        protect: r.protect ?? false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [...(r.additionalSecretOutputs ?? [])],
        ...(r.parent ? { parent: r.parent } : {}),
    };
}

function stripLevel(entry: PolicyConfigEntry): Record<string, unknown> {
    const { enforcementLevel: _level, ...rest } = entry;
    return rest;
}

function isResourcePolicy(p: Policies[number]): p is ResourceValidationPolicy {
    return typeof (p as StackValidationPolicy).validateStack !== "function";
}

function isStackPolicy(p: Policies[number]): p is StackValidationPolicy {
    return typeof (p as StackValidationPolicy).validateStack === "function";
}

function pulumiTypeOf(fn: unknown): string | undefined {
    return (fn as { __pulumiType?: string } | undefined)?.__pulumiType;
}

function appliesTo(fn: unknown, type: string): boolean {
    const tagged = pulumiTypeOf(fn);
    return tagged === undefined || tagged === type;
}

/** As the server: the class's `__pulumiType`, else its `isInstance` on a stand-in. */
function isTypeOf(type: string, cls: unknown): boolean {
    const tagged = pulumiTypeOf(cls);
    if (tagged) return type === tagged;
    const isInstance = (cls as { isInstance?: (o: unknown) => boolean } | undefined)?.isInstance;
    return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

function policyError(policy: string, urn: string | undefined, err: unknown): PolicyError {
    const where = urn ? ` on ${urn}` : "";
    return new PolicyError(`policy '${policy}' failed${where}: ${(err as Error)?.stack ?? String(err)}`);
}

/** Mandatory violations decide the verdict; advisory ones (and notes) never fail it. */
export function countByLevel(violations: readonly Violation[]): { mandatory: number; advisory: number } {
    let mandatory = 0;
    for (const v of violations) if (v.enforcementLevel === "mandatory") mandatory++;
    return { mandatory, advisory: violations.length - mandatory };
}
