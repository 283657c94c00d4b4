/**
 * Small pieces the configuration schemas share: how a given value is shown in a message, and the
 * whole-number range check with a message that says what is actually wrong.
 */
import { z } from "zod";
import { isWholeNumberIn } from "../components/validation";

// One definition of each, shared with the components' own argument checks.
export { isWholeNumberIn, show } from "../components/validation";

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

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
