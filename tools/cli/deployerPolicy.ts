/**
 * npm run deployer-policy -- (--stack NAME | --config FILE) [--json]
 *
 * Prints the least-privilege IAM policy a CI deployer role needs for one stack, derived from the
 * stack's offline plan. Exit status: 0 printed, 2 bad usage, a bad configuration or a resource
 * type without listed actions (nothing printed).
 */
import { parseArgs } from "util";
import { deployerPolicyDocuments, MANAGED_POLICY_MAX_CHARS, policyCharacters } from "../deployer/deployerPolicy";
import { planStack, toEngineConfig } from "../plan/offlinePlan";
import { Exit, print, printJson, runCli, runCommand, stackFilePath } from "./kit";

export const USAGE = "usage: npm run deployer-policy -- (--stack NAME | --config FILE) [--json]";

export function main(argv: string[]): Promise<number> {
    return runCommand({ usage: USAGE, nothingDone: "Nothing was printed." }, async (run) => {
        const { values } = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                config: { type: "string" },
                json: { type: "boolean", default: false },
            },
            strict: true,
        });
        const stackFile = run.loadStack(stackFilePath(values));
        const plan = await planStack(stackFile.stack, toEngineConfig(stackFile.config));
        const documents = deployerPolicyDocuments(plan);
        const policies = documents.map((document, i) => ({
            name:
                documents.length === 1
                    ? `vpc-flow-monitor-${plan.stack}-deployer`
                    : `vpc-flow-monitor-${plan.stack}-deployer-${i + 1}`,
            characters: policyCharacters(document),
            document,
        }));
        if (values.json) {
            printJson({ stack: plan.stack, policies });
            return Exit.OK;
        }
        const lines = [
            `Deployer policy for stack ${plan.stack}: ${policies.length} managed ${policies.length === 1 ? "policy" : "policies"} (IAM allows ${MANAGED_POLICY_MAX_CHARS} characters each, whitespace not counted).`,
        ];
        for (const policy of policies) {
            lines.push("", `${policy.name} (${policy.characters} characters)`);
            for (const s of policy.document.Statement) {
                const condition = s.Condition ? `  when ${JSON.stringify(s.Condition)}` : "";
                lines.push(`  ${s.Sid}: ${s.Action.length} actions on ${s.Resource.join(", ")}${condition}`);
            }
        }
        lines.push("", "The documents themselves: add --json.");
        print(lines.join("\n"));
        return Exit.OK;
    });
}

if (require.main === module) void runCli(main);
