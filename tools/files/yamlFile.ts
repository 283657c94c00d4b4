/**
 * Parses the YAML the tools read (stack configs, the rollout's waves file) into plain values, with
 * errors a user can act on: the file, the line and column where there is one, never a stack trace.
 */
import * as YAML from "yaml";
import { InputError } from "./inputError";

/**
 * How far aliases may expand: the `yaml` package counts, for every alias, the copies of anchored
 * values it stands for (an alias of an anchor that itself holds aliases counts them all). Its
 * default, 100, refuses a stack config that merely reuses `rules: *common` in a hundred and one VPCs.
 * 10,000 lets a thousand-VPC config reuse a rule list in every VPC and a match in every rule, and
 * still bounds the expanded config to ten thousand copies of anchored values; a "billion laughs"
 * document (nine aliases of nine aliases of ...) passes it at its fifth level and is refused at once.
 */
export const MAX_YAML_ALIAS_COUNT = 10_000;

/** YAML that cannot be turned into values; `message` starts with the file (and position). */
export class YamlFileError extends InputError {}

export function parseYaml(text: string, file: string): unknown {
    const lines = new YAML.LineCounter();
    const doc = YAML.parseDocument(text, { prettyErrors: true, lineCounter: lines });
    if (doc.errors.length > 0) {
        const first = doc.errors[0];
        const position = first.linePos?.[0];
        const where = position ? `:${position.line}:${position.col}` : "";
        // prettyErrors appends " at line L, column C:" and a code excerpt; the position is already in front.
        const message = first.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
        throw new YamlFileError(`${file}${where}: not valid YAML: ${message}`);
    }
    const unresolved = unresolvedAlias(doc);
    if (unresolved) {
        const { line, col } = lines.linePos(unresolved.range?.[0] ?? 0);
        throw new YamlFileError(
            `${file}:${line}:${col}: not valid YAML: the alias *${unresolved.source} has no anchor &${unresolved.source} before it`,
        );
    }
    let value: unknown;
    try {
        value = doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
    } catch (err) {
        // The yaml package throws a ReferenceError ("Excessive alias count ...") on expansion.
        if (err instanceof ReferenceError && /alias count/i.test(err.message)) {
            throw new YamlFileError(
                `${file}: not accepted: its aliases expand to more than ${MAX_YAML_ALIAS_COUNT} copies of anchored values, as only a document built to exhaust memory ("billion laughs") needs; write the values out, or nest fewer aliases inside anchors`,
            );
        }
        throw err;
    }
    if (hasCycle(value)) {
        // `&a [*a]`: the alias stands for the list that holds it. JSON and every consumer of the
        // config would loop or throw on it.
        throw new YamlFileError(
            `${file}: not accepted: an alias stands for a value that contains it, a loop no configuration can mean`,
        );
    }
    return value;
}

/** True when a value contains itself; shared values (one anchor, many aliases) are fine. */
function hasCycle(value: unknown, open = new Set<object>(), done = new Set<object>()): boolean {
    if (typeof value !== "object" || value === null || done.has(value)) return false;
    if (open.has(value)) return true;
    open.add(value);
    const cyclic = Object.values(value).some((child) => hasCycle(child, open, done));
    open.delete(value);
    done.add(value);
    return cyclic;
}

/**
 * The first alias with no anchor of its name before it (toJS would throw a bare ReferenceError on
 * it). One pass in document order, as the yaml package resolves aliases: asking each alias to
 * resolve itself would walk the whole document once per alias.
 */
function unresolvedAlias(doc: YAML.Document): YAML.Alias | undefined {
    const anchors = new Set<string>();
    let found: YAML.Alias | undefined;
    YAML.visit(doc, {
        Node(_key, node) {
            if (YAML.isAlias(node)) {
                if (!anchors.has(node.source)) {
                    found = node;
                    return YAML.visit.BREAK;
                }
            } else if (node.anchor) {
                anchors.add(node.anchor);
            }
            return undefined;
        },
    });
    return found;
}
