/**
 * npm run check -- (--stack NAME | --config FILE) [--json] [--preview] [--plan] [--policy-config FILE]
 *
 * The offline plan of a stack config plus the policy pack's verdict on it: what
 * `pulumi preview --policy-pack ./policy` would say, without credentials or the Pulumi CLI.
 * Each resource is captured with its dependencies as the engine would see them, the
 * `aws:ec2/vpc:Vpc` each awsx:ec2:Vpc creates is modelled, then every policy runs
 * (tools/analyzer/policyRunner.ts). `--preview` runs them over the plan as a preview of a new stack sees it
 * (ids, ARNs and everything computed from them unknown), where links hold through dependencies.
 *
 * Exit status: 0 no violation or advisory ones only, 1 a mandatory violation, 2 bad usage, stack
 * config or policy config (nothing checked).
 */
import * as path from "path";
import { parseArgs } from "util";
import { Plan, PlannedResource, planStack, toEngineConfig } from "../plan/offlinePlan";
import { stackFilePath, UsageError } from "./plan";
import { renderPlan } from "../plan/planReport";
import { PolicyConfig } from "../analyzer/policyConfig";
import { asPreview, AWSX_VPC, fromPlan, VPC } from "../analyzer/policyInputs";
import { loadPolicyConfig, PACK } from "../analyzer/policyPack";
import { passed, reportPolicyToolFailure, verdictLine, violationsJson, violationTable } from "../analyzer/policyReport";
import { PolicyInputResource, PolicyRun, runPolicyPack } from "../analyzer/policyRunner";
import { loadStackFile, StackFile } from "../files/stackFile";

export const USAGE =
    "usage: npm run check -- (--stack NAME | --config FILE) [--json] [--preview] [--plan] [--policy-config FILE]";

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

export async function main(argv: string[], hooks: Pick<CheckOptions, "transformPlan"> = {}): Promise<number> {
    let source: string | undefined;
    try {
        const { values } = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                config: { type: "string" },
                json: { type: "boolean", default: false },
                preview: { type: "boolean", default: false },
                plan: { type: "boolean", default: false },
                "policy-config": { type: "string" },
            },
            strict: true,
        });
        const file = stackFilePath(values, USAGE);
        if (values.json && values.plan)
            throw new UsageError(
                `--plan prints the plan for people and cannot be combined with --json (which includes the resources)\n${USAGE}`,
            );
        // The policy config first: a bad one fails fast, before a plan is made.
        const policyConfig = loadPolicyConfig(values["policy-config"]);
        const stackFile = loadStackFile(file);
        source = path.relative(process.cwd(), stackFile.path) || stackFile.path;
        const preview = values.preview ?? false;
        const result = await checkStackFile(stackFile, { preview, policyConfig, transformPlan: hooks.transformPlan });
        process.stdout.write(
            (values.json
                ? JSON.stringify(checkJson(result, preview), null, 2)
                : renderCheck(result, source, preview, values.plan ?? false)) + "\n",
        );
        return passed(result.run) ? 0 : 1;
    } catch (err) {
        return reportPolicyToolFailure(err, source, USAGE);
    }
}

/** Human output: what was checked, the violations as a table, the verdict. */
export function renderCheck(result: CheckResult, source: string, preview: boolean, withPlan = false): string {
    const { plan, resources, run } = result;
    const modelled = resources.filter((r) => r.synthetic);
    const lines: string[] = [];
    if (withPlan) lines.push(renderPlan(plan), "");
    lines.push(
        `Policy pack ${PACK.name}@${PACK.version} on stack "${plan.stack}" (${source}): ${plan.resources.length} resources from the offline plan`,
    );
    if (modelled.length > 0) {
        lines.push(
            `  + ${modelled.length} ${VPC} modelled inside ${AWSX_VPC} (awsx builds it at deploy time; the offline plan cannot see it): ${modelled.map((r) => r.name).join(", ")}`,
        );
    }
    if (preview)
        lines.push(
            "  judged as `pulumi preview` of a new stack sees it: ids, ARNs and values computed from other resources unknown",
        );
    lines.push("", violationTable(run.violations), "", verdictLine(run));
    return lines.join("\n");
}

/** JSON output: the plan's resources (modelled ones marked `synthetic`) and the violations. */
export function checkJson(result: CheckResult, preview: boolean) {
    const planned = new Map<string, PlannedResource>(result.plan.resources.map((r) => [r.urn, r]));
    const resources = result.resources.map((r) => {
        const p = planned.get(r.urn);
        const { type, name, urn, parent, provider, custom, read, id, inputs, dependencies, propertyDependencies } = r;
        return {
            type,
            name,
            urn,
            parent,
            provider,
            providers: p?.providers,
            custom,
            read,
            id,
            inputs,
            dependencies,
            propertyDependencies,
            synthetic: r.synthetic,
        };
    });
    return {
        stack: result.plan.stack,
        policyPack: { name: PACK.name, version: PACK.version },
        preview,
        passed: passed(result.run),
        resources,
        violations: violationsJson(result.run.violations),
    };
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code));
}
