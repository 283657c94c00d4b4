/**
 * Reads a `Pulumi.<stack>.yaml` into the config map the engine would hand the program, and names
 * its stack: the one place the tools (plan, check, rules, rollout, the check of every stack in
 * `npm test`) learn a stack name from a file, each refusing what Pulumi would refuse.
 */
import * as fs from "fs";
import * as path from "path";
import { stackNameProblem } from "../../components/naming";
import { CONFIG_NAMESPACE } from "../../program/stackConfig";
import { parseYaml, YamlFileError } from "./yamlFile";
import { InputError } from "./inputError";

export interface StackFile {
    readonly stack: string;
    readonly path: string;
    /** Full config keys (`aws:region`, `vpc-flow-monitor:regions`) to decoded YAML values. */
    readonly config: Record<string, unknown>;
}

/** A stack file that cannot be read or is not a stack file; the CLI exits 2 with this message. */
export class StackFileError extends InputError {}

/** `Pulumi.<stack>.yaml`, the stack name may hold dots (`Pulumi.dev.eu.yaml` is stack `dev.eu`). */
const STACK_FILE = /^Pulumi\.(.+)\.yaml$/;

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
    const stack = stackNameOf(file);
    const problem = stackNameProblem(stack);
    if (problem) {
        throw new StackFileError(`${file}: the stack name from the file name: ${problem}`);
    }
    let root: unknown;
    try {
        root = parseYaml(text, file);
    } catch (err) {
        if (err instanceof YamlFileError) throw new StackFileError(err.message);
        throw err;
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
    return { stack, path: file, config };
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
