/**
 * The rollout itself, independent of Pulumi: for each wave in order, for each stack of the wave
 * (in parallel): preview with the policy pack, stop on a mandatory violation, update, then check
 * the stack's outputs. The first failing wave stops everything after it; progress is saved after
 * every stack so `--resume` continues from the first stack not completed.
 */
import { InputError } from "../files/inputError";
import { RolloutPlan } from "./waves";

export interface PreviewOutcome {
    /** Resources the update would create, update, replace or delete. */
    readonly changes: number;
    /** Mandatory policy violations reported during the preview, as "policy: message". */
    readonly mandatoryViolations: readonly string[];
}

export interface UpOutcome {
    readonly outputs: Readonly<Record<string, unknown>>;
    /** One line for the progress log, e.g. "3 created, 2 updated". */
    readonly summary: string;
}

/** What the orchestrator needs from Pulumi; the Automation API in production, a fake in tests. */
export interface StackRunner {
    preview(stack: string, log: (line: string) => void, signal: AbortSignal): Promise<PreviewOutcome>;
    up(stack: string, log: (line: string) => void, signal: AbortSignal): Promise<UpOutcome>;
}

export type Phase = "preview" | "policy" | "up" | "outputs";

export interface StackFailure {
    readonly wave: string;
    readonly stack: string;
    readonly phase: Phase;
    readonly message: string;
}

export interface RolloutState {
    readonly version: 1;
    readonly plan: RolloutPlan;
    readonly completed: readonly string[];
    readonly status: "running" | "completed" | "failed" | "interrupted";
    readonly failures: readonly StackFailure[];
    readonly updatedAt: string;
}

export interface StateStore {
    load(): RolloutState | undefined;
    save(state: RolloutState): void;
}

export interface RolloutOptions {
    readonly plan: RolloutPlan;
    readonly runner: StackRunner;
    readonly store: StateStore;
    /** Continue the saved run: skip the stacks it completed. */
    readonly resume: boolean;
    /** Output names each stack must have after `up`, and the VPC names under `vpcs`. */
    readonly expectedOutputs: (stack: string) => { readonly keys: readonly string[]; readonly vpcs: readonly string[] };
    readonly log: (line: string) => void;
    readonly signal?: AbortSignal;
    readonly now?: () => Date;
}

export interface RolloutResult {
    readonly status: "completed" | "failed" | "interrupted";
    readonly completed: readonly string[];
    readonly failures: readonly StackFailure[];
}

/** Thrown for a resume that cannot be honoured; the CLI prints it and exits 2. */
export class ResumeError extends InputError {}

class Interrupted extends Error {}

export async function runRollout(options: RolloutOptions): Promise<RolloutResult> {
    const { plan, store, log } = options;
    const now = options.now ?? (() => new Date());
    const signal = options.signal ?? new AbortController().signal;
    const completed = new Set<string>(options.resume ? resumableState(store, plan).completed : []);

    const save = (status: RolloutState["status"], failures: readonly StackFailure[] = []) =>
        store.save({ version: 1, plan, completed: [...completed], status, failures, updatedAt: now().toISOString() });
    save("running");
    if (options.resume && completed.size > 0) log(`resuming: ${[...completed].join(", ")} already done`);

    for (const [index, wave] of plan.waves.entries()) {
        const label = `wave ${index + 1}/${plan.waves.length} ${wave.name}`;
        const pending = wave.stacks.filter((stack) => !completed.has(stack));
        if (pending.length === 0) {
            log(`[${label}] already completed`);
            continue;
        }
        log(`[${label}] ${pending.join(", ")}`);
        const results = await Promise.allSettled(
            pending.map(async (stack) => {
                await deployStack(stack, options, (line) => log(`[${label}] ${stack}: ${line}`), signal);
                completed.add(stack);
                save("running");
            }),
        );
        if (signal.aborted) {
            save("interrupted");
            log(
                `interrupted during ${label}; completed so far: ${[...completed].join(", ") || "none"}. Run again with --resume to continue.`,
            );
            return { status: "interrupted", completed: [...completed], failures: [] };
        }
        const failures = results.flatMap((r, i) =>
            r.status === "rejected" ? [toFailure(wave.name, pending[i], r.reason)] : [],
        );
        if (failures.length > 0) {
            save("failed", failures);
            const later = plan.waves.slice(index + 1).flatMap((w) => w.stacks);
            for (const f of failures) log(`FAILED at ${label}, stack ${f.stack}, during ${f.phase}: ${f.message}`);
            log(
                `stopped: ${later.length > 0 ? `not started: ${later.join(", ")}` : "this was the last wave"}. Fix the cause, then run again with --resume.`,
            );
            return { status: "failed", completed: [...completed], failures };
        }
    }
    save("completed");
    log(`rollout complete: ${[...completed].join(", ")}`);
    return { status: "completed", completed: [...completed], failures: [] };
}

class PhaseError extends Error {
    constructor(
        readonly phase: Phase,
        message: string,
    ) {
        super(message);
    }
}

async function deployStack(
    stack: string,
    options: RolloutOptions,
    log: (line: string) => void,
    signal: AbortSignal,
): Promise<void> {
    const step = async <T>(phase: Phase, run: () => Promise<T>): Promise<T> => {
        if (signal.aborted) throw new Interrupted();
        try {
            return await run();
        } catch (err) {
            if (signal.aborted) throw new Interrupted();
            throw err instanceof PhaseError ? err : new PhaseError(phase, (err as Error)?.message ?? String(err));
        }
    };

    log("preview with the policy pack");
    const preview = await step("preview", () => options.runner.preview(stack, log, signal));
    if (preview.mandatoryViolations.length > 0) {
        throw new PhaseError(
            "policy",
            `${preview.mandatoryViolations.length} mandatory policy violation(s), no update made: ${preview.mandatoryViolations.join("; ")}`,
        );
    }
    log(`preview ok: ${preview.changes} change(s)`);
    const up = await step("up", () => options.runner.up(stack, log, signal));
    log(`up ok: ${up.summary}`);
    const missing = missingOutputs(up.outputs, options.expectedOutputs(stack));
    if (missing.length > 0)
        throw new PhaseError("outputs", `the update finished but these outputs are missing: ${missing.join(", ")}`);
    log("outputs ok");
}

function missingOutputs(
    outputs: Readonly<Record<string, unknown>>,
    expected: { keys: readonly string[]; vpcs: readonly string[] },
): string[] {
    const missing = expected.keys.filter(
        (key) => outputs[key] === undefined || outputs[key] === null || outputs[key] === "",
    );
    const vpcs = (outputs.vpcs ?? {}) as Record<string, { vpcId?: unknown }>;
    missing.push(...expected.vpcs.filter((name) => !vpcs[name]?.vpcId).map((name) => `vpcs.${name}.vpcId`));
    return missing;
}

function toFailure(wave: string, stack: string, reason: unknown): StackFailure {
    if (reason instanceof PhaseError) return { wave, stack, phase: reason.phase, message: reason.message };
    return { wave, stack, phase: "preview", message: (reason as Error)?.message ?? String(reason) };
}

function resumableState(store: StateStore, plan: RolloutPlan): RolloutState {
    const state = store.load();
    if (!state) throw new ResumeError("nothing to resume: no saved rollout state. Run without --resume to start.");
    if (JSON.stringify(state.plan) !== JSON.stringify(plan)) {
        throw new ResumeError(
            "the saved rollout was for different waves; resume it with the same --waves/--stacks, or start over without --resume",
        );
    }
    if (state.status === "completed")
        throw new ResumeError("the saved rollout already completed; run without --resume to start a new one");
    return state;
}
