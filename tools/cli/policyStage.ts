/**
 * npm run policy:stage -- --out DIR
 *
 * Writes the policy pack as a directory that `pulumi policy publish` runs from on its own
 * (tools/pack/stagePack.ts says what goes in it and why). DIR is created if needed; it may be an
 * empty directory or a previous stage, which is replaced (its node_modules and lock file are kept).
 *
 * Exit status: 0 staged, 1 the pack cannot be staged (a build error, an unpinned dependency),
 * 2 bad usage. Nothing is written unless the exit status is 0.
 */
import { parseArgs } from "util";
import { stagePack, StageError, StageResult, StageUsageError } from "../pack/stagePack";

export const USAGE =
    "usage: npm run policy:stage -- --out DIR   (DIR: a new or empty directory, or a previous stage to replace)";

export async function main(argv: string[]): Promise<number> {
    try {
        const { values, positionals } = parseArgs({
            args: argv,
            options: { out: { type: "string" } },
            allowPositionals: true,
            strict: true,
        });
        if (positionals.length > 0) {
            throw new StageUsageError(`unexpected argument ${JSON.stringify(positionals[0])}\n${USAGE}`);
        }
        if (values.out === undefined) {
            throw new StageUsageError(`give the directory to stage the pack in with --out DIR\n${USAGE}`);
        }
        if (values.out.trim() === "") throw new StageUsageError(`--out is empty; give a directory\n${USAGE}`);
        const result = await stagePack({ outDir: values.out, shownAs: values.out });
        process.stdout.write(summaryLine(result, values.out) + "\n");
        return 0;
    } catch (err) {
        if (err instanceof StageUsageError) {
            process.stderr.write(`${err.message}\n`);
            return 2;
        }
        if ((err as { code?: string })?.code?.startsWith("ERR_PARSE_ARGS")) {
            process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
            return 2;
        }
        if (err instanceof StageError) {
            process.stderr.write(`error: ${err.message}\nNothing was staged.\n`);
            return 1;
        }
        throw err;
    }
}

/** One line: what was written where, and the command to run next. */
export function summaryLine(result: StageResult, shownAs: string): string {
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
    const files = result.files.map((f) => `${f.name} ${kib(f.bytes)}`).join(", ");
    const kernel = result.inlined.filter((f) => f.startsWith("flowlogs/")).length;
    const dir = shellWord(shownAs.length > 1 ? shownAs.replace(/\/+$/, "") : shownAs);
    return (
        `${result.replaced ? "Restaged" : "Staged"} policy pack ${result.pack}@${result.version} in ${dir}: ${files} ` +
        `(${kernel} kernel files inlined; depends on ${Object.keys(result.dependencies).join(", ")}). ` +
        `Next: cd ${dir} && npm install && pulumi policy publish <org>`
    );
}

/** A path as it can be pasted into a POSIX shell. */
function shellWord(word: string): string {
    return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

if (require.main === module)
    void main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
