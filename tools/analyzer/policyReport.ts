/**
 * How the offline policy tools (check, check-all, audit) print a verdict: for people and as JSON.
 */
import { PlannedResource } from "../plan/offlinePlan";
import { renderPlan } from "../plan/planReport";
import { CheckResult } from "./planCheck";
import { AWSX_VPC, StackExport, VPC } from "./policyInputs";
import { PACK } from "./policyPack";
import { countByLevel, PolicyRun, Violation } from "./policyRunner";

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

/** `npm run check`, for people: what was checked, the violations as a table, the verdict. */
export function renderCheck(result: CheckResult, source: string, preview: boolean, withPlan = false): string {
    const { plan, resources, run } = result;
    const modelled = resources.filter((r) => r.synthetic);
    const lines: string[] = [];
    if (withPlan) lines.push(renderPlan(plan), "");
    lines.push(
        `Policy pack ${PACK.name}@${PACK.version} on stack "${plan.stack}" (${source}): ${plan.resources.length} resources from the offline plan`,
    );
    if (modelled.length > 0) {
        lines.push(
            `  + ${modelled.length} ${VPC} modelled inside ${AWSX_VPC} (awsx builds it at deploy time; the offline plan cannot see it): ${modelled.map((r) => r.name).join(", ")}`,
        );
    }
    if (preview)
        lines.push(
            "  judged as `pulumi preview` of a new stack sees it: ids, ARNs and values computed from other resources unknown",
        );
    lines.push("", violationTable(run.violations), "", verdictLine(run));
    return lines.join("\n");
}

/** `npm run check -- --json`: the plan's resources (modelled ones marked `synthetic`) and the violations. */
export function checkJson(result: CheckResult, preview: boolean) {
    const planned = new Map<string, PlannedResource>(result.plan.resources.map((r) => [r.urn, r]));
    const resources = result.resources.map((r) => {
        const p = planned.get(r.urn);
        const { type, name, urn, parent, provider, custom, read, id, inputs, dependencies, propertyDependencies } = r;
        return {
            type,
            name,
            urn,
            parent,
            provider,
            providers: p?.providers,
            custom,
            read,
            id,
            inputs,
            dependencies,
            propertyDependencies,
            synthetic: r.synthetic,
        };
    });
    return {
        stack: result.plan.stack,
        policyPack: { name: PACK.name, version: PACK.version },
        preview,
        passed: passed(result.run),
        resources,
        violations: violationsJson(result.run.violations),
    };
}

/** `npm run audit`, for people: the stack export judged, its encrypted secrets, the violations, the verdict. */
export function renderAudit(exported: StackExport, run: PolicyRun, source: string): string {
    const stack = exported.stack
        ? `stack "${exported.stack}"${exported.project ? ` of project "${exported.project}"` : ""}`
        : "an empty stack";
    const lines = [
        `Policy pack ${PACK.name}@${PACK.version} on ${stack} (${source}): ${exported.resources.length} resources from the stack export`,
    ];
    if (exported.encryptedSecrets > 0) {
        lines.push(
            `  ${exported.encryptedSecrets} secret value${exported.encryptedSecrets === 1 ? " is" : "s are"} encrypted in the export; policies cannot read them (export with --show-secrets)`,
        );
    }
    lines.push("", violationTable(run.violations), "", verdictLine(run));
    return lines.join("\n");
}

/** `npm run audit -- --json`: the export's resources (without their values) and the violations. */
export function auditJson(exported: StackExport, run: PolicyRun) {
    return {
        stack: exported.stack ?? null,
        project: exported.project ?? null,
        policyPack: { name: PACK.name, version: PACK.version },
        passed: passed(run),
        resources: exported.resources.map(({ type, name, urn, parent, provider, custom, read, id }) => ({
            type,
            name,
            urn,
            parent,
            provider,
            custom,
            read,
            id,
        })),
        violations: violationsJson(run.violations),
    };
}
