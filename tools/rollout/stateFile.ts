/** Rollout progress kept in a small JSON file beside the project, so a stopped run can resume. */
import * as fs from "fs";
import { z } from "zod";
import { JsonFileError, parseJson } from "../files/jsonFile";
import { ResumeError, RolloutState, StateStore } from "./orchestrator";

const STATE_VERSION = 1;

/** What the orchestrator saves (orchestrator.ts RolloutState); checked before a resume trusts it. */
const stateSchema = z.object({
    version: z.literal(STATE_VERSION),
    plan: z.object({
        waves: z.array(z.object({ name: z.string(), stacks: z.array(z.string()) })).min(1),
    }),
    completed: z.array(z.string()),
    status: z.enum(["running", "completed", "failed", "interrupted"]),
    failures: z.array(
        z.object({
            wave: z.string(),
            stack: z.string(),
            phase: z.enum(["preview", "policy", "up", "outputs"]),
            message: z.string(),
        }),
    ),
    updatedAt: z.string(),
});

export class StateFile implements StateStore {
    constructor(private readonly file: string) {}

    /**
     * The saved state, or undefined when there is none. A file that cannot be read, is not JSON
     * (cut short by a full disk or a killed editor) or is not a rollout state cannot be resumed
     * from: ResumeError says what is wrong and how to go on. Nothing is written then.
     */
    load(): RolloutState | undefined {
        if (!fs.existsSync(this.file)) return undefined;
        let text: string;
        try {
            text = fs.readFileSync(this.file, "utf8");
        } catch (err) {
            const code = (err as NodeJS.ErrnoException).code;
            if (code === "EISDIR") {
                throw this.damaged(
                    "it is a directory, not a file",
                    "Remove it, then run without --resume to start over.",
                );
            }
            throw this.damaged(`it cannot be read (${code ?? String(err)})`);
        }
        if (text.trim() === "") throw this.damaged("it is empty");
        let json: unknown;
        try {
            json = parseJson(text, this.file);
        } catch (err) {
            if (!(err instanceof JsonFileError)) throw err;
            // parseJson says "FILE:LINE:COLUMN: not valid JSON: unexpected X".
            const where = /:(\d+):(\d+): not valid JSON: (.*)$/.exec(err.message);
            throw this.damaged(
                where ? `it is not valid JSON (line ${where[1]}, column ${where[2]}: ${where[3]})` : err.message,
            );
        }
        const version = (json as { version?: unknown } | null)?.version;
        if (typeof version === "number" && version !== STATE_VERSION) {
            throw this.damaged(
                `it was written by another version of the rollout tool (state version ${version}; this one reads version ${STATE_VERSION})`,
            );
        }
        const parsed = stateSchema.safeParse(json);
        if (!parsed.success) {
            const issue = parsed.error.issues[0];
            const at = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
            // Zod says "invalid input: expected object, received undefined" for a missing key.
            const problem = issue.message
                .toLowerCase()
                .replace(/^invalid input: expected (\w+), received undefined$/, "missing (expected $1)");
            throw this.damaged(`it is not a rollout state: ${at ? `${at.replace(/^\./, "")}: ` : ""}${problem}`);
        }
        return parsed.data;
    }

    save(state: RolloutState): void {
        // Write then rename, so an interrupted write never leaves half a state file.
        const temp = `${this.file}.tmp`;
        fs.writeFileSync(temp, JSON.stringify(state, null, 2) + "\n");
        fs.renameSync(temp, this.file);
    }

    private damaged(
        what: string,
        advice = "Run without --resume to start the rollout over (that replaces the file; stacks already up to date update with no changes), or delete the file.",
    ): ResumeError {
        return new ResumeError(`cannot resume: the saved rollout state ${this.file} is unusable: ${what}. ${advice}`);
    }
}
