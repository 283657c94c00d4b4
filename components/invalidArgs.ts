/**
 * How a component refuses its args: one `pulumi.InputPropertiesError` carrying every problem.
 *
 * The engine pretty-prints the `errors` list only when the component runs inside a component
 * provider (a plugin's Construct call); in a program, as here, it prints an uncaught error's message
 * and stack. So the message itself lists every problem, and program/main.ts turns the error into a
 * `pulumi.RunError` so `pulumi up` shows the report without a stack trace.
 */
import * as pulumi from "@pulumi/pulumi";
import { ArgProblem, formatArgProblems } from "./validation";

/** Throws when `problems` is not empty; `subject` names the component and resource (`MonitoredVpc "core"`). */
export function throwIfInvalid(subject: string, problems: readonly ArgProblem[]): void {
    if (problems.length === 0) return;
    throw new pulumi.InputPropertiesError({
        message: formatArgProblems(subject, problems),
        errors: problems.map(({ propertyPath, reason }) => ({ propertyPath, reason })),
    });
}

/** True for an InputPropertiesError from any copy of the SDK (a library user may load their own). */
export function isInputPropertiesError(err: unknown): err is pulumi.InputPropertiesError {
    return pulumi.InputPropertiesError.isInstance(err);
}
