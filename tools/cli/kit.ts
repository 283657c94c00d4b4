/**
 * The kit every tools/cli entry point is built with: the two errors an entry throws itself
 * (UsageError, InputError), the one place that says how every known failure is reported and with
 * which exit status (`describeFailure`), `runCommand` (what a `main(argv)` runs its body in),
 * `runCli` (how a file run as a program calls its `main`), the stack options, and output helpers.
 *
 * Output must survive a pipe. Writes to `process.stdout` are asynchronous when it is a pipe
 * (https://nodejs.org/api/process.html#a-note-on-process-io): a `process.exit()` right after a
 * large write cuts the output at the pipe's buffer (64 KiB on Linux). So a CLI never calls
 * `process.exit()`; `runCli` sets `process.exitCode` and lets Node exit once stdout and stderr
 * have drained. A reader that goes away early (`| head`) is not an error either.
 */
import * as path from "path";
import { stackNameProblem } from "../../components/naming";
import { ConfigError, formatProblems } from "../../program/stackConfig";
import { PolicyError } from "../analyzer/policyError";
import { InputError } from "../files/inputError";
import { loadStackFile, StackFile } from "../files/stackFile";

export { InputError };

export const PROJECT_DIR = path.resolve(__dirname, "../..");

/** The exit statuses of every tool. */
export const Exit = {
    /** Done; for the policy tools: no mandatory violation. */
    OK: 0,
    /** The tool ran and the answer is no (a mandatory violation, a stack that failed), or a bug. */
    FAILED: 1,
    /** Bad usage or unusable input: nothing was done or written. */
    BAD_INPUT: 2,
    /** Stopped by Ctrl-C (128 + SIGINT, as a shell reports it). */
    INTERRUPTED: 130,
} as const;
export type Exit = (typeof Exit)[keyof typeof Exit];

/**
 * The command line has the wrong shape: an argument missing, extra or in conflict with another.
 * Printed with the tool's usage line after it; exit status 2.
 */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/*
 * InputError (tools/files/inputError.ts): a value the tool was given cannot be used; the message
 * is the whole report, printed alone, exit status 2, nothing written. The engines' own errors
 * extend it, so each is reported the same way wherever it is thrown:
 *   StackFileError     a stack config file that cannot be read or is not one (files/stackFile)
 *   JsonFileError      a JSON input that cannot be read or parsed (files/jsonFile)
 *   RecordsFileError   a records file that cannot be read or holds no usable record (files/recordsFile)
 *   StackExportError   not a `pulumi stack export` file (analyzer/policyInputs)
 *   PolicyConfigError  a policy config that does not fit the pack (analyzer/policyConfig)
 *   LakeInputError     a lake tree that is missing, empty or not flow logs (lake/localLake)
 *   RolloutPlanError   waves or stacks that cannot be rolled out (rollout/waves)
 *   ResumeError        --resume without saved state, or with another rollout's (rollout/orchestrator)
 * ConfigError (program/stackConfig.ts) cannot extend a tools class (program/ never imports
 * tools/), so it has its own entry below.
 */

/** What a failure says about the run it ended. */
export interface FailureContext {
    /** The tool's usage line(s), printed after a usage problem. */
    readonly usage?: string;
    /** The stack config being read, as a ConfigError report names it. */
    readonly source?: string;
    /** Said after a ConfigError report: what was not done. */
    readonly nothingDone?: string;
}

export interface Failure {
    /** The text for stderr, without the final newline. */
    readonly message: string;
    readonly exitCode: Exit;
}

/** Node's `util.parseArgs` errors (ERR_PARSE_ARGS_UNKNOWN_OPTION, ..._INVALID_OPTION_VALUE, ..._UNEXPECTED_POSITIONAL). */
function isParseArgsError(err: unknown): err is Error {
    const code = (err as { code?: unknown } | null)?.code;
    return err instanceof Error && typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}

/**
 * How a known failure is reported, and its exit status: the one place that decides. Undefined for
 * anything else, which is a bug (see `bugReport`).
 */
export function describeFailure(err: unknown, context: FailureContext = {}): Failure | undefined {
    const withUsage = (message: string) => (context.usage ? `${message}\n${context.usage}` : message);
    if (err instanceof UsageError || isParseArgsError(err)) {
        return { message: withUsage(err.message), exitCode: Exit.BAD_INPUT };
    }
    if (err instanceof ConfigError) {
        const report = formatProblems(err.problems, context.source);
        return {
            message: context.nothingDone ? `${report}\n${context.nothingDone}` : report,
            exitCode: Exit.BAD_INPUT,
        };
    }
    if (err instanceof InputError) return { message: err.message, exitCode: Exit.BAD_INPUT };
    // A policy that crashed: neither a verdict nor bad input.
    if (err instanceof PolicyError) return { message: `error: ${err.message}`, exitCode: Exit.FAILED };
    return undefined;
}

/** What an unexpected error prints: one line saying it is a bug, then the stack. */
export function bugReport(err: unknown): string {
    const detail = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
    return `internal error: a bug in vpc-flow-monitor, not a problem with your input; please report it with this output\n${detail}\n`;
}

/** How one tool runs. */
export interface Command {
    /** The usage line(s), printed after a usage problem. */
    readonly usage: string;
    /** Said after an invalid stack config's report. @default "Nothing was planned or deployed." */
    readonly nothingDone?: string;
    /** Where failure messages go, one call per message without its final newline. @default stderr */
    readonly err?: (text: string) => void;
}

/** The context a command's body runs in. */
export class Invocation {
    /** The stack config file read, as messages name it (relative to the working directory). */
    source?: string;

    /**
     * Reads a stack config file; an invalid config found later (when the program validates it)
     * is then reported as a problem of this file.
     */
    loadStack(file: string): StackFile {
        const stackFile = loadStackFile(file);
        this.source = displayPath(stackFile.path);
        return stackFile;
    }
}

/**
 * Runs a tool's body; a known failure is printed as `describeFailure` says and its exit status
 * returned, anything else is rethrown (a bug, which `runCli` reports).
 */
export async function runCommand(command: Command, body: (run: Invocation) => Promise<number>): Promise<number> {
    const run = new Invocation();
    try {
        return await body(run);
    } catch (err) {
        const failure = describeFailure(err, {
            usage: command.usage,
            source: run.source,
            nothingDone: command.nothingDone ?? "Nothing was planned or deployed.",
        });
        if (failure === undefined) throw err;
        (command.err ?? ((text: string) => process.stderr.write(`${text}\n`)))(failure.message);
        return failure.exitCode;
    }
}

/**
 * The stack config file named by `--stack NAME` (Pulumi.NAME.yaml in the project) or
 * `--config FILE`: exactly one of them.
 */
export function stackFilePath(values: { readonly stack?: string; readonly config?: string }): string {
    if ((values.stack === undefined) === (values.config === undefined)) {
        throw new UsageError("give exactly one of --stack NAME or --config FILE");
    }
    const problem = values.stack === undefined ? undefined : stackNameProblem(values.stack);
    if (problem) throw new UsageError(`--stack: ${problem}`);
    return values.config ?? path.join(PROJECT_DIR, `Pulumi.${values.stack}.yaml`);
}

/** A file as messages name it: relative to the working directory (the file as given if that is empty). */
export function displayPath(file: string): string {
    return path.relative(process.cwd(), path.resolve(file)) || file;
}

/** Writes text to stdout, ending it with a newline if it has none. */
export function print(text: string): void {
    process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

/** Writes a value to stdout as indented JSON (what every `--json` prints). */
export function printJson(value: unknown): void {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * A reader that stops reading (`| head`) closes the pipe: the next write fails with EPIPE. That is
 * the reader's choice, not a failure of the tool: nothing more is written and nothing is said.
 */
const guarded = new WeakSet<NodeJS.WriteStream>();
function ignoreClosedPipe(stream: NodeJS.WriteStream): void {
    if (guarded.has(stream)) return;
    guarded.add(stream);
    stream.on("error", (err: NodeJS.ErrnoException) => {
        if (err.code === "EPIPE") return;
        throw err;
    });
}

/**
 * Runs a file's `main(argv)` as the program: the exit status it returns becomes
 * `process.exitCode`, so Node exits once output has drained. An error `main` did not handle is
 * reported as a bug (exit status 1), or as its known failure if it is one.
 */
export function runCli(
    main: (argv: string[]) => Promise<number>,
    argv: string[] = process.argv.slice(2),
): Promise<void> {
    ignoreClosedPipe(process.stdout);
    ignoreClosedPipe(process.stderr);
    return main(argv).then(
        (code) => {
            process.exitCode = code;
        },
        (err: unknown) => {
            const failure = describeFailure(err);
            process.stderr.write(failure ? `${failure.message}\n` : bugReport(err));
            process.exitCode = failure?.exitCode ?? Exit.FAILED;
        },
    );
}
