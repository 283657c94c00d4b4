/**
 * A preview of the CloudWatch dashboard a stack would create, before it is deployed: the body the
 * offline plan hands the aws:cloudwatch/dashboard:Dashboard resource (the program's own
 * components/insights/definitions.ts dashboardBody), its widgets placed on CloudWatch's 24-column
 * grid, each with its title, metrics, query or alarms, so a reviewer sees the dashboard in a pull
 * request.
 */
import { OFFLINE_ACCOUNT_ID } from "../plan/mockCloud";
import { Plan } from "../plan/offlinePlan";
import { escapeHtml, HtmlContext } from "./html";

export const DASHBOARD_TYPE = "aws:cloudwatch/dashboard:Dashboard";
/** CloudWatch's grid: 24 columns; a widget without a size is 6 by 6 (dashboard body reference). */
export const GRID_COLUMNS = 24;
export const DEFAULT_SIZE = 6;

export interface Widget {
    readonly type: string;
    readonly x?: number;
    readonly y?: number;
    readonly width?: number;
    readonly height?: number;
    readonly properties?: Record<string, unknown>;
}

export interface PlacedWidget {
    readonly widget: Widget;
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
}

export interface PlannedDashboard {
    readonly name: string;
    readonly widgets: readonly Widget[];
}

/** The dashboards of a plan, with their bodies parsed. */
export function dashboardsOf(plan: Plan): PlannedDashboard[] {
    return plan.resources
        .filter((r) => r.type === DASHBOARD_TYPE)
        .map((r) => {
            const body = r.inputs.dashboardBody;
            if (typeof body !== "string") throw new Error(`dashboard ${r.name}: its body is not known in the plan`);
            const parsed = JSON.parse(body) as { widgets?: Widget[] };
            return { name: String(r.inputs.dashboardName ?? r.name), widgets: parsed.widgets ?? [] };
        });
}

/**
 * Where CloudWatch puts each widget. A widget with x and y stays there; one without goes to "the
 * next available position" (CloudWatch's dashboard body reference): the first place, reading on
 * from the previous widget left to right and then row by row, where it fits in the 24 columns
 * without covering a widget placed before it.
 */
export function layoutWidgets(widgets: readonly Widget[]): PlacedWidget[] {
    const placed: PlacedWidget[] = [];
    const overlaps = (x: number, y: number, width: number, height: number) =>
        placed.some((p) => x < p.x + p.width && p.x < x + width && y < p.y + p.height && p.y < y + height);
    let cursor = { x: 0, y: 0 };
    for (const widget of widgets) {
        const width = Math.min(widget.width ?? DEFAULT_SIZE, GRID_COLUMNS);
        const height = widget.height ?? DEFAULT_SIZE;
        let x: number;
        let y: number;
        if (widget.x !== undefined && widget.y !== undefined) {
            ({ x, y } = widget);
        } else {
            ({ x, y } = cursor);
            while (x + width > GRID_COLUMNS || overlaps(x, y, width, height)) {
                x++;
                if (x + width > GRID_COLUMNS) {
                    x = 0;
                    y++;
                }
            }
        }
        placed.push({ widget, x, y, width, height });
        cursor = { x: x + width, y };
    }
    return placed;
}

const text = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** A widget's title: its `title` property, or the first line of a text widget's markdown. */
export function widgetTitle(widget: Widget): string {
    const properties = widget.properties ?? {};
    if (typeof properties.title === "string") return properties.title;
    if (typeof properties.markdown === "string") return properties.markdown.split("\n")[0].replace(/^#+\s*/, "");
    return `(${widget.type} widget without a title)`;
}

/** What a widget shows, as lines: metrics and expressions, the query, the alarms or the text. */
export function widgetContent(widget: Widget): string[] {
    const p = widget.properties ?? {};
    switch (widget.type) {
        case "metric": {
            const metrics = (p.metrics as unknown[] | undefined) ?? [];
            const settings = [p.view, p.stat, p.period === undefined ? undefined : `period ${p.period} s`, p.region]
                .filter((v) => v !== undefined)
                .map(text)
                .join(", ");
            return [
                settings,
                ...metrics.map((m) => {
                    const entries = Array.isArray(m) ? m : [m];
                    return entries
                        .map((e) =>
                            e && typeof e === "object" && "expression" in e
                                ? `${(e as { label?: string }).label ?? (e as { id?: string }).id}: ${(e as { expression: string }).expression}`
                                : text(e),
                        )
                        .join(" ");
                }),
            ];
        }
        case "log":
            return [
                [p.view, p.region]
                    .filter((v) => v !== undefined)
                    .map(text)
                    .join(", "),
                text(p.query ?? ""),
            ];
        case "alarm":
            return ((p.alarms as string[] | undefined) ?? []).map((arn) => arn.split(":alarm:")[1] ?? arn);
        case "text":
            return [text(p.markdown ?? "")];
        default:
            return [JSON.stringify(p)];
    }
}

/** CSS pixels per grid row: CloudWatch's rows are a little shorter than its columns are wide. */
const ROW_PIXELS = 28;

export function renderDashboardHtml(
    stack: string,
    dashboard: PlannedDashboard,
    placed: readonly PlacedWidget[],
    context: HtmlContext,
): string {
    const rows = Math.max(0, ...placed.map((p) => p.y + p.height));
    const tiles = placed
        .map((p, i) => {
            const lines = widgetContent(p.widget);
            return (
                `<div class="widget ${escapeHtml(p.widget.type)}" data-widget="${i}" style="grid-column: ${p.x + 1} / span ${p.width}; grid-row: ${p.y + 1} / span ${p.height}">` +
                `<div class="head"><span class="type">${escapeHtml(p.widget.type)}</span> ${escapeHtml(widgetTitle(p.widget))}</div>` +
                `<pre>${escapeHtml(lines.join("\n"))}</pre></div>`
            );
        })
        .join("\n");
    const table = placed
        .map(
            (p, i) =>
                `<tr><td class="n">${i + 1}</td><td>${escapeHtml(p.widget.type)}</td><td class="n">${p.x}</td><td class="n">${p.y}</td>` +
                `<td class="n">${p.width}</td><td class="n">${p.height}</td><td>${escapeHtml(widgetTitle(p.widget))}</td>` +
                `<td><pre>${escapeHtml(widgetContent(p.widget).join("\n"))}</pre></td></tr>`,
        )
        .join("\n");
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(`Dashboard ${dashboard.name} (preview)`)}</title>
<style>
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1d2430; margin: 0; background: #f5f6f8; }
main { max-width: 1400px; margin: 0 auto; padding: 20px 24px 40px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 24px 0 6px; }
p { font-size: 13px; margin: 4px 0; }
.grid { display: grid; grid-template-columns: repeat(${GRID_COLUMNS}, 1fr); grid-template-rows: repeat(${rows}, ${ROW_PIXELS}px); gap: 4px; margin-top: 12px; }
.widget { background: white; border: 1px solid #d5d9e0; border-radius: 2px; overflow: hidden; display: flex; flex-direction: column; min-width: 0; }
.widget .head { font-size: 13px; font-weight: 600; padding: 5px 8px; border-bottom: 1px solid #eef0f3; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.widget .type { font-size: 10px; font-weight: normal; text-transform: uppercase; background: #e8edf4; color: #3d5a80; padding: 1px 5px; border-radius: 2px; }
.widget.alarm { border-top: 3px solid #d1495b; }
.widget.metric { border-top: 3px solid #4c78a8; }
.widget.log { border-top: 3px solid #4e9a46; }
.widget.text { border-top: 3px solid #b8bec6; }
.widget pre { margin: 0; padding: 6px 8px; font-size: 10.5px; white-space: pre-wrap; word-break: break-all; overflow: auto; flex: 1; color: #47505e; }
table { border-collapse: collapse; font-size: 12px; background: white; width: 100%; }
th, td { padding: 4px 8px; text-align: left; border-bottom: 1px solid #eef0f3; vertical-align: top; }
td.n { text-align: right; }
td pre { margin: 0; font-size: 11px; white-space: pre-wrap; word-break: break-all; }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(`Dashboard ${dashboard.name} (preview)`)}</h1>
<p>${escapeHtml(`What the CloudWatch dashboard of stack ${stack} would show once deployed: ${placed.length} widgets on CloudWatch's 24-column grid, from the dashboard body in the offline plan. Values come at run time; this shows each widget's place, title and what it reads. Alarm and log group names are the plan's (account ${OFFLINE_ACCOUNT_ID} stands for yours).`)}</p>
<div class="grid">
${tiles}
</div>
<h2>The widgets</h2>
<table><thead><tr><th>#</th><th>type</th><th>x</th><th>y</th><th>width</th><th>height</th><th>title</th><th>metrics, query, alarms or text</th></tr></thead>
<tbody>
${table}
</tbody></table>
<p>${escapeHtml(`Made by ${context.command} at ${context.generatedAt.toISOString()}.`)}</p>
</main>
</body>
</html>
`;
}
