/**
 * Small pieces the configuration schemas share: how a given value is shown in a message, and the
 * whole-number range check with a message that says what is actually wrong.
 */
import { z } from "zod";
import { isWholeNumberIn } from "../components/validation";

// One definition of each, shared with the components' own argument checks.
export { isWholeNumberIn, show } from "../components/validation";

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

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
