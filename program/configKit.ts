/**
 * Small pieces the configuration schemas share: how a given value is shown in a message, and the
 * whole-number range check with a message that says what is actually wrong.
 */
import { z } from "zod";

export const wholeNumber = (min: number, max: number, unit: string) =>
    z
        .number({ error: `not a number. Allowed: a whole number of ${unit} from ${min} to ${max}` })
        .superRefine((n, ctx) => {
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
    // JSON would print NaN and Infinity (YAML .nan, .inf) as null; bigint, functions and cycles make it throw
    // or return undefined, and reporting a problem must never fail.
    if (typeof value === "number" && !Number.isFinite(value)) return String(value);
    if (typeof value === "bigint") return `${value}n`;
    let json: string | undefined;
    try {
        json = JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    } catch {
        json = undefined;
    }
    if (json === undefined) json = typeof value === "object" ? Object.prototype.toString.call(value) : String(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
