/**
 * The dashboard preview (tools/report/dashboard.ts, npm run report -- --dashboard): the widgets are
 * the offline plan's dashboard body, placed as CloudWatch places widgets without x and y.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../tools/cli/report";
import { loadStackFile } from "../../tools/files/stackFile";
import { planStack, toEngineConfig } from "../../tools/plan/offlinePlan";
import {
    dashboardsOf,
    layoutWidgets,
    PlannedDashboard,
    Widget,
    widgetContent,
    widgetTitle,
} from "../../tools/report/dashboard";
import { captureOutput } from "../helpers/io";

const place = (widgets: Widget[]) => layoutWidgets(widgets).map(({ x, y, width, height }) => [x, y, width, height]);

describe("dashboard preview: CloudWatch's placement of widgets without x and y", () => {
    const cases: { label: string; widgets: Widget[]; placed: number[][] }[] = [
        {
            label: "full-width widgets stack down the page",
            widgets: [
                { type: "text", width: 24, height: 2 },
                { type: "alarm", width: 24, height: 4 },
            ],
            placed: [
                [0, 0, 24, 2],
                [0, 2, 24, 4],
            ],
        },
        {
            label: "halves pair up, a third half starts the next row",
            widgets: [
                { type: "metric", width: 12, height: 6 },
                { type: "metric", width: 12, height: 6 },
                { type: "log", width: 12, height: 6 },
            ],
            placed: [
                [0, 0, 12, 6],
                [12, 0, 12, 6],
                [0, 6, 12, 6],
            ],
        },
        {
            label: "no size: 6 by 6, four to a row",
            widgets: Array.from({ length: 5 }, () => ({ type: "metric" })),
            placed: [
                [0, 0, 6, 6],
                [6, 0, 6, 6],
                [12, 0, 6, 6],
                [18, 0, 6, 6],
                [0, 6, 6, 6],
            ],
        },
        {
            label: "a widget that does not fit the rest of the row goes below the tallest",
            widgets: [
                { type: "metric", width: 8, height: 3 },
                { type: "metric", width: 8, height: 6 },
                { type: "metric", width: 12, height: 2 },
            ],
            placed: [
                [0, 0, 8, 3],
                [8, 0, 8, 6],
                [0, 6, 12, 2],
            ],
        },
        {
            label: "a placed widget keeps its place, the next flows after it without covering it",
            widgets: [
                { type: "text", x: 0, y: 0, width: 12, height: 4 },
                { type: "metric", width: 12, height: 2 },
                { type: "metric", width: 24, height: 2 },
            ],
            placed: [
                [0, 0, 12, 4],
                [12, 0, 12, 2],
                [0, 4, 24, 2],
            ],
        },
        {
            label: "wider than the grid: clipped to 24 columns",
            widgets: [{ type: "metric", width: 30, height: 3 }],
            placed: [[0, 0, 24, 3]],
        },
    ];
    for (const c of cases) {
        it(c.label, () => assert.deepEqual(place(c.widgets), c.placed));
    }
});

describe("dashboard preview of a planned stack", function () {
    this.timeout(180_000);
    let dashboard: PlannedDashboard;
    let body: { widgets: Widget[] };
    before(async () => {
        const file = loadStackFile(path.join(__dirname, "..", "..", "Pulumi.staging.yaml"));
        const plan = await planStack("staging", toEngineConfig(file.config));
        const [resource] = plan.resources.filter((r) => r.type === "aws:cloudwatch/dashboard:Dashboard");
        body = JSON.parse(resource.inputs.dashboardBody as string);
        [dashboard] = dashboardsOf(plan);
    });

    it("shows exactly the widgets of the dashboard body the plan hands the Dashboard resource", () => {
        assert.equal(dashboard.name, "vpc-flow-monitor-staging");
        assert.deepEqual(dashboard.widgets, body.widgets);
    });

    it("per region: the alarms across the grid, then metrics and Logs Insights tables in halves", () => {
        const placed = layoutWidgets(dashboard.widgets);
        const regions = body.widgets.filter((w) => w.type === "alarm").length;
        assert.ok(regions >= 2, "staging spans two regions");
        assert.deepEqual(
            placed.slice(0, 7).map(({ widget, x, y, width, height }) => [widget.type, x, y, width, height]),
            [
                ["text", 0, 0, 24, 2],
                ["alarm", 0, 2, 24, 4],
                ["metric", 0, 6, 12, 6],
                ["metric", 12, 6, 12, 6],
                ["log", 0, 12, 12, 6],
                ["log", 12, 12, 12, 6],
                ["alarm", 0, 18, 24, 4],
            ],
        );
        // No two widgets overlap.
        for (const [i, a] of placed.entries())
            for (const b of placed.slice(i + 1))
                assert.ok(
                    a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y,
                );
    });

    it("lists each widget's title and what it reads: metric searches, the Logs Insights query, the alarms", () => {
        const metric = dashboard.widgets.find((w) => w.type === "metric")!;
        assert.match(widgetTitle(metric), /: rejected packets per protocol$/);
        assert.ok(widgetContent(metric).some((line) => line.includes("SEARCH(")));
        const log = dashboard.widgets.find((w) => w.type === "log")!;
        assert.match(widgetContent(log)[1], /^SOURCE '\/vpc-flow-monitor\/staging\//);
        const alarms = dashboard.widgets.find((w) => w.type === "alarm")!;
        assert.ok(widgetContent(alarms).every((name) => name.startsWith("vpc-flow-monitor-staging-")));
        assert.equal(widgetTitle(dashboard.widgets[0]), "vpc-flow-monitor: staging");
    });
});

describe("npm run report -- --dashboard", function () {
    this.timeout(180_000);
    let work: string;
    before(() => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "vpc-flow-monitor-dashboard-"));
    });
    after(() => fs.rmSync(work, { recursive: true, force: true }));

    it("writes the preview of the stack's dashboard", async () => {
        const out = path.join(work, "dashboard.html");
        const { result, stdout, stderr } = await captureOutput(() =>
            main(["--dashboard", "--stack", "dev", "--out", out], () => new Date("2026-11-23T10:30:00Z")),
        );
        assert.equal(result, 0, stderr);
        assert.equal(
            stdout,
            `Wrote ${out}: a preview of dashboard vpc-flow-monitor-dev (6 widgets) of stack dev, from Pulumi.dev.yaml\n`,
        );
        const html = fs.readFileSync(out, "utf8");
        assert.equal((html.match(/class="widget /g) ?? []).length, 6);
        assert.ok(html.includes('style="grid-column: 13 / span 12; grid-row: 7 / span 6"'));
        assert.ok(html.includes("us-east-1: top rejected source addresses"));
        assert.doesNotMatch(html, /<script/);
    });

    it("needs a stack and writes nothing without one", async () => {
        const out = path.join(work, "none.html");
        const { result, stderr } = await captureOutput(() => main(["--dashboard", "--out", out]));
        assert.equal(result, 2);
        assert.equal(
            stderr,
            "give exactly one of --stack NAME or --config FILE\n" +
                "usage: npm run report -- --data DIR [--from TIME] [--to TIME] [--vpc NAME|ID] [--stack NAME | --config FILE] [--file-format auto|parquet|plain-text] [--out FILE]\n" +
                "       npm run report -- --dashboard (--stack NAME | --config FILE) [--out FILE]\nNothing was written.\n",
        );
        assert.equal(fs.existsSync(out), false);
    });
});
