/**
 * The rollout plan: which stacks are updated in which order. Waves run one after the other;
 * the stacks of one wave may run in parallel.
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { ConfigError, formatProblems, validateStackConfig } from "../../program/stackConfig";
import { InputError } from "../files/inputError";
import { loadStackFile, StackFileError } from "../files/stackFile";
import { parseYaml, YamlFileError } from "../files/yamlFile";
import { ALLOWED_STACK_NAME, stackNameProblem } from "../../components/naming";

export interface Wave {
    readonly name: string;
    readonly stacks: readonly string[];
}

export interface RolloutPlan {
    readonly waves: readonly Wave[];
}

/** A plan that cannot run: printed alone, exit status 2, nothing touched. */
export class RolloutPlanError extends InputError {}

const isStackName = (name: string) => stackNameProblem(name) === undefined;

const wavesFileSchema = z.strictObject(
    {
        waves: z
            .array(
                z.strictObject(
                    {
                        name: z.string({ error: "a wave needs a name" }).min(1, { error: "a wave needs a name" }),
                        stacks: z
                            .array(
                                z
                                    .string({ error: "not a stack name" })
                                    .refine(isStackName, { error: `not a stack name; allowed: ${ALLOWED_STACK_NAME}` }),
                                {
                                    error: "not a list of stack names",
                                },
                            )
                            .min(1, { error: "a wave needs at least one stack" }),
                    },
                    { error: "a wave is { name, stacks }" },
                ),
                { error: "not a list of waves" },
            )
            .min(1, { error: "at least one wave is needed" }),
    },
    { error: "a waves file is a mapping with the key waves" },
);

/** `--stacks dev,staging,prod`: one wave per stack, in the order given. */
export function wavesFromStackList(list: string): RolloutPlan {
    const stacks = list.split(",").map((s) => s.trim());
    const bad = stacks.filter((s) => !isStackName(s));
    if (bad.length > 0) {
        throw new RolloutPlanError(
            `--stacks: not a stack name; given ${bad.map((b) => JSON.stringify(b)).join(", ")}. Allowed: ${ALLOWED_STACK_NAME}, separated by commas, such as dev,staging,prod`,
        );
    }
    return { waves: stacks.map((stack) => ({ name: stack, stacks: [stack] })) };
}

/** `--waves FILE`: YAML `waves: [{ name, stacks: [...] }]`. */
export function loadWavesFile(file: string): RolloutPlan {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new RolloutPlanError(
            `cannot read waves file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        );
    }
    let doc: unknown;
    try {
        doc = parseYaml(text, file);
    } catch (err) {
        if (err instanceof YamlFileError) throw new RolloutPlanError(err.message);
        throw err;
    }
    const parsed = wavesFileSchema.safeParse(doc);
    if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue.path
            .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
            .join("")
            .replace(/^\./, "");
        throw new RolloutPlanError(
            `${file}: ${where || "(top level)"}: ${issue.message}. Expected: waves: [{ name: canary, stacks: [dev] }, { name: production, stacks: [prod-us, prod-eu] }]`,
        );
    }
    return parsed.data;
}

/**
 * Checks a plan before anything runs: each stack listed once, each with a `Pulumi.<stack>.yaml`
 * in the project whose configuration is valid. All problems are reported together.
 */
export function validatePlan(plan: RolloutPlan, projectDir: string): void {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const wave of plan.waves) {
        for (const stack of wave.stacks) {
            if (seen.has(stack)) problems.push(`stack ${stack} is listed more than once`);
            seen.add(stack);
            const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
            if (!fs.existsSync(file)) {
                problems.push(`stack ${stack} has no stack config: ${path.basename(file)} not found in ${projectDir}`);
                continue;
            }
            try {
                validateStackConfig(loadStackFile(file).config);
            } catch (err) {
                if (err instanceof ConfigError) problems.push(formatProblems(err.problems, path.basename(file)));
                else if (err instanceof StackFileError) problems.push(err.message);
                else throw err;
            }
        }
    }
    if (problems.length > 0) {
        throw new RolloutPlanError(
            `the rollout cannot start; nothing was touched:\n${problems.map((p) => `  - ${p.replace(/\n/g, "\n    ")}`).join("\n")}`,
        );
    }
}

export function describePlan(plan: RolloutPlan): string[] {
    return plan.waves.map((wave, i) => `wave ${i + 1}/${plan.waves.length} ${wave.name}: ${wave.stacks.join(", ")}`);
}
