/**
 * Policy test helpers in the style of pulumi-policy-aws (`src/tests/util.ts`), but with args shaped
 * like the analyzer server's: props wrapped in `unknownCheckingProxy`, `notApplicable` that throws,
 * stack resources linked to their parent and (property) dependencies.
 *
 *   const args = createResourceValidationArgs(aws.cloudwatch.LogGroup, { retentionInDays: 0 });
 *   await assertHasResourceViolation(logGroupRetentionSet, args, { message: /forever/ });
 *
 *   const stack = new StackBuilder();
 *   const vpc = stack.add(aws.ec2.Vpc, "main", { id: "vpc-1" });
 *   stack.add(aws.ec2.FlowLog, "fl", { vpcId: stack.ref(vpc, "id"), trafficType: "REJECT" });
 *   await assertNoStackViolations(vpcFlowLogsRequired, createStackValidationArgs(stack));
 */
import * as assert from "node:assert/strict";
import {
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
    unknownCheckingProxy,
} from "@pulumi/policy";
import { Plan } from "../../tools/plan/offlinePlan";
import { PolicyInputResource, toPolicyResources } from "../../tools/analyzer/policyRunner";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sentinels: Record<string, string> = require("@pulumi/policy/proxy");

/** The values the engine sends for properties not known during preview. */
export const UNKNOWN_STRING = sentinels.unknownStringValue;
export const UNKNOWN_ARRAY = sentinels.unknownArrayValue;
export const UNKNOWN_OBJECT = sentinels.unknownObjectValue;

/** A resource class (aws.s3.Bucket) or a type token. */
export type ResourceKind = string | { readonly __pulumiType?: string; isInstance?(o: unknown): boolean };

export function typeOf(kind: ResourceKind): string {
    if (typeof kind === "string") return kind;
    const type = (kind as { __pulumiType?: string }).__pulumiType;
    assert.ok(type, "the resource class has no __pulumiType");
    return type;
}

export interface Reported {
    readonly message: string;
    readonly urn?: string;
}

export class NotApplicable extends Error {}

const OPTIONS: PolicyResourceOptions = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

// ---------------------------------------------------------------------------------------------
// resource policies
// ---------------------------------------------------------------------------------------------

export function createResourceValidationArgs(
    kind: ResourceKind,
    props: Record<string, unknown>,
    config: Record<string, unknown> = {},
    options: { name?: string; provider?: { type?: string; name?: string; props: Record<string, unknown> } } = {},
): ResourceValidationArgs {
    const type = typeOf(kind);
    const name = options.name ?? "unknown";
    const proxied = unknownCheckingProxy(props);
    const isType = (cls: unknown) => typeOf(cls as ResourceKind) === type;
    return {
        type,
        props: proxied,
        urn: `urn:pulumi:test::test::${type}::${name}`,
        name,
        opts: OPTIONS,
        stackTags: new Map(),
        provider: options.provider
            ? {
                  type: options.provider.type ?? "pulumi:providers:aws",
                  name: options.provider.name ?? "aws",
                  urn: `urn:pulumi:test::test::pulumi:providers:aws::${options.provider.name ?? "aws"}`,
                  props: unknownCheckingProxy(options.provider.props),
              }
            : undefined,
        isType,
        asType: ((cls: unknown) => (isType(cls) ? proxied : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

/** Every violation the policy reports; a not-applicable policy reports none. */
export async function runResourcePolicy(
    policy: ResourceValidationPolicy,
    args: ResourceValidationArgs,
): Promise<Reported[]> {
    const reported: Reported[] = [];
    const validations = Array.isArray(policy.validateResource)
        ? policy.validateResource
        : policy.validateResource
          ? [policy.validateResource]
          : [];
    for (const validate of validations) {
        try {
            await validate(args, (message) => reported.push({ message }));
        } catch (err) {
            if (!(err instanceof NotApplicable)) throw err;
        }
    }
    return reported;
}

export async function assertHasResourceViolation(
    policy: ResourceValidationPolicy,
    args: ResourceValidationArgs,
    expected: { message: string | RegExp },
): Promise<Reported[]> {
    const reported = await runResourcePolicy(policy, args);
    assert.ok(
        reported.some((r) => matches(r.message, expected.message)),
        `expected a violation matching ${expected.message}; got ${JSON.stringify(reported, null, 1)}`,
    );
    return reported;
}

export async function assertNoResourceViolations(
    policy: ResourceValidationPolicy,
    args: ResourceValidationArgs,
): Promise<void> {
    assert.deepEqual(await runResourcePolicy(policy, args), []);
}

// ---------------------------------------------------------------------------------------------
// stack policies
// ---------------------------------------------------------------------------------------------

/** A reference to another resource's output: resolves to its value and records the dependency. */
export class Ref {
    constructor(
        readonly target: string,
        readonly output: string,
        readonly map: (value: string) => unknown = (v) => v,
    ) {}
}

interface Draft {
    type: string;
    name: string;
    urn: string;
    custom: boolean;
    read: boolean;
    parent?: string;
    provider?: string;
    id?: string;
    props: Record<string, unknown>;
    dependsOn: string[];
}

/**
 * Builds a stack the way the engine records it: URNs from the parent chain, outputs, and the
 * dependencies each property has on other resources (properties given as `ref(...)`).
 */
export class StackBuilder {
    private readonly drafts: Draft[] = [];
    private readonly byUrn = new Map<string, Draft>();

    constructor(
        readonly stack = "test",
        readonly project = "test",
    ) {}

    /** Adds a resource and returns its URN. `props` may hold `ref(...)`s at the top level or in top-level arrays. */
    add(
        kind: ResourceKind,
        name: string,
        props: Record<string, unknown> = {},
        options: {
            parent?: string;
            provider?: string;
            dependsOn?: string[];
            custom?: boolean;
            read?: boolean;
            id?: string;
        } = {},
    ): string {
        const type = typeOf(kind);
        const parentTypes = options.parent ? this.byUrn.get(options.parent)?.urn.split("::")[2] : undefined;
        assert.ok(!options.parent || parentTypes, `unknown parent ${options.parent}`);
        const urn = `urn:pulumi:${this.stack}::${this.project}::${parentTypes ? `${parentTypes}$` : ""}${type}::${name}`;
        assert.ok(!this.byUrn.has(urn), `duplicate resource ${urn}`);
        const custom = options.custom ?? !isComponentType(type);
        const id = options.id ?? (typeof props.id === "string" ? props.id : undefined);
        const draft: Draft = {
            type,
            name,
            urn,
            custom,
            read: options.read ?? false,
            parent: options.parent,
            provider: options.provider,
            id,
            props,
            dependsOn: options.dependsOn ?? [],
        };
        this.drafts.push(draft);
        this.byUrn.set(urn, draft);
        return urn;
    }

    /** `vpcId: stack.ref(vpc, "id")`: the VPC's id, and a property dependency on the VPC. */
    ref(target: string, output: string, map?: (value: string) => unknown): Ref {
        return new Ref(target, output, map);
    }

    /** Removes resources (and any reference to them stays dangling, as after a deletion). */
    remove(...urns: string[]): this {
        for (const urn of urns) {
            const index = this.drafts.findIndex((d) => d.urn === urn);
            assert.ok(index >= 0, `no resource ${urn}`);
            this.drafts.splice(index, 1);
            this.byUrn.delete(urn);
        }
        return this;
    }

    /** Changes a resource's props in place (the value of a `ref` is resolved at build time). */
    set(urn: string, props: Record<string, unknown>): this {
        const draft = this.byUrn.get(urn);
        assert.ok(draft, `no resource ${urn}`);
        Object.assign(draft.props, props);
        return this;
    }

    resources(): PolicyInputResource[] {
        return this.drafts.map((d) => {
            const outputs: Record<string, unknown> = {};
            const propertyDependencies: Record<string, string[]> = {};
            for (const [key, value] of Object.entries(d.props)) {
                const refs = Array.isArray(value)
                    ? value.filter((v): v is Ref => v instanceof Ref)
                    : value instanceof Ref
                      ? [value]
                      : [];
                outputs[key] = Array.isArray(value) ? value.map((v) => this.resolve(v)) : this.resolve(value);
                if (refs.length > 0) propertyDependencies[key] = refs.map((r) => r.target);
                else propertyDependencies[key] = [];
            }
            const dependencies = [...new Set([...Object.values(propertyDependencies).flat(), ...d.dependsOn])];
            return {
                type: d.type,
                name: d.name,
                urn: d.urn,
                custom: d.custom,
                read: d.read,
                id: d.id,
                parent: d.parent,
                provider: d.provider,
                inputs: outputs,
                outputs,
                dependencies,
                propertyDependencies,
            };
        });
    }

    private resolve(value: unknown): unknown {
        if (!(value instanceof Ref)) return value;
        const target = this.byUrn.get(value.target);
        // A reference to a removed resource keeps a value nothing else has.
        if (!target) return value.map(`gone:${value.target}`);
        const raw = value.output === "id" ? (target.id ?? target.props.id) : target.props[value.output];
        const resolved = raw instanceof Ref ? this.resolve(raw) : raw;
        return typeof resolved === "string" ? value.map(resolved) : resolved;
    }
}

function isComponentType(type: string): boolean {
    // Provider packages' custom resources have a module/Type segment; components here are pkg:module:Type without "/".
    return !type.startsWith("pulumi:providers:") && !type.split(":")[1]?.includes("/");
}

export function createStackValidationArgs(
    stack: StackBuilder | readonly PolicyInputResource[],
    config: Record<string, unknown> = {},
): StackValidationArgs {
    const resources = stack instanceof StackBuilder ? stack.resources() : stack;
    return {
        resources: toPolicyResources(resources),
        getConfig: <T extends object>() => config as T,
        stackTags: new Map(),
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

export async function runStackPolicy(policy: StackValidationPolicy, args: StackValidationArgs): Promise<Reported[]> {
    const reported: Reported[] = [];
    try {
        await policy.validateStack(args, (message, urn) => reported.push({ message, urn }));
    } catch (err) {
        if (!(err instanceof NotApplicable)) throw err;
    }
    return reported;
}

export async function assertHasStackViolation(
    policy: StackValidationPolicy,
    args: StackValidationArgs,
    expected: { message: string | RegExp; urn?: string },
): Promise<Reported[]> {
    const reported = await runStackPolicy(policy, args);
    const found = reported.filter(
        (r) => matches(r.message, expected.message) && (expected.urn === undefined || r.urn === expected.urn),
    );
    assert.ok(
        found.length > 0,
        `expected a violation matching ${expected.message}${expected.urn ? ` on ${expected.urn}` : ""}; got ${JSON.stringify(reported, null, 1)}`,
    );
    return reported;
}

export async function assertNoStackViolations(policy: StackValidationPolicy, args: StackValidationArgs): Promise<void> {
    assert.deepEqual(await runStackPolicy(policy, args), []);
}

function matches(message: string, expected: string | RegExp): boolean {
    return typeof expected === "string" ? message.includes(expected) : expected.test(message);
}

// ---------------------------------------------------------------------------------------------
// plans
// ---------------------------------------------------------------------------------------------

const MONITORED_VPC = "vpc-flow-monitor:network:MonitoredVpc";
const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

/**
 * The same program with one VPC's alarms removed: every metric alarm under the MonitoredVpc
 * `vpcName` is dropped from the plan (its metric filters stay, so the chain breaks at the last link).
 */
export function withoutAlarmsOf(plan: Plan, vpcName: string): Plan {
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const under = (urn: string | undefined): boolean => {
        for (
            let current = urn ? byUrn.get(urn) : undefined;
            current;
            current = current.parent ? byUrn.get(current.parent) : undefined
        ) {
            if (current.type === MONITORED_VPC && current.name === vpcName) return true;
        }
        return false;
    };
    const resources = plan.resources.filter((r) => !(r.type === METRIC_ALARM && under(r.urn)));
    assert.ok(resources.length < plan.resources.length, `no alarm under MonitoredVpc ${vpcName}`);
    return { ...plan, resources };
}
