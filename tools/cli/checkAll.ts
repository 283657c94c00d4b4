/**
 * The policy check of every `Pulumi.<stack>.yaml` of the project, as `npm test` runs it: each
 * stack is planned offline and judged twice, as `pulumi up` sees it (values known) and as
 * `pulumi preview` of a new stack sees it (ids and ARNs unknown, links through dependencies). A
 * stack passes when neither has a mandatory violation. Exit 1 if any stack fails.
 */
import { checkPlan } from "../analyzer/planCheck";
import { loadPolicyConfig } from "../analyzer/policyPack";
import { passed, violationTable } from "../analyzer/policyReport";
import { countByLevel, PolicyRun } from "../analyzer/policyRunner";
import { loadStackFile, stackFilesIn } from "../files/stackFile";
import { planStack, toEngineConfig } from "../plan/offlinePlan";
import { bugReport, describeFailure, Exit, PROJECT_DIR, runCli } from "./kit";

export async function main(dir = PROJECT_DIR): Promise<number> {
    const files = stackFilesIn(dir);
    if (files.length === 0) {
        process.stderr.write(`no Pulumi.<stack>.yaml found in ${dir}\n`);
        return Exit.FAILED;
    }
    const policyConfig = loadPolicyConfig();
    let failed = 0;
    for (const file of files) {
        let name = file;
        try {
            const stackFile = loadStackFile(file);
            name = stackFile.stack;
            const plan = await planStack(stackFile.stack, toEngineConfig(stackFile.config));
            const up = (await checkPlan(plan, { policyConfig })).run;
            const preview = (await checkPlan(plan, { policyConfig, preview: true })).run;
            const ok = passed(up) && passed(preview);
            if (!ok) failed++;
            process.stdout.write(
                `${ok ? "ok  " : "FAIL"}  ${name}: ${plan.resources.length} resources; up: ${counts(up)}; preview: ${counts(preview)}\n`,
            );
            for (const [view, run] of [
                ["up", up],
                ["preview", preview],
            ] as const) {
                if (run.violations.length > 0)
                    process.stdout.write(indent(`${view}:\n${violationTable(run.violations)}`) + "\n");
            }
        } catch (err) {
            // One stack's failure is part of the report; the other stacks are still checked.
            failed++;
            const detail = describeFailure(err, { source: file })?.message ?? bugReport(err).trimEnd();
            process.stdout.write(`FAIL  ${name}\n${indent(detail)}\n`);
        }
    }
    process.stdout.write(`${files.length - failed} passed, ${failed} failed\n`);
    return failed === 0 ? Exit.OK : Exit.FAILED;
}

function counts(run: PolicyRun): string {
    const { mandatory, advisory } = countByLevel(run.violations);
    return `${mandatory} mandatory, ${advisory} advisory`;
}

function indent(text: string): string {
    return text
        .split("\n")
        .map((line) => `      ${line}`)
        .join("\n");
}

if (require.main === module) void runCli(() => main());
