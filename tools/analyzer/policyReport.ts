/**
 * How the offline policy tools (check, check-all, audit) print a verdict, and how they fail.
 */
import { JsonFileError } from "../files/jsonFile";
import { reportFailure } from "../cli/plan";
import { PolicyConfigError } from "./policyConfig";
import { StackExportError } from "./policyInputs";
import { countByLevel, PolicyError, PolicyRun, Violation } from "./policyRunner";

/** One line: PASSED unless a mandatory violation; the counts either way. */
export function verdictLine(run: PolicyRun): string {
    const { mandatory, advisory } = countByLevel(run.violations);
    const word = mandatory > 0 ? "FAILED" : "PASSED";
    return `Policy verdict: ${word} (${mandatory} mandatory, ${advisory} advisory violation${advisory === 1 ? "" : "s"}; ${run.policies.length} policies)`;
}

export function passed(run: PolicyRun): boolean {
    return countByLevel(run.violations).mandatory === 0;
}

/** Mandatory first, then in the order the policies reported them. */
export function sortedViolations(violations: readonly Violation[]): Violation[] {
    return violations
        .map((v, i) => ({ v, i }))
        .sort((a, b) => rank(a.v) - rank(b.v) || a.i - b.i)
        .map(({ v }) => v);
}

function rank(v: Violation): number {
    return v.enforcementLevel === "mandatory" ? 0 : 1;
}

/** `web-vpc (aws:ec2/vpc:Vpc)` from a URN; `(stack)` for a stack-wide violation. */
export function resourceLabel(urn: string | undefined): string {
    if (!urn) return "(stack)";
    const parts = urn.split("::");
    const name = parts.slice(3).join("::");
    const type = (parts[2] ?? "").split("$").pop();
    return `${name} (${type})`;
}

/** The violations as a table: policy, level, resource, message. */
export function violationTable(violations: readonly Violation[]): string {
    if (violations.length === 0) return "No policy violations.";
    const rows = sortedViolations(violations).map((v) => [
        v.policy,
        v.enforcementLevel,
        resourceLabel(v.urn),
        v.message,
    ]);
    const header = ["POLICY", "LEVEL", "RESOURCE", "MESSAGE"];
    const widths = [0, 1, 2].map((c) => Math.max(header[c].length, ...rows.map((r) => r[c].length)));
    const line = (cells: string[]) =>
        cells
            .map((cell, c) => (c < 3 ? cell.padEnd(widths[c]) : cell))
            .join("  ")
            .trimEnd();
    return [line(header), ...rows.map(line)].join("\n");
}

/** The JSON shape of a violation: { policy, enforcementLevel, urn, message } (urn null when stack-wide). */
export function violationsJson(
    violations: readonly Violation[],
): { policy: string; enforcementLevel: string; urn: string | null; message: string }[] {
    return violations.map((v) => ({
        policy: v.policy,
        enforcementLevel: v.enforcementLevel,
        urn: v.urn ?? null,
        message: v.message,
    }));
}

/**
 * Prints an expected failure without a stack trace and returns its exit status: 2 for anything
 * about the input (usage, files, configs), 1 for a policy that crashed.
 */
export function reportPolicyToolFailure(err: unknown, source?: string, usage?: string): number {
    if (err instanceof JsonFileError || err instanceof StackExportError || err instanceof PolicyConfigError) {
        process.stderr.write(`${err.message}\n`);
        return 2;
    }
    if (err instanceof PolicyError) {
        process.stderr.write(`error: ${err.message}\n`);
        return 1;
    }
    if (usage && (err as { code?: string })?.code?.startsWith("ERR_PARSE_ARGS")) {
        process.stderr.write(`${(err as Error).message}\n${usage}\n`);
        return 2;
    }
    // Stack config, usage and stack file problems: as `npm run plan` reports them.
    return reportFailure(err, source);
}
