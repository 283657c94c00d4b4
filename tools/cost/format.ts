/**
 * The estimate as text (a table a person reads before deploying) and as JSON (for scripts and CI).
 */
import * as path from "path";
import { ItemKind } from "./billableItems";
import { PricedLine } from "./estimate";
import { Price } from "./priceTable";
import { CostReport } from "./report";

const usd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
/** A unit price: cents for a dollar or more, otherwise every significant decimal (at least two). */
const rate = (n: number) => {
    if (n >= 1) return `$${n.toFixed(2)}`;
    const digits = n.toFixed(10).replace(/0+$/, "").split(".")[1] ?? "";
    return `$${n.toFixed(Math.min(Math.max(digits.length, 2), 10))}`;
};
const quantity = (n: number) =>
    Number.isInteger(n) || n >= 100
        ? Math.round(n).toLocaleString("en-US")
        : n >= 1
          ? n.toFixed(1)
          : Number(n.toPrecision(3)).toString();
const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

function table(rows: readonly (readonly string[])[], rightAligned: readonly boolean[]): string[] {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
    return rows.map((row) =>
        row
            .map((cell, i) => (rightAligned[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
            .join("  ")
            .trimEnd(),
    );
}

/** Prose lines wrap at this width (the tables are as wide as their columns). */
const TEXT_WIDTH = 110;

/** Word-wraps `text` to TEXT_WIDTH; continuation lines are indented two more than `indent`. */
export function wrap(text: string, indent = ""): string[] {
    const lines: string[] = [];
    let line = indent;
    for (const word of text.split(" ")) {
        const start = line.trim().length === 0;
        if (!start && line.length + 1 + word.length > TEXT_WIDTH) {
            lines.push(line);
            line = `${indent}  ${word}`;
        } else {
            line = start ? `${line}${word}` : `${line} ${word}`;
        }
    }
    lines.push(line);
    return lines;
}

export function renderText(report: CostReport, source?: string): string {
    const { traffic, estimate } = report;
    const out: string[] = [];
    const say = (text: string, indent = "") => out.push(...wrap(text, indent));
    say(
        `Cost of stack "${report.stack}"${source ? ` (offline plan of ${source})` : ""}: US dollars a month at ${report.priceTable.region} list prices.`,
    );
    say(
        `Traffic: ${plural(report.vpcs, "VPC")} x ${traffic.gbPerVpcMonth} GB/VPC-month of ALL traffic in the default version-2 format ` +
            `(${report.v2BytesPerRecord.toFixed(1)} B a record: ${(report.recordsPerVpcMonth / 1e6).toFixed(1)} million records per VPC-month), ` +
            `${round(traffic.rejectShare * 100, 2)} % REJECT; each named query runs ${traffic.queryRunsPerMonth} times a month.`,
    );
    out.push("");
    out.push("Formats the plan configures (bytes a record from the per-field size model; at rest: estimate):");
    for (const f of report.formats) {
        const rest = f.storedBytesPerRecord !== undefined ? `, ${f.storedBytesPerRecord.toFixed(1)} B at rest` : "";
        const unmodelled = f.unmodelledFields.length
            ? ` (no size figures for ${f.unmodelledFields.join(", ")}: priced as average columns)`
            : "";
        out.push(
            `  ${plural(f.flowLogs, "flow log").padEnd(12)}  ${f.trafficType.padEnd(6)} -> ${f.destination.padEnd(15)}  ${String(f.fields).padStart(2)} fields: ${f.textBytesPerRecord.toFixed(1)} B as text${rest}${unmodelled}`,
        );
    }
    out.push("");
    const header = ["item", "for", "count", "unit", "unit price", "monthly"];
    const rows: string[][] = [header, header.map((h) => "-".repeat(h.length))];
    const section = (kind: ItemKind, title: string) => {
        rows.push([title, "", "", "", "", ""]);
        for (const line of estimate.lines.filter((l) => l.kind === kind)) rows.push(lineRow(line));
    };
    section(ItemKind.FIXED, "Fixed");
    section(ItemKind.VARIABLE, "Variable");
    const body = table(rows, [false, false, true, false, true, true]);
    const width = Math.max(...body.map((l) => l.length));
    body[1] = "-".repeat(width);
    out.push(...body);
    out.push("-".repeat(width));
    for (const [label, value] of [
        ["Fixed", estimate.monthly.fixed],
        ["Variable", estimate.monthly.variable],
        ["Total", estimate.monthly.total],
    ] as const) {
        out.push(`${label}${usd(value).padStart(width - label.length)}`);
    }
    out.push("(~ marks a line whose price or quantity is an estimate)");
    out.push("");
    const scope = estimate.fixedByScope;
    out.push(`Per TB of version-2-format traffic (1,024 GB): ${usd(estimate.perTb)} variable.`);
    out.push(
        `Fixed: ${usd(scope.perVpc)} per VPC x ${report.vpcs} + ${usd(scope.perRegion)} per region x ${report.regions} + ${usd(scope.perStack)} per stack = ${usd(estimate.fixedPerVpc)} per VPC-month on average.`,
    );
    out.push("");
    out.push("Beside the designs it replaces (same VPCs, traffic, log retention and lake lifecycle):");
    const seedRows = [
        ["design", "per TB", "fixed per VPC", "monthly total"],
        [`this stack (${report.stack})`, usd(estimate.perTb), usd(estimate.fixedPerVpc), usd(estimate.monthly.total)],
        ...report.seeds.map((s) => [s.name, usd(s.perTb), usd(s.fixedPerVpc), usd(s.monthly.total)]),
    ];
    const seedTable = table(seedRows, [false, true, true, true]);
    out.push(...seedTable.map((l) => `  ${l}`));
    for (const seed of report.seeds) say(`${seed.name.split(":")[0]}: ${seed.description}.`, "  ");
    out.push("");
    out.push(
        `Estimated prices (not confirmed on their source page; update them in ${relative(report.priceTable.file)}):`,
    );
    for (const p of report.estimatedPrices) say(describePrice(p), "  ");
    out.push("Estimated billing factors:");
    for (const a of report.estimatedAssumptions) say(`${a.key} = ${a.value}: ${a.what} (${a.source}, ${a.date})`, "  ");
    out.push("Notes:");
    for (const note of [
        "bytes a record come from a per-field size model of typical traffic records, and bytes at rest from a compression model: estimates",
        "Athena bytes scanned are estimated from the columns each named query reads and the partitions its window touches",
        ...report.estimate.notes,
        "free tiers are not deducted (per account: 10 custom metrics, 10 alarm metrics, 3 dashboards, 1 Contributor Insights rule and 1 million matched events, 1,000 emails)",
        "not priced: the VPCs themselves (NAT gateways, data transfer), IAM (free), Logs Insights queries run from the dashboard, S3 GET requests",
    ])
        say(`- ${note}`, "  ");
    return out.join("\n") + "\n";
}

const FOR: Readonly<Record<string, string>> = { vpc: "VPCs", region: "regions", stack: "stack" };

function lineRow(line: PricedLine): string[] {
    return [
        `${line.estimate ? "~ " : "  "}${line.item}`,
        line.kind === ItemKind.FIXED ? FOR[line.scope ?? "stack"] : "traffic",
        quantity(line.quantity),
        line.unit,
        rate(line.unitPrice),
        usd(line.monthly),
    ];
}

function describePrice(p: Price): string {
    const tiers = p.tiers.length > 1 ? ` (first tier; ${p.tiers.length} tiers)` : "";
    return `${p.key}: ${rate(p.tiers[0].usd)} per ${p.unit}${tiers}: ${p.what} (${p.source}, ${p.date})${p.note ? `; ${p.note}` : ""}`;
}

function relative(file: string): string {
    const rel = path.relative(process.cwd(), file);
    return rel && !rel.startsWith("..") ? rel : file;
}

const money = (n: number) => round(n, 4);

const scopes = (s: { perVpc: number; perRegion: number; perStack: number }) => ({
    perVpc: money(s.perVpc),
    perRegion: money(s.perRegion),
    perStack: money(s.perStack),
});

function itemJson(l: PricedLine): object {
    return {
        item: l.item,
        kind: l.kind,
        scope: l.kind === ItemKind.FIXED ? (l.scope ?? "stack") : undefined,
        count: round(l.quantity, 6),
        unit: l.unit,
        unitPrice: round(l.unitPrice, 8),
        monthly: money(l.monthly),
        estimate: l.estimate,
        price: l.price,
        detail: l.detail,
    };
}

/** The JSON document `npm run cost -- --json` prints. */
export function toJson(report: CostReport): object {
    const totals = (m: { fixed: number; variable: number; total: number }) => ({
        fixed: money(m.fixed),
        variable: money(m.variable),
        total: money(m.total),
    });
    return {
        stack: report.stack,
        currency: "USD",
        region: report.priceTable.region,
        traffic: report.traffic,
        vpcs: report.vpcs,
        regions: report.regions,
        recordsPerVpcMonth: Math.round(report.recordsPerVpcMonth),
        monthly: totals(report.estimate.monthly),
        perTb: money(report.estimate.perTb),
        fixedPerVpc: money(report.estimate.fixedPerVpc),
        fixedByScope: scopes(report.estimate.fixedByScope),
        seeds: report.seeds.map((s) => ({
            name: s.name,
            description: s.description,
            perTb: money(s.perTb),
            fixedPerVpc: money(s.fixedPerVpc),
            fixedByScope: scopes(s.fixedByScope),
            monthlyTotal: money(s.monthly.total),
            monthly: totals(s.monthly),
            items: s.lines.map(itemJson),
        })),
        items: report.estimate.lines.map(itemJson),
        formats: report.formats.map((f) => ({
            ...f,
            textBytesPerRecord: round(f.textBytesPerRecord, 2),
            storedBytesPerRecord: f.storedBytesPerRecord === undefined ? undefined : round(f.storedBytesPerRecord, 2),
        })),
        estimatedPrices: report.estimatedPrices.map((p) => ({
            key: p.key,
            what: p.what,
            usd: p.tiers[0].usd,
            unit: p.unit,
            source: p.source,
            date: p.date,
        })),
        estimatedAssumptions: report.estimatedAssumptions.map((a) => ({
            key: a.key,
            what: a.what,
            value: a.value,
            source: a.source,
            date: a.date,
        })),
        notes: report.estimate.notes,
    };
}
