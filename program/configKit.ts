/**
 * Small pieces the configuration schemas share: how a given value is shown in a message, and the
 * whole-number range check with a message that says what is actually wrong.
 */
import { z } from "zod";

/**
 * A number, with a message that tells YAML's `.inf` and `.nan` (which zod refuses as numbers) from
 * a value of another type.
 */
export const numberSchema = (allowed: string) =>
    z.number({
        error: (issue) =>
            typeof issue.input === "number"
                ? `not a finite number. Allowed: ${allowed}`
                : `not a number. Allowed: ${allowed}`,
    });

export const wholeNumber = (min: number, max: number, unit: string) =>
    numberSchema(`a whole number of ${unit} from ${min} to ${max}`).superRefine((n, ctx) => {
        if (isWholeNumberIn(n, min, max)) return;
        // 400.5 is not out of range; say what is actually wrong with it.
        const problem = Number.isInteger(n) ? "out of range" : "not a whole number";
        ctx.addIssue({
            code: "custom",
            message: `${problem}. Allowed: a whole number of ${unit} from ${min} to ${max}`,
        });
    });

export function isWholeNumberIn(value: unknown, min: number, max: number): value is number {
    return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Shows a given value compactly: strings quoted, objects as short JSON. */
export function show(value: unknown): string {
    if (value === undefined) return "nothing";
    // JSON would print NaN and Infinity as null: name them as the YAML that gave them is spelled, and
    // say what that is. Bigint, functions and cycles make JSON throw or return undefined, and
    // reporting a problem must never fail.
    if (typeof value === "number" && !Number.isFinite(value))
        return `${yamlSpelling(value)} (${NON_FINITE[yamlSpelling(value)]})`;
    if (typeof value === "bigint") return `${value}n`;
    let json: string | undefined;
    try {
        json = JSON.stringify(value, (_key, v: unknown) => {
            if (typeof v === "bigint") return v.toString();
            return typeof v === "number" && !Number.isFinite(v) ? yamlSpelling(v) : v;
        });
    } catch {
        json = undefined;
    }
    if (json === undefined) json = typeof value === "object" ? Object.prototype.toString.call(value) : String(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

const NON_FINITE = { ".inf": "infinity", "-.inf": "negative infinity", ".nan": "not a number" } as const;

function yamlSpelling(n: number): keyof typeof NON_FINITE {
    if (Number.isNaN(n)) return ".nan";
    return n > 0 ? ".inf" : "-.inf";
}
