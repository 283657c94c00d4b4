/**
 * Renders an offline plan for people: resources grouped by region and by top-level component,
 * with counts per type.
 */
import { Plan, PlannedResource } from "./offlinePlan";

/** `vpc-flow-monitor:network:MonitoredVpc` -> `MonitoredVpc`; other packages' types stay whole. */
function componentLabel(type: string): string {
    return type.startsWith("vpc-flow-monitor:") ? type.split(":").pop()! : type;
}

export function renderPlan(plan: Plan): string {
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const regionOfProvider = new Map(
        plan.resources
            .filter((r) => r.type.startsWith("pulumi:providers:"))
            .map((r) => [r.urn, String(r.inputs.region ?? "?")]),
    );
    const topOf = (r: PlannedResource): PlannedResource => {
        let current = r;
        while (current.parent && byUrn.has(current.parent)) current = byUrn.get(current.parent)!;
        return current;
    };
    const regionOf = (r: PlannedResource): string => {
        const provider = r.provider ?? r.providers?.aws;
        return (provider && regionOfProvider.get(provider)) ?? "global";
    };

    // Top-level components, each with the resources below it.
    const members = new Map<string, PlannedResource[]>();
    for (const r of plan.resources) {
        if (r.type.startsWith("pulumi:providers:")) continue;
        const top = topOf(r);
        if (top === r) continue;
        const list = members.get(top.urn);
        if (list) list.push(r);
        else members.set(top.urn, [r]);
    }
    const tops = plan.resources.filter((r) => !r.parent && !r.type.startsWith("pulumi:providers:"));
    const regions = [...new Set(tops.map(regionOf))].sort();

    const lines = [
        `Offline plan for stack "${plan.stack}": what \`pulumi up\` would create (Pulumi mocks; nothing deployed, no credentials used)`,
        "",
    ];
    for (const region of regions) {
        lines.push(region);
        for (const top of tops.filter((t) => regionOf(t) === region)) {
            const children = members.get(top.urn) ?? [];
            lines.push(
                `  ${componentLabel(top.type)} ${top.name}${describe(top, children)}: ${children.length} resource${children.length === 1 ? "" : "s"}`,
            );
            for (const [type, count] of countBy(children.map((c) => c.type + (c.read ? " (read, not managed)" : "")))) {
                lines.push(`    ${String(count).padStart(3)}  ${type}`);
            }
        }
        lines.push("");
    }
    const providers = plan.resources.filter((r) => r.type.startsWith("pulumi:providers:"));
    const components = plan.resources.filter((r) => !r.custom && !r.type.startsWith("pulumi:providers:"));
    const reads = plan.resources.filter((r) => r.read);
    const awsxVpcs = components.filter((r) => r.type === "awsx:ec2:Vpc");
    const managed = plan.resources.length - providers.length - components.length - reads.length;
    lines.push(
        `Providers: ${providers.map((p) => `${p.name} (${p.inputs.region})`).join(", ")}`,
        `Total: ${plan.resources.length} registrations = ${managed} cloud resources to create, ${components.length} components, ${providers.length} providers, ${reads.length} existing resources read`,
    );
    if (awsxVpcs.length > 0) {
        lines.push(
            `Not counted: the subnets, route tables, gateways and NAT gateway inside ${awsxVpcs.length} awsx VPC${awsxVpcs.length === 1 ? "" : "s"}: awsx builds them at deploy time, outside the mock runtime.`,
        );
    }
    return lines.join("\n");
}

function describe(top: PlannedResource, children: PlannedResource[]): string {
    const created = children.find((c) => c.type === "awsx:ec2:Vpc");
    if (created) return ` (creates VPC ${created.inputs.cidrBlock})`;
    const adopted = children.find((c) => c.type === "aws:ec2/vpc:Vpc" && c.read);
    if (adopted) return ` (adopts ${adopted.id})`;
    return "";
}

function countBy(values: string[]): [string, number][] {
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => a[0].localeCompare(b[0]));
}

/** `npm run plan -- --json`: the stack and every registered resource, components and providers included. */
export function planJson(plan: Plan) {
    const resources = plan.resources.map(
        ({
            type,
            name,
            urn,
            parent,
            provider,
            providers,
            custom,
            read,
            id,
            inputs,
            dependencies,
            propertyDependencies,
        }) => ({
            type,
            name,
            urn,
            parent,
            provider,
            providers,
            custom,
            read,
            id,
            inputs,
            dependencies,
            propertyDependencies,
        }),
    );
    return { stack: plan.stack, resources };
}
