/**
 * npm run plan -- --stack NAME | --config FILE [--json]
 *
 * Prints what `pulumi up` would create for a stack config, without credentials or the Pulumi CLI.
 * Exit status: 0 planned, 2 bad usage or bad configuration (nothing planned).
 */
import * as path from "path";
import { parseArgs } from "util";
import { ConfigError, formatProblems } from "../../program/stackConfig";
import { planStack, toEngineConfig } from "../plan/offlinePlan";
import { renderPlan } from "../plan/planReport";
import { loadStackFile, StackFile, StackFileError } from "../files/stackFile";
import { stackNameProblem } from "../../components/naming";

export const PROJECT_DIR = path.resolve(__dirname, "../..");

const USAGE = "usage: npm run plan -- (--stack NAME | --config FILE) [--json]";

/** A usage or input problem: printed alone, exit status 2. */
export class UsageError extends Error {}

/**
 * The stack config file named by `--stack NAME` (Pulumi.NAME.yaml here) or `--config FILE`; every
 * tool that takes a stack checks these options here, with its own usage line in the message.
 */
export function stackFilePath(values: { stack?: string; config?: string }, usage: string = USAGE): string {
    if ((values.stack === undefined) === (values.config === undefined)) {
        throw new UsageError(`give exactly one of --stack NAME or --config FILE\n${usage}`);
    }
    const problem = values.stack === undefined ? undefined : stackNameProblem(values.stack);
    if (problem) throw new UsageError(`--stack: ${problem}\n${usage}`);
    return values.config ?? path.join(PROJECT_DIR, `Pulumi.${values.stack}.yaml`);
}

export function resolveStackFile(values: { stack?: string; config?: string }, usage: string = USAGE): StackFile {
    return loadStackFile(stackFilePath(values, usage));
}

export async function main(argv: string[]): Promise<number> {
    let source: string | undefined;
    try {
        const { values } = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                config: { type: "string" },
                json: { type: "boolean", default: false },
            },
            strict: true,
        });
        const stackFile = resolveStackFile(values);
        source = path.relative(process.cwd(), stackFile.path) || stackFile.path;
        const plan = await planStack(stackFile.stack, toEngineConfig(stackFile.config));
        if (values.json) {
            const resources = plan.resources.map(
                ({
                    type,
                    name,
                    urn,
                    parent,
                    provider,
                    providers,
                    custom,
                    read,
                    id,
                    inputs,
                    dependencies,
                    propertyDependencies,
                }) => ({
                    type,
                    name,
                    urn,
                    parent,
                    provider,
                    providers,
                    custom,
                    read,
                    id,
                    inputs,
                    dependencies,
                    propertyDependencies,
                }),
            );
            process.stdout.write(JSON.stringify({ stack: plan.stack, resources }, null, 2) + "\n");
        } else {
            process.stdout.write(renderPlan(plan) + "\n");
        }
        return 0;
    } catch (err) {
        return reportFailure(err, source);
    }
}

/** Prints an expected failure without a stack trace and returns its exit status. */
export function reportFailure(err: unknown, source?: string): number {
    if (err instanceof ConfigError) {
        process.stderr.write(formatProblems(err.problems, source) + "\nNothing was planned or deployed.\n");
        return 2;
    }
    if (
        err instanceof UsageError ||
        err instanceof StackFileError ||
        (err as { code?: string })?.code?.startsWith("ERR_PARSE_ARGS")
    ) {
        process.stderr.write(`${(err as Error).message}\n`);
        return 2;
    }
    throw err;
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code));
}
