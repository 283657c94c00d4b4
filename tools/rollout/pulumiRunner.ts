/**
 * The StackRunner for real deployments: Pulumi's Automation API over this project's directory,
 * the same as `pulumi preview --policy-pack ./policy` and `pulumi up` by hand.
 */
import { spawnSync } from "child_process";
import { EngineEvent, LocalWorkspace, OpMap } from "@pulumi/pulumi/automation";
import { PreviewOutcome, StackRunner, UpOutcome } from "./orchestrator";

export const INSTALL_HINT =
    "The Pulumi CLI is needed for a rollout and was not found on PATH. Install it with `curl -fsSL https://get.pulumi.com | sh` " +
    "(or see https://www.pulumi.com/docs/install/), run `pulumi login`, then try again. `--dry-run` works without it.";

/** Whether a `pulumi` binary answers; the rollout refuses to start (exit 2) when it does not. */
export function pulumiCliAvailable(): boolean {
    const result = spawnSync("pulumi", ["version"], { encoding: "utf8" });
    return !result.error && result.status === 0;
}

export class PulumiStackRunner implements StackRunner {
    constructor(
        private readonly workDir: string,
        private readonly policyPackDir: string,
    ) {}

    async preview(stack: string, log: (line: string) => void, signal: AbortSignal): Promise<PreviewOutcome> {
        const workspaceStack = await LocalWorkspace.createOrSelectStack({ stackName: stack, workDir: this.workDir });
        const violations: string[] = [];
        const onEvent = (event: EngineEvent) => {
            const policy = event.policyEvent;
            if (policy?.enforcementLevel === "mandatory") violations.push(`${policy.policyName}: ${policy.message}`);
        };
        try {
            const result = await workspaceStack.preview({
                policyPacks: [this.policyPackDir],
                onOutput: lines(log),
                onEvent,
                signal,
            });
            return { changes: countChanges(result.changeSummary), mandatoryViolations: violations };
        } catch (err) {
            // A mandatory violation makes the preview exit non-zero; report the violations, not the exit.
            if (violations.length > 0) return { changes: 0, mandatoryViolations: violations };
            throw err;
        }
    }

    async up(stack: string, log: (line: string) => void, signal: AbortSignal): Promise<UpOutcome> {
        const workspaceStack = await LocalWorkspace.selectStack({ stackName: stack, workDir: this.workDir });
        const result = await workspaceStack.up({ policyPacks: [this.policyPackDir], onOutput: lines(log), signal });
        const outputs = Object.fromEntries(Object.entries(result.outputs).map(([key, output]) => [key, output.value]));
        const summary = Object.entries(result.summary.resourceChanges ?? {})
            .map(([op, count]) => `${count} ${op}`)
            .join(", ");
        return { outputs, summary: summary || "no changes" };
    }
}

function countChanges(summary: OpMap): number {
    return Object.entries(summary)
        .filter(([op]) => op !== "same")
        .reduce((sum, [, count]) => sum + (count ?? 0), 0);
}

/** The engine writes output in chunks; forward whole, non-empty lines. */
function lines(log: (line: string) => void): (chunk: string) => void {
    return (chunk) =>
        chunk
            .split("\n")
            .filter((l) => l.trim())
            .forEach((l) => log(l.trimEnd()));
}
