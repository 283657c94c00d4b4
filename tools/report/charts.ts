/**
 * What the report draws: one Vega-Lite spec per question, over the rows of the named query that
 * answers it (tools/report/data.ts), and the table printed under it. The specs only present the
 * rows: they relabel (protocol 6 is TCP), fold measures side by side and stack or normalise for the
 * eye, and never compute a number the table does not show.
 */
import type { PositionFieldDef } from "vega-lite/build/channeldef";
import type { Config, TopLevelSpec } from "vega-lite/build/index";
import type { LayerSpec } from "vega-lite/build/spec/layer";
import type { UnitSpec } from "vega-lite/build/spec/unit";
import { ADMIN_PORTS } from "../../components/lake/queries";
import { alarmName } from "../../components/naming";
import { PROTOCOL_NUMBERS } from "../../flowlogs";
import { isoSeconds } from "../replay/ruleEvaluation";
import { AlarmReplay, ReportData, ReportQueryName } from "./data";
import { LAKE_AGGREGATION_SECONDS } from "../../components/defaults";

export type Cell = string | number | null;
export type Row = Readonly<Record<string, Cell>>;

export interface ReportChart {
    /** HTML id of the section. */
    readonly id: string;
    /** The question the chart answers: its title. */
    readonly question: string;
    /** Where the numbers come from, in words (the named query, or the alarm replay). */
    readonly source: string;
    /** The named query behind it; undefined for the alarm replay. */
    readonly query?: ReportQueryName;
    readonly spec: TopLevelSpec;
    /** The table under the chart: the query's rows as DuckDB returned them. */
    readonly table: { readonly columns: readonly string[]; readonly rows: readonly Row[] };
    /** What to know when reading it. */
    readonly note?: string;
}

export const CHART_WIDTH = 760;

const COLORS = {
    ACCEPT: "#4e9a46",
    REJECT: "#d1495b",
    NODATA: "#b8bec6",
    SKIPDATA: "#d1495b",
    IPv4: "#4c78a8",
    IPv6: "#f2a33a",
    alarm: "#222222",
};

const PROTOCOL_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
    Object.entries(PROTOCOL_NUMBERS).map(([name, n]) => [n, name === "icmpv6" ? "ICMPv6" : name.toUpperCase()]),
);
export const protocolName = (protocol: Cell) =>
    typeof protocol === "number" ? (PROTOCOL_NAMES[protocol] ?? `protocol ${protocol}`) : "unknown";

/** What listens on each administrative port (the named queries' ADMIN_PORTS). */
export const ADMIN_PORT_NAMES: Readonly<Record<(typeof ADMIN_PORTS)[number], string>> = {
    22: "SSH",
    23: "Telnet",
    3389: "RDP",
    5900: "VNC",
    5985: "WinRM",
    5986: "WinRM over HTTPS",
    8080: "HTTP admin",
    8443: "HTTPS admin",
};
const portName = (port: Cell) => ADMIN_PORT_NAMES[port as (typeof ADMIN_PORTS)[number]];

/** `2026-11-23 02:15:00.000 UTC` (Athena's timestamp) to ISO 8601, which Vega parses as UTC. */
export function isoTime(athena: Cell): string {
    const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) UTC$/.exec(String(athena));
    if (!match) throw new Error(`not an Athena timestamp: ${athena}`);
    return `${match[1]}T${match[2]}Z`;
}

type Layer = LayerSpec<string> | UnitSpec<string>;

const CONFIG: Config = {
    font: "DejaVu Sans, Liberation Sans, Arial, sans-serif",
    view: { stroke: null },
    axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: "normal", gridColor: "#eceff3" },
    legend: { labelFontSize: 11, titleFontSize: 11, orient: "top", direction: "horizontal", labelLimit: 360 },
};
const base = { $schema: "https://vega.github.io/schema/vega-lite/v6.json", background: "white", config: CONFIG };

/**
 * A time axis over the report's window, in UTC, shared by every timeline so they line up. With
 * `periodMinutes`, each value is a period of that length (a bar as wide as its period).
 */
function timeAxis(data: ReportData, field: string, periodMinutes?: number): PositionFieldDef<string> {
    return {
        field,
        type: "temporal",
        title: "time (UTC)",
        ...(periodMinutes ? { timeUnit: { unit: "utcyearmonthdatehoursminutes", step: periodMinutes } } : {}),
        // As expressions: Vega-Lite 6 converts a plain temporal domain twice for a ranged bar (x
        // and x2) and warns of a conflict; an expression it leaves as written.
        scale: {
            type: "utc",
            domain: [
                { expr: `datetime(${data.selection.from.getTime()})` },
                { expr: `datetime(${data.selection.to.getTime()})` },
            ],
        },
        axis: { format: "%b %d %H:%M", labelAngle: 0, labelOverlap: true, tickCount: 8 },
    };
}

/**
 * A bar per 5-minute period, as wide as its period: over two days a period is about a pixel, which
 * the default 1-pixel spacing between bars would all but erase.
 */
const PERIOD_BAR = { type: "bar", tooltip: true, binSpacing: 0 } as const;

const queryTable = (data: ReportData, name: ReportQueryName) => ({
    columns: data.results[name].columns,
    rows: data.results[name].rows,
});
const rowsOf = (data: ReportData, name: ReportQueryName) => data.results[name].rows;
const sourceOf = (name: ReportQueryName) => `named query ${name}, over the report's window`;

/** Every chart of the report, in reading order. */
export function reportCharts(data: ReportData): ReportChart[] {
    const charts = [
        acceptedAndRejected(data),
        rejectedOverTime(data),
        topRejectedSources(data),
        topRejectedPorts(data),
        adminPortsOverTime(data),
        topTalkers(data),
        bytesByInterface(data),
        ipv6Share(data),
        blindSpots(data),
    ];
    if (data.alarms) charts.push(alarmTimeline(data, data.alarms));
    return charts;
}

/** A 100% bar per measure: the share of each group in records, packets and bytes. */
function shares(
    rows: readonly Row[],
    group: string,
    measures: readonly (readonly [string, string])[],
    colors: Readonly<Record<string, string>>,
): TopLevelSpec {
    const labels = Object.fromEntries(measures);
    return {
        ...base,
        width: CHART_WIDTH,
        height: 34 * measures.length,
        data: { values: rows as Row[] },
        transform: [
            { fold: measures.map(([m]) => m), as: ["measure", "value"] },
            {
                calculate: `${JSON.stringify(labels)}[datum.measure]`,
                as: "label",
            },
        ],
        mark: { type: "bar", tooltip: true },
        encoding: {
            y: { field: "label", type: "nominal", title: null, sort: measures.map(([, l]) => l) },
            x: {
                field: "value",
                type: "quantitative",
                stack: "normalize",
                title: "share",
                axis: { format: "%" },
            },
            color: {
                field: group,
                type: "nominal",
                title: null,
                scale: { domain: Object.keys(colors), range: Object.values(colors) },
            },
            order: { field: group },
        },
    };
}

function acceptedAndRejected(data: ReportData): ReportChart {
    const name = "accepted-and-rejected-traffic";
    return {
        id: "accepted-rejected",
        question: "How much traffic was accepted, and how much rejected?",
        source: sourceOf(name),
        query: name,
        spec: shares(
            rowsOf(data, name),
            "action",
            [
                ["flows", "records"],
                ["packets", "packets"],
                ["bytes", "bytes"],
            ],
            { ACCEPT: COLORS.ACCEPT, REJECT: COLORS.REJECT },
        ),
        table: queryTable(data, name),
        note: "Each flow log record is one flow (per interface, direction and aggregation interval); NODATA and SKIPDATA records carry no action and are not counted here.",
    };
}

function firingsOf(alarms: AlarmReplay | undefined): Row[] {
    if (!alarms) return [];
    return alarms.vpcs.flatMap(({ vpc, rules }) =>
        rules.flatMap(({ rule, firings }) =>
            firings.map((f) => ({
                alarm: `${vpc} / ${rule.name}`,
                at: isoSeconds(f.at),
                sum: f.sum,
            })),
        ),
    );
}

function rejectedOverTime(data: ReportData): ReportChart {
    const name = "rejected-flows-per-5-minutes";
    const values = rowsOf(data, name).map((row) => ({
        ...row,
        time: isoTime(row.period),
        protocol_name: protocolName(row.protocol),
    }));
    const firings = firingsOf(data.alarms);
    const bars: Layer = {
        data: { values },
        mark: PERIOD_BAR,
        encoding: {
            x: timeAxis(data, "time", 5),
            y: {
                field: "flows",
                type: "quantitative",
                title: "rejected records per 5 min",
                stack: "zero",
                axis: { format: ",.0f", tickMinStep: 1 },
            },
            color: { field: "protocol_name", type: "nominal", title: "protocol" },
        },
    };
    // A marker along the top for each alarm that would fire: the bars stay readable under them.
    const alarmMarks: Layer = {
        data: { values: firings },
        mark: { type: "point", shape: "triangle-down", filled: true, size: 60, color: COLORS.alarm, tooltip: true },
        encoding: { x: timeAxis(data, "at"), y: { value: 5 } },
    };
    return {
        id: "rejected-over-time",
        question: "When was traffic rejected, and over which protocol?",
        source:
            sourceOf(name) +
            (data.alarms
                ? "; triangles along the top: an alarm of the stack would have fired (the alarm replay below)"
                : ""),
        query: name,
        spec: {
            ...base,
            width: CHART_WIDTH,
            height: 220,
            layer: firings.length ? [bars, alarmMarks] : [bars],
        },
        table: queryTable(data, name),
        note: "Records are counted in the 5 minutes their start falls in: the period of the default alarms. The lake's flow log aggregates over up to 10 minutes, so one record may stand for a longer burst.",
    };
}

function horizontalBars(
    values: readonly Row[],
    category: string,
    measure: string,
    measureTitle: string,
    options: { color?: string; colorField?: string; format?: string; axisFormat?: string; labelLimit?: number } = {},
): TopLevelSpec {
    return {
        ...base,
        width: CHART_WIDTH - 260,
        height: { step: 20 },
        data: { values: values as Row[] },
        layer: [
            {
                mark: { type: "bar", tooltip: true, ...(options.color ? { color: options.color } : {}) },
                encoding: {
                    ...(options.colorField ? { color: { field: options.colorField, type: "nominal" } } : {}),
                },
            },
            {
                mark: { type: "text", align: "left", dx: 3, fontSize: 10 },
                encoding: { text: { field: measure, type: "quantitative", format: options.format ?? "," } },
            },
        ],
        encoding: {
            y: {
                field: category,
                type: "nominal",
                title: null,
                sort: null,
                axis: { labelLimit: options.labelLimit ?? 300 },
            },
            x: {
                field: measure,
                type: "quantitative",
                title: measureTitle,
                // Counts: whole numbers only (d3's "," alone picks an exponent for round ticks).
                axis: options.axisFormat ? { format: options.axisFormat } : { format: ",.0f", tickMinStep: 1 },
            },
        },
    };
}

function topRejectedSources(data: ReportData): ReportChart {
    const name = "top-rejected-sources";
    return {
        id: "top-rejected-sources",
        question: "Which sources were rejected most?",
        source: sourceOf(name),
        query: name,
        spec: horizontalBars(rowsOf(data, name), "srcaddr", "flows", "rejected records", { color: COLORS.REJECT }),
        table: queryTable(data, name),
        note: "A port scan shows as one source with about as many rejected records as ports it tried; brute force as a few sources with hundreds of attempts each.",
    };
}

function topRejectedPorts(data: ReportData): ReportChart {
    const name = "top-rejected-destination-ports";
    const values = rowsOf(data, name).map((row) => {
        const service = row.protocol === PROTOCOL_NUMBERS.tcp ? portName(row.dstport) : undefined;
        return { ...row, port: `${row.dstport}/${protocolName(row.protocol)}${service ? ` (${service})` : ""}` };
    });
    return {
        id: "top-rejected-ports",
        question: "Which destination ports were rejected most?",
        source: sourceOf(name),
        query: name,
        spec: horizontalBars(values, "port", "flows", "rejected records", { color: COLORS.REJECT }),
        table: queryTable(data, name),
        note: "ICMP has no ports: its records show port 0.",
    };
}

function adminPortsOverTime(data: ReportData): ReportChart {
    const name = "admin-port-flows-per-5-minutes";
    const values = rowsOf(data, name).map((row) => ({
        ...row,
        time: isoTime(row.period),
        port: `${row.dstport} ${portName(row.dstport) ?? ""}`.trim(),
    }));
    return {
        id: "admin-ports-over-time",
        question: "When were SSH, RDP and other administrative ports tried, and were they let in?",
        source: sourceOf(name),
        query: name,
        spec: {
            ...base,
            data: { values },
            mark: PERIOD_BAR,
            encoding: {
                row: {
                    field: "action",
                    type: "nominal",
                    title: null,
                    header: { labelFontSize: 11, labelAngle: 0, labelAlign: "left" },
                    sort: ["REJECT", "ACCEPT"],
                },
                x: timeAxis(data, "time", 5),
                y: {
                    field: "flows",
                    type: "quantitative",
                    title: "records per 5 min",
                    stack: "zero",
                    axis: { format: ",.0f", tickMinStep: 1 },
                },
                color: { field: "port", type: "nominal", title: "port" },
            },
            width: CHART_WIDTH - 60,
            height: 120,
            resolve: { scale: { y: "independent" } },
        },
        table: queryTable(data, name),
        note: `TCP ports ${ADMIN_PORTS.join(", ")}. Accepted records to them are expected only from known administrators.`,
    };
}

const TALKERS_SHOWN = 15;

function topTalkers(data: ReportData): ReportChart {
    const name = "top-talkers";
    const values = rowsOf(data, name)
        .slice(0, TALKERS_SHOWN)
        .map((row) => ({ ...row, pair: `${row.srcaddr} → ${row.dstaddr}` }));
    return {
        id: "top-talkers",
        question: "Who talked to whom the most?",
        source: sourceOf(name),
        query: name,
        spec: horizontalBars(values, "pair", "bytes", "bytes", {
            color: "#4c78a8",
            format: ".3~s",
            axisFormat: "~s",
            labelLimit: 420,
        }),
        table: queryTable(data, name),
        note: `The chart shows the ${TALKERS_SHOWN} largest of the query's pairs; the table lists them all. A flow inside the VPC is logged at both of its interfaces, so it counts twice.`,
    };
}

function bytesByInterface(data: ReportData): ReportChart {
    const name = "bytes-by-interface";
    return {
        id: "bytes-by-interface",
        question: "Which interfaces carried the bytes?",
        source: sourceOf(name),
        query: name,
        // The default lake format carries the interface, not its subnet or VPC (lake.fields).
        spec: horizontalBars(rowsOf(data, name), "interface_id", "bytes", "bytes", {
            format: ".3~s",
            axisFormat: "~s",
            labelLimit: 420,
        }),
        table: queryTable(data, name),
    };
}

function ipv6Share(data: ReportData): ReportChart {
    const name = "ipv6-traffic";
    return {
        id: "ipv6-share",
        question: "How much of the traffic is IPv6?",
        source: sourceOf(name),
        query: name,
        spec: shares(
            rowsOf(data, name),
            "ip_version",
            [
                ["flows", "records"],
                ["bytes", "bytes"],
            ],
            { IPv4: COLORS.IPv4, IPv6: COLORS.IPv6 },
        ),
        table: queryTable(data, name),
    };
}

function blindSpots(data: ReportData): ReportChart {
    const name = "nodata-skipdata-intervals";
    const values: Row[] = rowsOf(data, name).map((row) => ({
        ...row,
        started_at: isoTime(row.started),
        // The default lake format has no `end`: a capture window spans at most the lake flow log's
        // aggregation interval from its start.
        ended_at: new Date(Date.parse(isoTime(row.started)) + LAKE_AGGREGATION_SECONDS * 1000).toISOString(),
    }));
    const interfaces = [...new Set(values.map((v) => String(v.interface_id)))].sort();
    const y: PositionFieldDef<string> = {
        field: "interface_id",
        type: "nominal",
        title: null,
        sort: interfaces,
        scale: { domain: interfaces },
        axis: { labelLimit: 240 },
    };
    return {
        id: "blind-spots",
        question: "When was the flow log blind (SKIPDATA), and which interfaces were idle (NODATA)?",
        source: sourceOf(name),
        query: name,
        spec: {
            ...base,
            width: CHART_WIDTH - 180,
            height: { step: 18 },
            layer: [
                {
                    data: { values },
                    mark: { type: "bar", tooltip: true },
                    encoding: {
                        y,
                        x: timeAxis(data, "started_at"),
                        x2: { field: "ended_at" },
                        color: {
                            field: "log_status",
                            type: "nominal",
                            title: null,
                            scale: { domain: ["NODATA", "SKIPDATA"], range: [COLORS.NODATA, COLORS.SKIPDATA] },
                        },
                    },
                },
                {
                    // A SKIPDATA window is ten minutes of a long timeline: a marker makes each one visible.
                    data: { values: values.filter((v) => v.log_status === "SKIPDATA") },
                    mark: { type: "point", shape: "triangle-down", filled: true, size: 90, tooltip: true },
                    encoding: { y, x: timeAxis(data, "started_at"), color: { value: COLORS.SKIPDATA } },
                },
            ],
        },
        table: queryTable(data, name),
        note: "SKIPDATA: the flow log dropped records in that window (capacity or an internal error), so neither the lake nor the alarms saw that traffic. NODATA: the interface had no traffic in the window.",
    };
}

function alarmTimeline(data: ReportData, alarms: AlarmReplay): ReportChart {
    const lanes = alarms.vpcs.flatMap(({ vpc, rules }) => rules.map(({ rule }) => `${vpc} / ${rule.name}`));
    const runs = alarms.vpcs.flatMap(({ vpc, rules }) =>
        rules.flatMap(({ rule, firings }) =>
            firings.map((f) => ({
                alarm: `${vpc} / ${rule.name}`,
                from: isoSeconds(f.periodStart - (rule.evaluationPeriods - 1) * rule.periodSeconds),
                at: isoSeconds(f.at),
                sum: f.sum,
                threshold: rule.threshold,
            })),
        ),
    );
    const y: PositionFieldDef<string> = {
        field: "alarm",
        type: "nominal",
        title: null,
        sort: lanes,
        scale: { domain: lanes },
        axis: { labelLimit: 320 },
    };
    const rows: Row[] = alarms.vpcs.flatMap(({ vpc, region, vpcId, rules, events }) =>
        rules.flatMap((evaluation): Row[] => {
            const { rule } = evaluation;
            const common = {
                vpc,
                region,
                rule: rule.name,
                alarm_when: `>= ${rule.threshold} in ${rule.periodSeconds} s${rule.evaluationPeriods > 1 ? ` for ${rule.evaluationPeriods} periods` : ""}`,
                // A VPC the stack creates has no id offline: its rules see every selected record.
                records_of: vpcId ?? "all selected",
                records_fed: events,
                matched: evaluation.matchedRecords,
            };
            if (evaluation.unavailable !== undefined)
                return [{ ...common, state: "not evaluated", at: null, sum: null, note: evaluation.unavailable }];
            if (evaluation.firings.length === 0) {
                const peak = evaluation.peak
                    ? `at most ${evaluation.peak.sum} in a period (from ${isoSeconds(evaluation.peak.periodStart)})`
                    : "no matching record";
                return [{ ...common, state: "OK", at: null, sum: null, note: peak }];
            }
            return evaluation.firings.map((f) => ({
                ...common,
                state: "ALARM",
                at: isoSeconds(f.at),
                sum: f.sum,
                note: alarmName(alarms.stack, vpc, rule.name),
            }));
        }),
    );
    const fired = runs.length;
    return {
        id: "alarms",
        question: `Which alarms of stack ${alarms.stack} would have fired, and when?`,
        source: "the stack's alert rules, replayed as CloudWatch evaluates them on the records the alarm log group would have received",
        spec: {
            ...base,
            width: CHART_WIDTH - 240,
            height: { step: 22 },
            layer: [
                {
                    data: { values: runs.length ? runs : [{ alarm: lanes[0] }] },
                    mark: { type: "bar", color: COLORS.REJECT, opacity: runs.length ? 0.35 : 0, tooltip: true },
                    encoding: { y, x: timeAxis(data, "from"), x2: { field: "at" } },
                },
                {
                    data: { values: runs },
                    mark: {
                        type: "point",
                        shape: "diamond",
                        filled: true,
                        size: 70,
                        color: COLORS.alarm,
                        tooltip: true,
                    },
                    encoding: { y, x: timeAxis(data, "at") },
                },
            ],
        },
        table: {
            columns: [
                "vpc",
                "region",
                "rule",
                "state",
                "at",
                "sum",
                "alarm_when",
                "records_of",
                "records_fed",
                "matched",
                "note",
            ],
            rows,
        },
        note:
            `${fired} transition${fired === 1 ? "" : "s"} to ALARM. A diamond is when the alarm would go to ALARM (the end of the breaching period; ` +
            "the notification follows by the delivery delay). The records are the lake's: its flow log aggregates over 10 minutes, the alarm flow log over 1, " +
            "so CloudWatch would count at least these sums. " +
            (alarms.trafficType === "REJECT"
                ? "The alarm log groups receive REJECT records (and NODATA/SKIPDATA records)."
                : "The alarm log groups receive ALL records."),
    };
}
