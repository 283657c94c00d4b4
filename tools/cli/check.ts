/**
 * npm run check -- (--stack NAME | --config FILE) [--json] [--preview] [--plan] [--policy-config FILE]
 *
 * The offline plan of a stack config plus the policy pack's verdict on it: what
 * `pulumi preview --policy-pack ./policy` would say, without credentials or the Pulumi CLI
 * (tools/analyzer/planCheck.ts). `--preview` judges the plan as `pulumi preview` of a new stack
 * sees it (ids, ARNs and everything computed from them unknown).
 *
 * Exit status: 0 no violation or advisory ones only, 1 a mandatory violation, 2 bad usage, stack
 * config or policy config (nothing checked).
 */
import { parseArgs } from "util";
import { CheckOptions, checkStackFile } from "../analyzer/planCheck";
import { loadPolicyConfig } from "../analyzer/policyPack";
import { checkJson, passed, renderCheck } from "../analyzer/policyReport";
import { displayPath, Exit, print, printJson, runCli, runCommand, stackFilePath, UsageError } from "./kit";

export const USAGE =
    "usage: npm run check -- (--stack NAME | --config FILE) [--json] [--preview] [--plan] [--policy-config FILE]";

export function main(argv: string[], hooks: Pick<CheckOptions, "transformPlan"> = {}): Promise<number> {
    return runCommand({ usage: USAGE }, async (run) => {
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
        const file = stackFilePath(values);
        if (values.json && values.plan)
            throw new UsageError(
                "--plan prints the plan for people and cannot be combined with --json (which includes the resources)",
            );
        // The policy config first: a bad one fails fast, before a plan is made.
        const policyConfig = loadPolicyConfig(values["policy-config"]);
        const stackFile = run.loadStack(file);
        const preview = values.preview ?? false;
        const result = await checkStackFile(stackFile, { preview, policyConfig, transformPlan: hooks.transformPlan });
        if (values.json) printJson(checkJson(result, preview));
        else print(renderCheck(result, displayPath(stackFile.path), preview, values.plan ?? false));
        return passed(result.run) ? Exit.OK : Exit.FAILED;
    });
}

if (require.main === module) void runCli(main);
