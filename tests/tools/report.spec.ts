/**
 * npm run report (tools/report/, tools/cli/report.ts): the numbers behind every chart, checked
 * against an independent TypeScript computation over the generated records (tests/helpers/
 * lakeData.ts, no SQL); what the generated attacks and gaps look like in it; the alarm replay
 * against a hand count of CloudWatch's rule; and every way the input can be wrong.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { columnName, FlowLogRecord } from "../../flowlogs/fields";
import { LAKE_DEFAULT_FIELDS } from "../../components/defaults";
import { generate } from "../../tools/lake/sampleLake";
import { validateStackConfig } from "../../program/stackConfig";
import { loadStackFile } from "../../tools/files/stackFile";
import { main, progressLine } from "../../tools/cli/report";
import { collectReport, REPORT_QUERIES } from "../../tools/report/data";
import { glance } from "../../tools/report/html";
import { Row } from "../../tools/report/charts";
import { captureOutput } from "../helpers/io";
import { DeliveredObject } from "../../tools/lake/delivery";
import { EXPECTED, hourOf, inSelection, lakeFixture, located } from "../helpers/lakeData";
import { SEVEN_END, sevenFixture, SevenFixture } from "../helpers/reportData";

const num = (v: unknown) => v as number;
/** As Athena prints a timestamp: `2026-11-21 10:00:07.000 UTC`. */
const athena = (seconds: number) => new Date(seconds * 1000).toISOString().replace("T", " ").replace("Z", " UTC");
const ofVpc = (records: readonly FlowLogRecord[], vpcId: string) => records.filter((r) => r.vpc_id === vpcId);
const firstStart = (records: readonly FlowLogRecord[]) =>
    athena(records.reduce((m, r) => Math.min(m, num(r.start)), Infinity));
const lastEnd = (records: readonly FlowLogRecord[]) =>
    athena(records.reduce((m, r) => Math.max(m, num(r.end)), -Infinity));

/** Every inline dataset of a Vega-Lite spec, in document order. */
function datasets(spec: unknown): Row[][] {
    const found: Row[][] = [];
    const walk = (node: unknown) => {
        if (Array.isArray(node)) node.forEach(walk);
        else if (node && typeof node === "object") {
            const values = (node as { data?: { values?: Row[] } }).data?.values;
            if (Array.isArray(values)) found.push(values);
            for (const [key, value] of Object.entries(node)) if (key !== "data") walk(value);
        }
    };
    walk(spec);
    return found;
}

/** The HTML of one chart's section. */
function sectionOf(html: string, id: string): string {
    const start = html.indexOf(`<section id="${id}">`);
    assert.ok(start >= 0, `no section ${id}`);
    return html.slice(start, html.indexOf("</section>", start));
}

describe("npm run report: the numbers behind each chart (npm run generate --days 2 --seed 7)", function () {
    this.timeout(300_000);
    let fx: SevenFixture;
    before(async () => {
        fx = await sevenFixture();
    });

    it("reads the whole tree by default: the data's first hour to the end of its last", () => {
        const { selection } = fx.report.data;
        assert.equal(selection.from.getTime(), fx.summary.lake.startSeconds * 1000);
        assert.equal(selection.to.getTime(), SEVEN_END.getTime());
        assert.equal(selection.vpcId, undefined);
        assert.equal(fx.report.data.files, fx.parquet.length);
    });

    for (const name of REPORT_QUERIES) {
        it(`${name}: DuckDB's rows equal the TypeScript computation over the window's records`, () => {
            const expected = EXPECTED[name](inSelection(located(fx.parquet), fx.report.data.selection), {});
            assert.ok(expected.length > 0, "the generated lake should give this chart something to show");
            assert.deepStrictEqual(fx.report.data.results[name].rows, expected);
        });
    }

    it("titles every chart with its question and puts its query's rows in the table under it", () => {
        const { charts, data } = fx.report;
        assert.equal(charts.length, REPORT_QUERIES.length - 1 + 1, "nine query charts and the alarm chart");
        for (const chart of charts) {
            assert.match(chart.question, /\?$/);
            if (chart.query === undefined) continue;
            assert.deepEqual(chart.table.rows, data.results[chart.query].rows);
            assert.deepEqual(chart.table.columns, data.results[chart.query].columns);
        }
        assert.deepEqual(
            charts.map((c) => c.query).filter((q) => q !== undefined),
            REPORT_QUERIES.filter((q) => q !== "flow-log-sources"),
        );
    });

    it("draws exactly its table's numbers (the talkers chart: the first 15 rows)", () => {
        for (const chart of fx.report.charts) {
            if (chart.query === undefined) continue;
            const drawn = datasets(chart.spec)[0];
            const rows = chart.table.rows;
            const shown = chart.query === "top-talkers" ? rows.slice(0, 15) : rows;
            const project = (row: Row) => Object.fromEntries(chart.table.columns.map((c) => [c, row[c]]));
            assert.deepEqual(drawn.map(project), shown.map(project), chart.id);
        }
    });

    it("puts every chart into the HTML as an SVG picture, followed by its table", () => {
        const { html, charts, pictures } = fx.report;
        for (const [i, chart] of charts.entries()) {
            const section = sectionOf(html, chart.id);
            assert.ok(section.includes(`<h2>${chart.question.replace(/&/g, "&amp;")}</h2>`), chart.id);
            assert.ok(section.includes(pictures[i].svg), `${chart.id}: its SVG`);
            assert.ok(section.indexOf("<svg") < section.indexOf("<table"), `${chart.id}: the table follows the chart`);
            assert.deepEqual(pictures[i].warnings, [], `${chart.id}: Vega warnings`);
        }
        assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org\/)/, "no script, nothing to fetch");
    });

    describe("shows what the generator staged", () => {
        it("the generator staged a port scan, SSH/RDP brute force and SKIPDATA windows in every VPC", () => {
            const { lake } = fx.summary;
            const rejected = lake.records.filter(
                (r) => r.action === "REJECT" && r.srcaddr === lake.scenario.portScan.source,
            );
            assert.ok(rejected.length >= 1000, `${rejected.length} rejected probes`);
            for (const source of lake.scenario.bruteForce) {
                const attempts = lake.records.filter(
                    (r) => r.srcaddr === source && (r.dstport === 22 || r.dstport === 3389),
                );
                assert.ok(attempts.length >= 50, `${source}: ${attempts.length} attempts`);
            }
            for (const vpc of lake.vpcs)
                assert.ok(
                    lake.records.some((r) => r.vpc_id === vpc.id && r.log_status === "SKIPDATA"),
                    vpc.name,
                );
        });

        it("the top rejected source is the scanner, and every brute-force source is in the top 10", () => {
            const { lake } = fx.summary;
            const rows = fx.report.data.results["top-rejected-sources"].rows;
            assert.equal(rows[0].srcaddr, lake.scenario.portScan.source);
            const probes = lake.records.filter(
                (r) => r.action === "REJECT" && r.srcaddr === lake.scenario.portScan.source,
            ).length;
            assert.equal(rows[0].flows, probes);
            for (const source of lake.scenario.bruteForce)
                assert.ok(
                    rows.some((r) => r.srcaddr === source),
                    `${source} is missing`,
                );
            const section = sectionOf(fx.report.html, "top-rejected-sources");
            assert.ok(section.includes(lake.scenario.portScan.source), "the scanner is named in the chart");
        });

        it("rejected records over time peak in the 5 minutes the scan started in", () => {
            const rows = fx.report.data.results["rejected-flows-per-5-minutes"].rows;
            const started = fx.summary.lake.scenario.portScan.startedAt;
            const peak = rows.reduce((a, b) => (num(b.flows) > num(a.flows) ? b : a));
            assert.equal(peak.period, athena(started - (started % 300)));
            assert.ok(num(peak.flows) >= 500, `${peak.flows} records at the peak`);
        });

        it("SSH and RDP lead the rejected ports and the admin-port timeline", () => {
            const ports = fx.report.data.results["top-rejected-destination-ports"].rows;
            assert.deepEqual(
                ports.slice(0, 2).map((r) => [r.dstport, r.protocol]),
                [
                    [22, 6],
                    [3389, 6],
                ],
            );
            const admin = fx.report.data.results["admin-port-flows-per-5-minutes"].rows;
            for (const port of [22, 3389])
                assert.ok(admin.some((r) => r.dstport === port && r.action === "REJECT" && num(r.flows) >= 10));
        });

        it("the blind-spot chart marks every generated SKIPDATA window", () => {
            const { lake } = fx.summary;
            const at = (s: number) => new Date(s * 1000).toISOString().replace("T", " ").replace("Z", " UTC");
            const generated = lake.records
                .filter((r) => r.log_status === "SKIPDATA")
                .map((r) => `${r.interface_id} ${at(num(r.start))}`)
                .sort();
            const rows = fx.report.data.results["nodata-skipdata-intervals"].rows.filter(
                (r) => r.log_status === "SKIPDATA",
            );
            assert.deepEqual(rows.map((r) => `${r.interface_id} ${r.started}`).sort(), generated);
            // One triangle per SKIPDATA window in the picture.
            const i = fx.report.charts.findIndex((c) => c.id === "blind-spots");
            const markers = fx.report.pictures[i].svg.match(/aria-roledescription="point"/g) ?? [];
            assert.equal(markers.length, generated.length);
        });

        it("sums it up at the top: the scanner, the SSH port, the scan's 5 minutes, the SKIPDATA windows", () => {
            const { lake } = fx.summary;
            const lines = glance(fx.report.data);
            const started = lake.scenario.portScan.startedAt;
            const period = athena(started - (started % 300)).replace(":00.000 UTC", " UTC");
            const skipped = lake.records.filter((r) => r.log_status === "SKIPDATA");
            const probes = lake.records.filter(
                (r) => r.action === "REJECT" && r.srcaddr === lake.scenario.portScan.source,
            );
            assert.equal(
                lines[0],
                `Most rejected source: ${lake.scenario.portScan.source}, ${probes.length} rejected records.`,
            );
            assert.match(
                lines[1],
                /^Most rejected destination port: 22\/TCP, \d+ rejected records from \d+ sources\.$/,
            );
            assert.match(lines[2], new RegExp(`^Busiest 5 minutes of rejects: from ${period}, \\d+ TCP records\\.$`));
            assert.match(
                lines[3],
                new RegExp(
                    `^Blind spots: ${skipped.length} SKIPDATA windows on ${new Set(skipped.map((r) => r.interface_id)).size} interfaces`,
                ),
            );
            assert.ok(fx.report.html.includes(`<li>${lines[3]}</li>`));
        });

        it("the IPv6 share has both address families", () => {
            assert.deepEqual(
                fx.report.data.results["ipv6-traffic"].rows.map((r) => r.ip_version),
                ["IPv4", "IPv6"],
            );
        });
    });

    describe("which alarms would have fired (the stack's rules replayed)", () => {
        /** When a Sum >= threshold rule over 5-minute periods goes to ALARM: a breaching period after one that is not. */
        function expectedFirings(records: readonly FlowLogRecord[], threshold: number): string[] {
            const sums = new Map<number, number>();
            for (const r of records) {
                const period = num(r.start) - (num(r.start) % 300);
                sums.set(period, (sums.get(period) ?? 0) + 1);
            }
            const breaching = (p: number) => (sums.get(p) ?? 0) >= threshold;
            return [...sums.keys()]
                .filter((p) => breaching(p) && !breaching(p - 300))
                .sort((a, b) => a - b)
                .map((p) => new Date((p + 300) * 1000).toISOString().replace(".000Z", "Z"));
        }
        const firingsOf = (vpc: string, rule: string) => {
            const evaluation = fx.report.data
                .alarms!.vpcs.find((v) => v.vpc === vpc)!
                .rules.find((r) => r.rule.name === rule)!;
            return evaluation.firings.map((f) => new Date(f.at * 1000).toISOString().replace(".000Z", "Z"));
        };

        it("replays each adopted VPC on its own records, the created VPC on all of them", () => {
            const { lake } = fx.summary;
            const delivered = (r: FlowLogRecord) => r.action === "REJECT" || r.log_status !== "OK";
            const alarms = fx.report.data.alarms!;
            assert.deepEqual(
                alarms.vpcs.map((v) => [v.vpc, v.vpcId, v.events]),
                [
                    [
                        "prod",
                        lake.vpcs[0].id,
                        lake.records.filter((r) => r.vpc_id === lake.vpcs[0].id && delivered(r)).length,
                    ],
                    ["sandbox", undefined, lake.records.filter(delivered).length],
                    [
                        "prod-eu",
                        lake.vpcs[2].id,
                        lake.records.filter((r) => r.vpc_id === lake.vpcs[2].id && delivered(r)).length,
                    ],
                ],
            );
        });

        for (const [vpcIndex, vpc, rule, port] of [
            [0, "prod", "ssh-rejected", 22],
            [2, "prod-eu", "rdp-rejected", 3389],
            [2, "prod-eu", "ssh-rejected", 22],
        ] as const) {
            it(`${vpc} ${rule}: fires when 3 rejected TCP ${port} records fall in one 5-minute period`, () => {
                const { lake } = fx.summary;
                const records = lake.records.filter(
                    (r) =>
                        r.vpc_id === lake.vpcs[vpcIndex].id &&
                        r.action === "REJECT" &&
                        r.protocol === 6 &&
                        r.dstport === port,
                );
                const expected = expectedFirings(records, 3);
                assert.ok(expected.length > 0, "the brute force should fire it");
                assert.deepEqual(firingsOf(vpc, rule), expected);
            });
        }

        it("prod flow-log-skipdata: fires at the end of each 5 minutes holding a SKIPDATA record", () => {
            const { lake } = fx.summary;
            const records = lake.records.filter((r) => r.vpc_id === lake.vpcs[0].id && r.log_status === "SKIPDATA");
            assert.deepEqual(firingsOf("prod", "flow-log-skipdata"), expectedFirings(records, 1));
        });

        it("prod reject-any: fires when the port scan passes 50 rejected records in 5 minutes", () => {
            const { lake } = fx.summary;
            const records = lake.records.filter((r) => r.vpc_id === lake.vpcs[0].id && r.action === "REJECT");
            const expected = expectedFirings(records, 50);
            assert.deepEqual(firingsOf("prod", "reject-any"), expected);
            const started = lake.scenario.portScan.startedAt;
            assert.ok(
                expected.includes(
                    new Date((started - (started % 300) + 300) * 1000).toISOString().replace(".000Z", "Z"),
                ),
            );
        });

        it("draws each firing on the alarm timeline and marks it on the rejected-records chart", () => {
            const fired = fx.report.data.alarms!.vpcs.flatMap((v) => v.rules.flatMap((r) => r.firings));
            const timeline = fx.report.charts.find((c) => c.id === "alarms")!;
            assert.equal(datasets(timeline.spec)[1].length, fired.length);
            assert.equal(timeline.table.rows.filter((r) => r.state === "ALARM").length, fired.length);
            const rejected = fx.report.charts.find((c) => c.id === "rejected-over-time")!;
            assert.equal(datasets(rejected.spec)[1].length, fired.length);
        });
    });
});

describe("npm run report: selections and formats", function () {
    this.timeout(300_000);

    it("--vpc ID and a window: every chart counts that VPC's records in that window only", async () => {
        const fx = await sevenFixture();
        const vpc = fx.summary.lake.vpcs[2];
        const from = new Date("2026-11-22T20:30:00Z");
        const to = new Date("2026-11-23T04:00:00Z");
        const data = await collectReport({ data: fx.dir, fileFormat: "auto", from, to, vpc: vpc.id });
        assert.deepEqual(data.selection, { from, to, vpcId: vpc.id });
        // The sources are the selected VPC's interfaces (flow-log-sources reads default-format columns only).
        const sources = data.results["flow-log-sources"].rows;
        assert.ok(sources.length > 0);
        const own = new Set(vpc.interfaces.map((eni) => eni.id));
        for (const row of sources) assert.ok(own.has(String(row.interface_id)), String(row.interface_id));
        for (const name of REPORT_QUERIES) {
            assert.deepStrictEqual(
                data.results[name].rows,
                EXPECTED[name](inSelection(located(fx.parquet), data.selection), {}),
                name,
            );
        }
    });

    it("--vpc NAME: an adopted VPC of the stack, by its id", async () => {
        const fx = await sevenFixture();
        const file = loadStackFile(fx.configFile);
        const data = await collectReport({
            data: fx.dir,
            fileFormat: "auto",
            from: new Date("2026-11-23T06:00:00Z"),
            vpc: "prod",
            stack: { name: file.stack, config: validateStackConfig(file.config) },
        });
        const prod = fx.summary.lake.vpcs[0];
        assert.deepEqual(data.vpc, {
            id: prod.id,
            name: "prod",
            seen: {
                first: firstStart(ofVpc(fx.summary.lake.records, prod.id)),
                last: lastEnd(ofVpc(fx.summary.lake.records, prod.id)),
            },
        });
        assert.equal(data.selection.vpcId, prod.id);
        assert.deepEqual(
            data.alarms!.vpcs.map((v) => v.vpc),
            ["prod"],
            "only the chosen VPC's rules",
        );
    });

    it("reports a lake of the default format (no vpc_id, account_id or end): every query, the same numbers; --vpc refused", async () => {
        const fx = await sevenFixture();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vpc-flow-monitor-report-default-"));
        try {
            await generate({
                out: dir,
                days: 2,
                seed: 7,
                end: SEVEN_END,
                fileFormat: "parquet",
                accountId: "123456789012",
                endGiven: true,
                fields: LAKE_DEFAULT_FIELDS,
            });
            const stack = loadStackFile(fx.configFile);
            const data = await collectReport({
                data: dir,
                fileFormat: "auto",
                stack: { name: stack.stack, config: validateStackConfig(stack.config) },
            });
            for (const name of REPORT_QUERIES) {
                assert.deepStrictEqual(
                    data.results[name].rows,
                    EXPECTED[name](inSelection(located(fx.parquet), data.selection), {}),
                    name,
                );
            }
            // Without vpc_id every VPC's rules see all the records, so each fires at least as often.
            for (const vpc of data.alarms!.vpcs) assert.ok(vpc.events > 0, vpc.vpc);
            await assert.rejects(collectReport({ data: dir, fileFormat: "auto", vpc: fx.summary.lake.vpcs[0].id }), {
                message:
                    `--vpc "${fx.summary.lake.vpcs[0].id}": the records in --data ${dir} carry no vpc_id or account_id ` +
                    `(their fields: ${LAKE_DEFAULT_FIELDS.map(columnName).join(", ")}), so one VPC's records cannot be told apart; ` +
                    "a lake whose lake.fields include vpc-id and account-id can be reported by VPC",
            });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("reads plain-text gzip as delivered and gives the same numbers as Parquet", async () => {
        // The hours around the new year of the shared lake, both formats, copied into trees of their
        // own: plain text has no hive folders to prune on, so a small tree keeps this quick.
        const lake = await lakeFixture();
        const window = { from: new Date("2026-12-31T22:00:00Z"), to: new Date("2027-01-01T01:00:00Z") };
        const copy = (objects: readonly DeliveredObject[]) => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vpc-flow-monitor-report-format-"));
            for (const o of objects) {
                const hour = hourOf(o.partition);
                if (hour < window.from.getTime() || hour > window.to.getTime()) continue;
                const target = path.join(dir, ...o.key.split("/"));
                fs.mkdirSync(path.dirname(target), { recursive: true });
                fs.copyFileSync(path.join(lake.dir, ...o.key.split("/")), target);
            }
            return dir;
        };
        const dirs = [copy(lake.parquet), copy(lake.plainText)];
        try {
            const parquet = await collectReport({ data: dirs[0], fileFormat: "auto", ...window });
            const text = await collectReport({ data: dirs[1], fileFormat: "auto", ...window });
            assert.deepEqual([parquet.format, text.format], ["parquet", "plain-text"]);
            for (const name of REPORT_QUERIES) {
                assert.deepStrictEqual(text.results[name].rows, parquet.results[name].rows, name);
                assert.deepStrictEqual(
                    parquet.results[name].rows,
                    EXPECTED[name](inSelection(located(lake.parquet), window), {}),
                    name,
                );
            }
        } finally {
            for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("npm run report (tools/cli/report.ts main)", function () {
    this.timeout(300_000);
    let fx: SevenFixture;
    let work: string;
    before(async () => {
        fx = await sevenFixture();
        work = fs.mkdtempSync(path.join(os.tmpdir(), "vpc-flow-monitor-report-cli-"));
    });
    after(() => fs.rmSync(work, { recursive: true, force: true }));
    const run = (argv: string[]) => captureOutput(() => main(argv, () => new Date("2026-11-23T10:30:00Z")));

    it("writes the report, says what it wrote, and prints progress as plain lines into a pipe", async () => {
        const out = path.join(work, "r.html");
        // The last four hours: the whole tree is the shared report's; this is about the command.
        const argv = ["--data", fx.dir, "--from", "2026-11-23T06:00:00Z", "--config", fx.configFile, "--out", out];
        const { result, stdout, stderr } = await run(argv);
        assert.equal(result, 0, stderr);
        assert.match(
            stdout,
            new RegExp(
                `^Wrote ${out}: 10 charts of the flow logs under ${fx.dir}, 2026-11-23T06:00:00.000Z to 2026-11-23T10:00:00.000Z; \\d+ alarm transitions? to ALARM \\(stack investigation\\)\n$`,
            ),
        );
        const lines = stderr.trimEnd().split("\n");
        assert.equal(lines[0], `report: finding flow log files under ${fx.dir}`);
        assert.equal(lines[1], `report: reading ${fx.parquet.length} Parquet files`);
        assert.match(lines[2], /^report: \[1\/10\] flow-log-sources: \d+ rows \(\d+\.\d s\)$/);
        assert.equal(lines.at(-1), "report: rendered 10 charts");
        const html = fs.readFileSync(out, "utf8");
        assert.equal((html.match(/<figure /g) ?? []).length, 10);
        assert.ok(html.includes(`Made by npm run report -- ${argv.join(" ")} at 2026-11-23T10:30:00.000Z.`));
    });

    it("rewrites one progress line in place on a terminal", () => {
        const written: string[] = [];
        const stream = { isTTY: true, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
        const progress = progressLine(stream);
        progress.report("one");
        progress.report("two");
        progress.done();
        assert.deepEqual(written, ["\r\x1b[2Kreport: one", "\r\x1b[2Kreport: two", "\n"]);
    });

    const cases: { label: string; argv: () => string[]; message: () => string }[] = [
        {
            label: "no --data",
            argv: () => [],
            message: () =>
                "--data DIR is required: the folder holding a local copy of the flow log tree (e.g. from npm run generate)\n" +
                "usage: npm run report -- --data DIR [--from TIME] [--to TIME] [--vpc NAME|ID] [--stack NAME | --config FILE] [--file-format auto|parquet|plain-text] [--out FILE]\n" +
                "       npm run report -- --dashboard (--stack NAME | --config FILE) [--out FILE]",
        },
        {
            label: "a directory that does not exist",
            argv: () => ["--data", path.join(work, "nowhere")],
            message: () => `--data ${path.join(work, "nowhere")}: no such directory`,
        },
        {
            label: "an empty tree",
            argv: () => ["--data", path.join(work, "empty")],
            message: () =>
                `--data ${path.join(work, "empty")}: no flow log files; expected objects named like 123456789012_vpcflowlogs_us-east-1_fl-0123456789abcdef0_20261105T0705Z_1a2b3c4d.log.parquet (or .log.gz), as AWS delivers them to S3`,
        },
        {
            label: "an unreadable file in the tree",
            argv: () => ["--data", path.join(work, "broken")],
            // DuckDB's own words follow; checked by pattern below.
            message: () => "",
        },
        {
            label: "a time without its zone",
            argv: () => ["--data", small, "--from", "2026-11-22T10:00"],
            message: () =>
                '--from "2026-11-22T10:00": expected an ISO 8601 time with its zone, e.g. 2026-11-23T02:00:00Z',
        },
        {
            label: "--from after --to",
            argv: () => ["--data", small, "--from", "2026-11-23T00:00:00Z", "--to", "2026-11-22T00:00:00Z"],
            message: () =>
                "--from 2026-11-23T00:00:00Z --to 2026-11-22T00:00:00Z: the window is empty; --from must be before --to",
        },
        {
            label: "a window without records",
            argv: () => ["--data", small, "--from", "2026-11-24T00:00:00Z", "--to", "2026-11-25T00:00:00Z"],
            message: () =>
                `--from 2026-11-24T00:00:00Z --to 2026-11-25T00:00:00Z: no flow log record starts in that window; the records in --data ${small} start from ${iso(firstOf(smallRecords))} to ${iso(lastOf(smallRecords))}`,
        },
        {
            label: "--to before the data",
            argv: () => ["--data", small, "--to", "2026-11-23T05:00:00Z"],
            message: () =>
                `from ${iso(firstOf(smallRecords) - (firstOf(smallRecords) % 3600))} (the data's first hour) --to 2026-11-23T05:00:00Z: the window is empty; --from must be before --to`,
        },
        {
            label: "an unknown VPC id",
            argv: () => ["--data", small, "--vpc", "vpc-0123456789abcdef0"],
            message: () => `--vpc vpc-0123456789abcdef0: no record of that VPC in --data ${small}. ${inData()}`,
        },
        {
            label: "a VPC name without a stack",
            argv: () => ["--data", small, "--vpc", "prod"],
            message: () =>
                `--vpc "prod": not a VPC id (vpc-...), and without --stack or --config there are no VPC names to look up. ${inData()}`,
        },
        {
            label: "a VPC name the stack lacks",
            argv: () => ["--data", small, "--vpc", "staging", "--config", fx.configFile],
            message: () =>
                `--vpc "staging": stack investigation has no VPC of that name (its VPCs: prod, sandbox, prod-eu). ${inData()}`,
        },
        {
            label: "a VPC the stack creates",
            argv: () => ["--data", small, "--vpc", "sandbox", "--config", fx.configFile],
            message: () =>
                `--vpc "sandbox": stack investigation creates this VPC (cidrBlock 10.99.0.0/16), so its id is known only once it is deployed; give the id (vpc-...) instead. ${inData()}`,
        },
        {
            label: "a VPC with records outside the window",
            argv: () => [
                "--data",
                small,
                "--vpc",
                fx.summary.lake.vpcs[1].id,
                "--from",
                "2026-11-24T00:00:00Z",
                "--to",
                "2026-11-25T00:00:00Z",
            ],
            message: () =>
                `--from 2026-11-24T00:00:00Z --to 2026-11-25T00:00:00Z: no flow log record of ${fx.summary.lake.vpcs[1].id} starts in that window; ` +
                `the records of ${fx.summary.lake.vpcs[1].id} in --data ${small} run from ${firstStart(ofVpc(smallRecords, fx.summary.lake.vpcs[1].id))} to ${lastEnd(ofVpc(smallRecords, fx.summary.lake.vpcs[1].id))}`,
        },
        {
            label: "an unknown --file-format",
            argv: () => ["--data", small, "--file-format", "csv"],
            message: () => "--file-format csv: expected auto, parquet, plain-text",
        },
        {
            label: "--dashboard with --data",
            argv: () => ["--dashboard", "--stack", "dev", "--data", small],
            message: () =>
                "--dashboard previews the stack's dashboard and reads no flow logs; drop --data\n" +
                "usage: npm run report -- --data DIR [--from TIME] [--to TIME] [--vpc NAME|ID] [--stack NAME | --config FILE] [--file-format auto|parquet|plain-text] [--out FILE]\n" +
                "       npm run report -- --dashboard (--stack NAME | --config FILE) [--out FILE]",
        },
        {
            label: "an invalid stack config",
            argv: () => ["--data", small, "--config", path.join(work, "Pulumi.bad.yaml")],
            message: () =>
                `Invalid vpc-flow-monitor configuration in ${path.relative(process.cwd(), path.join(work, "Pulumi.bad.yaml"))}: 1 problem\n` +
                '  - regions[0].vpcs[0].cidrBlock: host bits set (the network address is 10.10.0.0/16); given "10.10.0.1/16". Allowed: an IPv4 network address with a prefix length from /16 to /24, such as 10.10.0.0/16',
        },
    ];
    const inData = () =>
        `VPCs in --data ${small}: ` +
        [...fx.summary.lake.vpcs]
            .sort((a, b) => (a.region < b.region ? -1 : a.region > b.region ? 1 : 0) || (a.id < b.id ? -1 : 1))
            .map((v) => `${v.id} (123456789012, ${v.region})`)
            .join(", ");
    const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
    const firstOf = (records: readonly FlowLogRecord[]) =>
        records.reduce((m, r) => Math.min(m, num(r.start)), Infinity);
    const lastOf = (records: readonly FlowLogRecord[]) =>
        records.reduce((m, r) => Math.max(m, num(r.start)), -Infinity);

    // The errors are about the input, not the data: the tree of the last three hours opens quickly.
    let small: string;
    let smallRecords: FlowLogRecord[];
    before(() => {
        small = path.join(work, "small");
        const recent = fx.parquet.filter((o) => hourOf(o.partition) >= SEVEN_END.getTime() - 3 * 3_600_000);
        for (const o of recent) {
            const target = path.join(small, ...o.key.split("/"));
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.copyFileSync(path.join(fx.dir, ...o.key.split("/")), target);
        }
        smallRecords = recent.flatMap((o) => o.records);
        fs.mkdirSync(path.join(work, "empty"));
        const broken = path.join(work, "broken");
        fs.mkdirSync(broken);
        fs.writeFileSync(
            path.join(
                broken,
                "123456789012_vpcflowlogs_us-east-1_fl-0123456789abcdef0_20261105T0705Z_1a2b3c4d.log.parquet",
            ),
            "not parquet",
        );
        fs.writeFileSync(
            path.join(work, "Pulumi.bad.yaml"),
            "config:\n  aws:region: us-east-1\n  vpc-flow-monitor:regions:\n    - region: us-east-1\n      vpcs:\n        - name: a\n          cidrBlock: 10.10.0.1/16\n",
        );
    });

    for (const c of cases) {
        it(`exits 2 and writes nothing for ${c.label}`, async () => {
            const out = path.join(work, `${c.label.replace(/\W+/g, "-")}.html`);
            const { result, stdout, stderr } = await run([...c.argv(), "--out", out]);
            if (c.label === "an unreadable file in the tree") {
                assert.match(
                    stderr.replace(/^report: .*\n/gm, ""),
                    new RegExp(
                        // The damaged file is named by the lake reader (localLake.ts), with what is wrong with it.
                        `^${path.join(work, "broken")}/[^\n]+\.parquet: not a readable Parquet file: .+\nNothing was written.\n$`,
                        "s",
                    ),
                );
            } else {
                assert.equal(stderr.replace(/^report: .*\n/gm, ""), `${c.message()}\nNothing was written.\n`);
            }
            assert.equal(result, 2);
            assert.equal(stdout, "");
            assert.equal(fs.existsSync(out), false);
        });
    }
});
