/**
 * npm run plan -- --stack NAME | --config FILE [--json]
 *
 * Prints what `pulumi up` would create for a stack config, without credentials or the Pulumi CLI.
 * Exit status: 0 planned, 2 bad usage or bad configuration (nothing planned).
 */
import { parseArgs } from "util";
import { planStack, toEngineConfig } from "../plan/offlinePlan";
import { planJson, renderPlan } from "../plan/planReport";
import { Exit, print, printJson, runCli, runCommand, stackFilePath } from "./kit";

export const USAGE = "usage: npm run plan -- (--stack NAME | --config FILE) [--json]";

export function main(argv: string[]): Promise<number> {
    return runCommand({ usage: USAGE }, async (run) => {
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
        if (values.json) printJson(planJson(plan));
        else print(renderPlan(plan));
        return Exit.OK;
    });
}

if (require.main === module) void runCli(main);
