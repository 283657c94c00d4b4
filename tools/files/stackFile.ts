/**
 * Reads a `Pulumi.<stack>.yaml` into the config map the engine would hand the program.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { CONFIG_NAMESPACE } from "../../program/stackConfig";
import { InputError } from "./inputError";

export interface StackFile {
    readonly stack: string;
    readonly path: string;
    /** Full config keys (`aws:region`, `vpc-flow-monitor:regions`) to decoded YAML values. */
    readonly config: Record<string, unknown>;
}

/** A stack file that cannot be read or is not a stack file; the CLI exits 2 with this message. */
export class StackFileError extends InputError {}

const STACK_FILE = /^Pulumi\.([^.]+)\.yaml$/;

/** The stack name from a file name: `Pulumi.prod.yaml` -> `prod`; any other name -> its base name. */
export function stackNameOf(file: string): string {
    const base = path.basename(file);
    return STACK_FILE.exec(base)?.[1] ?? base.replace(/\.ya?ml$/, "");
}

/** Every `Pulumi.<stack>.yaml` beside the project file. */
export function stackFilesIn(dir: string): string[] {
    return fs
        .readdirSync(dir)
        .filter((f) => STACK_FILE.test(f))
        .sort()
        .map((f) => path.join(dir, f));
}

export function loadStackFile(file: string): StackFile {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new StackFileError(
            `cannot read stack config ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        );
    }
    const doc = YAML.parseDocument(text, { prettyErrors: true });
    if (doc.errors.length > 0) {
        const first = doc.errors[0];
        const position = first.linePos?.[0];
        const where = position ? `:${position.line}:${position.col}` : "";
        // prettyErrors appends " at line L, column C:" and a code excerpt; the position is already in front.
        const message = first.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
        throw new StackFileError(`${file}${where}: not valid YAML: ${message}`);
    }
    let root: unknown;
    try {
        root = doc.toJS();
    } catch (err) {
        // Aliases that expand past the yaml library's limit ("billion laughs"), or nesting too deep to build.
        throw new StackFileError(`${file}: not usable YAML: ${(err as Error).message}`);
    }
    if (!isRecord(root) || !isRecord(root.config)) {
        throw new StackFileError(
            `${file}: not a Pulumi stack config; expected a top-level "config:" mapping of keys to values`,
        );
    }
    const config: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(root.config)) {
        // A key without a namespace belongs to the project, as the Pulumi CLI reads it.
        const fullKey = key.includes(":") ? key : `${CONFIG_NAMESPACE}:${key}`;
        if (isRecord(value) && "secure" in value && fullKey.startsWith(`${CONFIG_NAMESPACE}:`)) {
            throw new StackFileError(
                `${file}: ${fullKey} is a secret; the offline tools cannot decrypt it. Keep vpc-flow-monitor keys in plain text`,
            );
        }
        config[fullKey] = value;
    }
    return { stack: stackNameOf(file), path: file, config };
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
