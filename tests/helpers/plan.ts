/**
 * Shared helpers for the plan-level tests: run the real program under the offline mocks
 * (tools/plan/offlinePlan.ts) with a config written in the test, then look resources up by name.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { OFFLINE_ACCOUNT_ID } from "../../tools/plan/mockCloud";
import {
    Plan,
    PlannedResource,
    planProgram,
    planStack,
    ProgramPlan,
    toEngineConfig,
} from "../../tools/plan/offlinePlan";

/** The account id every ARN of the offline plan carries. */
export const ACCOUNT = OFFLINE_ACCOUNT_ID;

export type VpcFixture =
    { readonly name: string; readonly cidrBlock: string } | { readonly name: string; readonly vpcId: string };

/** A stack config as it would be written in `Pulumi.<stack>.yaml` (full keys, decoded values). */
export interface StackConfigFixture {
    readonly "aws:region": string;
    readonly "vpc-flow-monitor:regions": readonly { readonly region: string; readonly vpcs: readonly VpcFixture[] }[];
    readonly "vpc-flow-monitor:flowLogs"?: {
        readonly cloudWatchTrafficType?: string;
        readonly logRetentionDays?: number;
    };
    readonly "vpc-flow-monitor:lake"?: {
        readonly expireAfterDays?: number;
        readonly transitionToInfrequentAccessDays?: number;
        readonly bytesScannedCutoffGb?: number;
    };
}

/** Plans `config` offline as stack `stack`: every registered resource with its inputs. */
export function planOf(config: StackConfigFixture | Record<string, unknown>, stack = "test"): Promise<Plan> {
    return planStack(stack, toEngineConfig(config as Record<string, unknown>));
}

/** The one resource registered under `name`; fails when there is none or more than one. */
export function byName(plan: Plan, name: string): PlannedResource {
    const found = plan.resources.filter((r) => r.name === name);
    assert.equal(found.length, 1, `expected exactly one resource named ${name}, found ${found.length}`);
    return found[0];
}

export function byType(plan: Plan, type: string): PlannedResource[] {
    return plan.resources.filter((r) => r.type === type);
}

/** URN of the explicit AWS provider for `region` (there must be exactly one). */
export function providerOf(plan: Plan, region: string): string {
    const found = plan.resources.filter((r) => r.type === "pulumi:providers:aws" && r.inputs.region === region);
    assert.equal(found.length, 1, `expected exactly one aws provider for ${region}, found ${found.length}`);
    return found[0].urn;
}

/** A string input holding JSON (policies), parsed. */
export function jsonInput(resource: PlannedResource, key: string): any {
    const value = resource.inputs[key];
    assert.equal(typeof value, "string", `${resource.name}.${key} should be a JSON string`);
    return JSON.parse(value as string);
}

/** The recorded inputs of `name`, with a type for property access in assertions. */
export function inputsOf(plan: Plan, name: string): Record<string, any> {
    return byName(plan, name).inputs as Record<string, any>;
}

/** The ARN the offline cloud gives a bucket (`arn:aws:s3:::<id>`), from the bucket's planned id. */
export function bucketArnOf(plan: Plan, name = "lake-bucket"): string {
    const bucket = byName(plan, name);
    assert.ok(bucket.id, `${name} has no id`);
    return `arn:aws:s3:::${bucket.id}`;
}

/** The resources registered with `parentName` as their parent, in registration order. */
export function childrenOf(plan: Plan, parentName: string): PlannedResource[] {
    const parent = byName(plan, parentName);
    return plan.resources.filter((r) => r.parent === parent.urn);
}

/** What the offline cloud returned for `name` (its inputs plus ids and ARNs), typed for property access. */
export function outputsOf(plan: Plan, name: string): Record<string, any> {
    return byName(plan, name).outputs as Record<string, any>;
}

/**
 * Runs `build` (components constructed directly, another program using the library) under the
 * same offline mocks and recorder as the program, as stack `stack` with `aws:region` = `region`.
 */
export function planComponents<T>(
    build: () => T | Promise<T>,
    options: { readonly stack?: string; readonly region?: string; readonly config?: Record<string, unknown> } = {},
): Promise<ProgramPlan<T>> {
    const config = { "aws:region": options.region ?? "us-east-1", ...options.config };
    return planProgram(options.stack ?? "unit", toEngineConfig(config), build);
}

/** The value of an output once the plan has settled. */
export function unwrap<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}
