/**
 * IAM and bucket policy documents as the policies read them: a JSON string (how state and outputs
 * hold them) or an object, normalised to a list of statements with lists everywhere AWS allows a
 * string or a list. Pure.
 */
import { UNKNOWN, Unknown, toPlain } from "./values";

export interface Statement {
    readonly effect: string;
    readonly actions: readonly string[];
    readonly notActions: readonly string[];
    /** `*` for everyone; otherwise the principals' values (`{ AWS: "*" }` -> ["*"]). */
    readonly principals: readonly string[];
    readonly conditions: Readonly<Record<string, Readonly<Record<string, readonly unknown[]>>>>;
}

/** The statements of a policy document; UNKNOWN if it is not known yet, an Error if it is not a policy document. */
export function statementsOf(document: unknown): readonly Statement[] | Unknown | Error {
    let doc = toPlain(document);
    if (doc === UNKNOWN) return UNKNOWN;
    if (typeof doc === "string") {
        try {
            doc = JSON.parse(doc);
        } catch (err) {
            return new Error(`not valid JSON (${(err as Error).message})`);
        }
    }
    if (!isRecord(doc)) return new Error("not a JSON object");
    if (containsUnknown(doc)) return UNKNOWN;
    const raw = doc.Statement;
    const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    return list.filter(isRecord).map((s) => ({
        effect: String(s.Effect ?? ""),
        actions: strings(s.Action),
        notActions: strings(s.NotAction),
        principals: principals(s.Principal),
        conditions: conditions(s.Condition),
    }));
}

/**
 * The Allow actions (and NotAction, which grants everything else) that contain a wildcard, minus
 * the allowed ones. IAM action names take two wildcards: `*` (any run) and `?` (any one character,
 * as in `logs:PutLog?vents`).
 */
export function wildcardGrants(statements: readonly Statement[], allowed: readonly string[] = []): string[] {
    const found: string[] = [];
    for (const statement of statements) {
        if (statement.effect !== "Allow") continue;
        for (const action of statement.actions)
            if (/[*?]/.test(action) && !allowed.includes(action)) found.push(action);
        for (const action of statement.notActions) found.push(`NotAction ${action}`);
    }
    return [...new Set(found)];
}

/**
 * Whether the document denies every S3 request made without TLS: a Deny for everyone on `s3:*`
 * (or `*`) with `aws:SecureTransport` = false (AWS's "enforce encryption in transit" statement).
 */
export function deniesInsecureTransport(statements: readonly Statement[]): boolean {
    return statements.some(
        (s) =>
            s.effect === "Deny" &&
            s.principals.includes("*") &&
            s.actions.some((a) => a === "*" || a === "s3:*") &&
            Object.entries(s.conditions).some(
                ([operator, keys]) =>
                    /^Bool(IfExists)?$/.test(operator) &&
                    Object.entries(keys).some(
                        ([key, values]) =>
                            key.toLowerCase() === "aws:securetransport" && values.some((v) => String(v) === "false"),
                    ),
            ),
    );
}

function strings(value: unknown): string[] {
    if (typeof value === "string") return [value];
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function principals(value: unknown): string[] {
    if (value === "*") return ["*"];
    if (!isRecord(value)) return [];
    return Object.values(value).flatMap(strings);
}

function conditions(value: unknown): Record<string, Record<string, unknown[]>> {
    if (!isRecord(value)) return {};
    const out: Record<string, Record<string, unknown[]>> = {};
    for (const [operator, keys] of Object.entries(value)) {
        if (!isRecord(keys)) continue;
        out[operator] = Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
    }
    return out;
}

function containsUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    return isRecord(value) && Object.values(value).some(containsUnknown);
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
