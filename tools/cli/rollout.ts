/**
 * npm run rollout -- [--waves FILE | --stacks dev,staging,prod] [--dry-run] [--resume]
 *
 * Takes the program through the environments' stacks in waves: per stack a preview with the
 * policy pack (a mandatory violation stops the rollout before any update), `pulumi up`, then a
 * check that the expected outputs exist. Exit status: 0 done (or dry run), 1 a stack failed,
 * 2 bad usage, invalid plan or no Pulumi CLI, 130 interrupted.
 */
import * as path from "path";
import { parseArgs } from "util";
import { loadStackFile } from "../files/stackFile";
import { validateStackConfig } from "../../program/stackConfig";
import { runRollout, StackRunner } from "../rollout/orchestrator";
import { INSTALL_HINT, pulumiCliAvailable, PulumiStackRunner } from "../rollout/pulumiRunner";
import { StateFile } from "../rollout/stateFile";
import { describePlan, loadWavesFile, validatePlan, wavesFromStackList } from "../rollout/waves";
import { Exit, PROJECT_DIR, runCli, runCommand, UsageError } from "./kit";

export const STATE_FILE = ".rollout-state.json";
const DEFAULT_STACKS = "dev,staging,prod";
export const USAGE = "usage: npm run rollout -- [--waves FILE | --stacks dev,staging,prod] [--dry-run] [--resume]";

/** The outputs every stack of this program exports (program/main.ts StackOutputs). */
export const EXPECTED_OUTPUT_KEYS = [
    "homeRegion",
    "lakeBucketName",
    "glueDatabase",
    "glueTable",
    "athenaWorkgroup",
    "dashboardName",
    "vpcs",
];

export interface RolloutDeps {
    readonly projectDir: string;
    readonly runner?: StackRunner;
    readonly cliAvailable?: () => boolean;
    readonly signal?: AbortSignal;
    readonly out?: (line: string) => void;
    readonly err?: (line: string) => void;
}

export function main(argv: string[], deps: RolloutDeps = { projectDir: PROJECT_DIR }): Promise<number> {
    const out = deps.out ?? ((line: string) => process.stdout.write(line + "\n"));
    const err = deps.err ?? ((line: string) => process.stderr.write(line + "\n"));
    return runCommand({ usage: USAGE, err }, async () => {
        const { values } = parseArgs({
            args: argv,
            options: {
                waves: { type: "string" },
                stacks: { type: "string" },
                "dry-run": { type: "boolean" },
                resume: { type: "boolean" },
            },
            strict: true,
        });
        if (values.waves !== undefined && values.stacks !== undefined)
            throw new UsageError("give --waves or --stacks, not both");
        const plan =
            values.waves !== undefined
                ? loadWavesFile(values.waves)
                : wavesFromStackList(values.stacks ?? DEFAULT_STACKS);
        validatePlan(plan, deps.projectDir);

        if (values["dry-run"]) {
            out("Rollout plan (dry run: nothing previewed or deployed):");
            describePlan(plan).forEach((line) => out(line));
            out(
                "Each stack: preview with ./policy (a mandatory violation stops the rollout), pulumi up, check the outputs.",
            );
            return Exit.OK;
        }
        if (!deps.runner && !(deps.cliAvailable ?? pulumiCliAvailable)()) {
            err(INSTALL_HINT);
            return Exit.BAD_INPUT;
        }
        const runner = deps.runner ?? new PulumiStackRunner(deps.projectDir, path.join(deps.projectDir, "policy"));
        const expectedOutputs = (stack: string) => {
            const config = validateStackConfig(
                loadStackFile(path.join(deps.projectDir, `Pulumi.${stack}.yaml`)).config,
            );
            return { keys: EXPECTED_OUTPUT_KEYS, vpcs: config.regions.flatMap((r) => r.vpcs.map((v) => v.name)) };
        };
        const result = await runRollout({
            plan,
            runner,
            store: new StateFile(path.join(deps.projectDir, STATE_FILE)),
            resume: values.resume ?? false,
            expectedOutputs,
            log: out,
            signal: deps.signal,
        });
        return result.status === "completed" ? Exit.OK : result.status === "failed" ? Exit.FAILED : Exit.INTERRUPTED;
    });
}

if (require.main === module) {
    // Ctrl-C stops the rollout between steps and cancels the running Pulumi operations; progress is kept.
    const controller = new AbortController();
    process.once("SIGINT", () => controller.abort());
    void runCli((argv) => main(argv, { projectDir: PROJECT_DIR, signal: controller.signal }));
}
