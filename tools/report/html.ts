/**
 * The report as one self-contained HTML file: inline CSS, the charts as inline SVG, no script and
 * nothing fetched, so it opens offline, attaches to a ticket and renders the same everywhere.
 */
import { NamedQuery, selectionPredicate } from "../../components/lake/queries";
import { FileFormat } from "../lake/delivery";
import { Cell, protocolName, ReportChart, Row } from "./charts";
import { namedQuery, ReportData } from "./data";
import { Rendered } from "./svg";

/** Rows shown before the rest of a table folds away. */
export const VISIBLE_ROWS = 20;

export function escapeHtml(text: string): string {
    return text.replace(
        /[&<>"']/g,
        (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!,
    );
}

const cell = (value: Cell | undefined) => (value === null || value === undefined ? "" : String(value));

export function renderTable(columns: readonly string[], rows: readonly Row[]): string {
    const numeric = columns.map(
        (c) => rows.length > 0 && rows.every((row) => row[c] === null || typeof row[c] === "number"),
    );
    const head = `<tr>${columns.map((c, i) => `<th${numeric[i] ? ' class="n"' : ""}>${escapeHtml(c)}</th>`).join("")}</tr>`;
    const line = (row: Row) =>
        `<tr>${columns.map((c, i) => `<td${numeric[i] ? ' class="n"' : ""}>${escapeHtml(cell(row[c]))}</td>`).join("")}</tr>`;
    if (rows.length === 0) return `<p class="empty">The query returned no rows.</p>`;
    // In a scrolling box: a wide table (long addresses, notes) must not widen the page.
    const table = (body: readonly Row[]) =>
        `<div class="scroll"><table><thead>${head}</thead><tbody>${body.map(line).join("")}</tbody></table></div>`;
    if (rows.length <= VISIBLE_ROWS) return table(rows);
    return (
        table(rows.slice(0, VISIBLE_ROWS)) +
        `<details><summary>All ${rows.length} rows</summary>${table(rows)}</details>`
    );
}

/** `2026-11-23 02:15:00.000 UTC` (Athena) to `2026-11-23 02:15 UTC`. */
const shortTime = (athena: Cell) =>
    String(athena)
        .replace(/:00\.000 UTC$/, " UTC")
        .replace(/\.000 UTC$/, " UTC");

/**
 * What stands out, one line per question, each read off the first rows of the query that answers
 * it (and linked to its chart): a reader sees the scanner and the blind spots before scrolling.
 */
export function glance(data: ReportData): string[] {
    const rows = (name: keyof ReportData["results"]) => data.results[name].rows;
    const lines: string[] = [];
    const [source] = rows("top-rejected-sources");
    if (source) lines.push(`Most rejected source: ${source.srcaddr}, ${source.flows} rejected records.`);
    const [port] = rows("top-rejected-destination-ports");
    if (port)
        lines.push(
            `Most rejected destination port: ${port.dstport}/${protocolName(port.protocol)}, ${port.flows} rejected records from ${port.sources} sources.`,
        );
    const peak = rows("rejected-flows-per-5-minutes").reduce<Row | undefined>(
        (best, row) => (best === undefined || Number(row.flows) > Number(best.flows) ? row : best),
        undefined,
    );
    if (peak)
        lines.push(
            `Busiest 5 minutes of rejects: from ${shortTime(peak.period)}, ${peak.flows} ${protocolName(peak.protocol)} records.`,
        );
    const status = rows("nodata-skipdata-intervals");
    const skipped = status.filter((r) => r.log_status === "SKIPDATA");
    const idle = status.length - skipped.length;
    const capped = status.length === 5000 ? "at least " : "";
    lines.push(
        skipped.length
            ? `Blind spots: ${skipped.length} SKIPDATA windows on ${new Set(skipped.map((r) => r.interface_id)).size} interfaces (records dropped); ${capped}${idle} NODATA windows (idle interfaces).`
            : `No SKIPDATA window (no records dropped); ${capped}${idle} NODATA windows (idle interfaces).`,
    );
    const types = rows("ipv6-traffic");
    const bytes = types.reduce((total, r) => total + Number(r.bytes ?? 0), 0);
    const v6 = types.find((r) => r.ip_version === "IPv6");
    if (bytes > 0) lines.push(`IPv6: ${((100 * Number(v6?.bytes ?? 0)) / bytes).toFixed(1)}% of the bytes.`);
    if (data.alarms) {
        const fired = data.alarms.vpcs.flatMap((v) => v.rules.filter((r) => r.firings.length > 0));
        const transitions = fired.reduce((n, r) => n + r.firings.length, 0);
        lines.push(
            transitions
                ? `Alarms of stack ${data.alarms.stack}: ${transitions} transitions to ALARM, by ${fired.length} rules (${[...new Set(fired.map((r) => r.rule.name))].join(", ")}).`
                : `Alarms of stack ${data.alarms.stack}: none would have fired.`,
        );
    }
    return lines;
}

const utc = (time: Date) =>
    time
        .toISOString()
        .replace(/:00\.000Z$/, "")
        .replace("T", " ") + " UTC";

export interface HtmlContext {
    /** When the report was made. */
    readonly generatedAt: Date;
    /** The command line that made it, for the footer. */
    readonly command: string;
}

function section(chart: ReportChart, picture: Rendered, sql: string | undefined): string {
    return [
        `<section id="${chart.id}">`,
        `<h2>${escapeHtml(chart.question)}</h2>`,
        `<p class="source">${escapeHtml(chart.source)}</p>`,
        `<figure data-chart="${chart.id}" data-width="${picture.width}" data-height="${picture.height}">${picture.svg}</figure>`,
        chart.note ? `<p class="note">${escapeHtml(chart.note)}</p>` : "",
        renderTable(chart.table.columns, chart.table.rows),
        sql
            ? `<details class="sql"><summary>The SQL (Athena engine v3)</summary><pre>${escapeHtml(sql)}</pre></details>`
            : "",
        `</section>`,
    ].join("\n");
}

export function renderReportHtml(
    data: ReportData,
    charts: readonly ReportChart[],
    pictures: readonly Rendered[],
    context: HtmlContext,
): string {
    const { selection } = data;
    const predicate = selectionPredicate(selection);
    const sqlOf = (query: NamedQuery | undefined) => query?.over(predicate);
    const kind = data.format === FileFormat.PARQUET ? "Parquet" : "plain-text";
    const vpc = data.vpc ? `VPC ${data.vpc.id}${data.vpc.name ? ` (${data.vpc.name})` : ""}` : "every VPC";
    const title = `VPC flow logs, ${utc(selection.from)} to ${utc(selection.to)}`;
    const sources = data.results["flow-log-sources"];
    const records = sources.rows.reduce((total, row) => total + Number(row.records), 0);
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1d2430; margin: 0; background: #f5f6f8; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; background: white; }
h1 { font-size: 22px; margin: 0 0 6px; }
h2 { font-size: 17px; margin: 0 0 4px; }
p { margin: 4px 0; line-height: 1.4; font-size: 13px; }
.lead { color: #47505e; }
.glance { font-size: 13px; margin: 6px 0 0; padding-left: 20px; line-height: 1.5; }
nav ol { columns: 2; font-size: 13px; margin: 10px 0 0; padding-left: 20px; }
section { border-top: 1px solid #e3e6eb; padding: 18px 0 8px; }
.source { color: #6b7482; font-size: 12px; }
.note { color: #47505e; font-size: 12px; }
figure { margin: 10px 0; }
figure svg { display: block; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 12px; margin: 8px 0; }
th, td { padding: 2px 10px 2px 0; text-align: left; border-bottom: 1px solid #eef0f3; white-space: nowrap; }
th { color: #47505e; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
details summary { cursor: pointer; font-size: 12px; color: #3d5a80; }
pre { font-size: 11px; background: #f5f6f8; padding: 8px; overflow-x: auto; }
footer { font-size: 12px; color: #6b7482; margin-top: 24px; }
</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="lead">${escapeHtml(`${records} flow log records of ${vpc} whose start falls in the window (start >= ${selection.from.toISOString()} and < ${selection.to.toISOString()}), read from ${data.files} ${kind} files under ${data.data}.`)}</p>
${data.alarms ? `<p class="lead">${escapeHtml(`Alarms: the alert rules of stack ${data.alarms.stack}, replayed on these records.`)}</p>` : ""}
<h2 style="margin-top:14px">At a glance</h2>
<ul class="glance">${glance(data)
        .map((line) => `<li>${escapeHtml(line)}</li>`)
        .join("")}</ul>
<h2 style="margin-top:14px">What does the report cover?</h2>
<p class="source">${escapeHtml(`named query flow-log-sources, over the report's window`)}</p>
${renderTable(sources.columns, sources.rows)}
<nav><ol>${charts.map((c) => `<li><a href="#${c.id}">${escapeHtml(c.question)}</a></li>`).join("")}</ol></nav>
</header>
${charts.map((chart, i) => section(chart, pictures[i], sqlOf(chart.query && namedQuery(chart.query)))).join("\n")}
<footer>
<p>${escapeHtml(`Made by ${context.command} at ${context.generatedAt.toISOString()}. Every table is a named query of the lake (the same queries Athena runs, deployed with the stack), run by DuckDB over the local files with the window above in place of the query's own "last N hours"; its SQL is under each table. Times are UTC.`)}</p>
</footer>
</main>
</body>
</html>
`;
}
