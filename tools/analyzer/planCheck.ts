/**
 * The policy pack over an offline plan: what `pulumi preview --policy-pack ./policy` would say,
 * without credentials or the Pulumi CLI. Each resource is captured with its dependencies as the
 * engine would see them, the `aws:ec2/vpc:Vpc` each awsx:ec2:Vpc creates is modelled, then every
 * policy runs (policyRunner.ts). `preview` runs them over the plan as a preview of a new stack sees
 * it (ids, ARNs and everything computed from them unknown), where links hold through dependencies.
 */
import { StackFile } from "../files/stackFile";
import { Plan, planStack, toEngineConfig } from "../plan/offlinePlan";
import { PolicyConfig } from "./policyConfig";
import { asPreview, fromPlan } from "./policyInputs";
import { loadPolicyConfig, PACK } from "./policyPack";
import { PolicyInputResource, PolicyRun, runPolicyPack } from "./policyRunner";

export interface CheckOptions {
    /** Judge the plan as `pulumi preview` of a new stack sees it. */
    readonly preview?: boolean;
    readonly policyConfig?: PolicyConfig;
    /** Tests: change the plan before the policies see it (drop a VPC's alarms, ...). */
    readonly transformPlan?: (plan: Plan) => Plan;
}

export interface CheckResult {
    readonly plan: Plan;
    /** What the policies saw: the plan's resources plus the modelled ones (known values). */
    readonly resources: readonly PolicyInputResource[];
    readonly run: PolicyRun;
}

/** Runs the pack over a plan. */
export async function checkPlan(plan: Plan, options: CheckOptions = {}): Promise<CheckResult> {
    const resources = fromPlan(plan);
    const run = await runPolicyPack(options.preview ? asPreview(resources) : resources, PACK, {
        config: options.policyConfig ?? loadPolicyConfig(),
    });
    return { plan, resources, run };
}

/** Plans a stack file offline (ConfigError for a bad config) and runs the pack over the plan. */
export async function checkStackFile(stackFile: StackFile, options: CheckOptions = {}): Promise<CheckResult> {
    const planned = await planStack(stackFile.stack, toEngineConfig(stackFile.config));
    return checkPlan(options.transformPlan ? options.transformPlan(planned) : planned, options);
}
