/**
 * The investigation report, end to end: the numbers (data.ts), the charts over them (charts.ts),
 * rendered to SVG (svg.ts) and laid out as HTML (html.ts).
 */
import { ReportChart, reportCharts } from "./charts";
import { collectReport, Progress, ReportData, ReportRequest } from "./data";
import { HtmlContext, renderReportHtml } from "./html";
import { Rendered, renderSvg } from "./svg";

export interface Report {
    readonly data: ReportData;
    readonly charts: readonly ReportChart[];
    readonly pictures: readonly Rendered[];
    readonly html: string;
}

export async function buildReport(
    request: ReportRequest,
    context: HtmlContext,
    progress: Progress = () => {},
): Promise<Report> {
    const data = await collectReport(request, progress);
    const charts = reportCharts(data);
    const pictures: Rendered[] = [];
    for (const chart of charts) {
        const picture = await renderSvg(chart.spec);
        for (const warning of picture.warnings) progress(`warning: chart ${chart.id}: ${warning}`);
        pictures.push(picture);
    }
    progress(`rendered ${charts.length} charts`);
    return { data, charts, pictures, html: renderReportHtml(data, charts, pictures, context) };
}
