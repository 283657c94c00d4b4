/**
 * The near-real-time view (components/insights/definitions.ts, components/insights/monitoring.ts): saved Logs Insights
 * queries, Contributor Insights rules and the stack's dashboard. The pure bodies are checked against
 * the documented AWS schemas (Contributor Insights rule syntax, dashboard body structure, search
 * expression syntax); the planned program is checked for what it registers per region.
 */
import * as assert from "node:assert/strict";
import {
    contributorInsightsRules,
    dashboardBody,
    DashboardRegion,
    logsInsightsQueries,
} from "../../components/insights/definitions";
import { DEFAULT_FORMAT_FIELDS, parseLogFormat } from "../../flowlogs/fields";
import { ALARM_LOG_FIELDS } from "../../components/defaults";
import { Plan } from "../../tools/plan/offlinePlan";
import { byName, byType, childrenOf, inputsOf, jsonInput, outputsOf, planOf, providerOf } from "../helpers/plan";

const PARSE_DEFAULT =
    'parse @message "* * * * * * * * * * * * * *" as version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, log_status';

// ---------------------------------------------------------------------------------------------
// Documented schemas, as checks

/** Dashboard body structure: the properties each widget type takes (AWS CloudWatch API reference). */
const WIDGET_PROPERTIES: Record<string, readonly string[]> = {
    text: ["markdown", "background"],
    alarm: ["alarms", "sortBy", "states", "title"],
    metric: [
        "metrics",
        "period",
        "stat",
        "region",
        "title",
        "view",
        "stacked",
        "yAxis",
        "annotations",
        "legend",
        "liveData",
        "setPeriodToTimeRange",
        "sparkline",
        "trend",
        "labels",
        "table",
        "timezone",
    ],
    log: ["query", "region", "title", "view", "stacked"],
};
const LOG_VIEWS = ["table", "timeSeries", "bar", "pie"];
const METRIC_VIEWS = ["timeSeries", "singleValue", "bar", "pie", "gauge", "table"];
/** `SEARCH('{"namespace",Dimension} MetricName="X"', 'Sum', 60)`: a namespace with "/" or "-" must be double-quoted in the schema. */
const SEARCH = /^SEARCH\('\{"([^"]+)",(Protocol|Action)\} MetricName="(RejectedPackets|FlowRecords)"', 'Sum', 60\)$/;

/** Every way a widget departs from the documented structure; empty when it conforms. */
function widgetProblems(widget: any, i: number): string[] {
    const at = `widget ${i} (${widget.type})`;
    const problems: string[] = [];
    const allowed = WIDGET_PROPERTIES[widget.type];
    if (!allowed) return [`${at}: unknown type`];
    for (const key of Object.keys(widget))
        if (!["type", "x", "y", "width", "height", "properties"].includes(key))
            problems.push(`${at}: unknown key ${key}`);
    if (!(Number.isInteger(widget.width) && widget.width >= 1 && widget.width <= 24))
        problems.push(`${at}: width ${widget.width}`);
    if (!(Number.isInteger(widget.height) && widget.height >= 1 && widget.height <= 1000))
        problems.push(`${at}: height ${widget.height}`);
    for (const key of Object.keys(widget.properties))
        if (!allowed.includes(key)) problems.push(`${at}: property ${key} is not part of a ${widget.type} widget`);
    const p = widget.properties;
    switch (widget.type) {
        case "alarm":
            if (!(Array.isArray(p.alarms) && p.alarms.length >= 1 && p.alarms.length <= 100))
                problems.push(`${at}: alarms must be 1 to 100 ARNs`);
            for (const arn of p.alarms)
                if (!/^arn:aws:cloudwatch:[a-z0-9-]+:\d{12}:/.test(arn))
                    problems.push(`${at}: ${arn} is not an alarm ARN`);
            break;
        case "metric":
            if (typeof p.region !== "string") problems.push(`${at}: region required`);
            if (!METRIC_VIEWS.includes(p.view)) problems.push(`${at}: view ${p.view}`);
            for (const row of p.metrics) {
                if (!Array.isArray(row)) problems.push(`${at}: each metrics entry is an array`);
                const options = row[row.length - 1];
                if (options.expression !== undefined && !/^[a-z][a-zA-Z0-9_]*$/.test(options.id))
                    problems.push(`${at}: expression id ${options.id}`);
            }
            break;
        case "log":
            if (typeof p.region !== "string" || typeof p.query !== "string")
                problems.push(`${at}: region and query required`);
            if (!LOG_VIEWS.includes(p.view)) problems.push(`${at}: view ${p.view}`);
            break;
    }
    return problems;
}

function schemaProblems(body: any): string[] {
    const problems = Object.keys(body)
        .filter((k) => k !== "widgets")
        .map((k) => `unknown top-level key ${k}`);
    if (!(Array.isArray(body.widgets) && body.widgets.length <= 500))
        problems.push("widgets must be a list of at most 500");
    return [...problems, ...body.widgets.flatMap(widgetProblems)];
}

// ---------------------------------------------------------------------------------------------
// Pure bodies

describe("Logs Insights queries", () => {
    it("parses every field of the delivered format and asks the four questions, exactly", () => {
        assert.deepStrictEqual(logsInsightsQueries(DEFAULT_FORMAT_FIELDS), [
            {
                name: "top-rejected-sources",
                title: "Top rejected source addresses",
                query: `${PARSE_DEFAULT}\n| filter action = "REJECT"\n| stats count(*) as rejected, sum(packets) as packets by srcaddr\n| sort rejected desc\n| limit 10`,
            },
            {
                name: "top-rejected-destination-ports",
                title: "Top rejected destination ports",
                query: `${PARSE_DEFAULT}\n| filter action = "REJECT"\n| stats count(*) as rejected by dstport, protocol\n| sort rejected desc\n| limit 10`,
            },
            {
                name: "rejected-packets-by-protocol",
                title: "Rejected packets by protocol",
                query: `${PARSE_DEFAULT}\n| filter action = "REJECT"\n| stats sum(packets) as packets by protocol\n| sort packets desc`,
            },
            {
                name: "accepted-vs-rejected-per-minute",
                title: "Accepted vs rejected records per minute",
                query: `${PARSE_DEFAULT}\n| filter log_status = "OK"\n| stats count(*) as records by action, bin(1m)`,
            },
        ]);
    });

    it("follows the format: a custom format gets its own parse expression", () => {
        const fields = parseLogFormat(
            "${version} ${vpc-id} ${srcaddr} ${dstaddr} ${dstport} ${protocol} ${packets} ${start} ${action} ${log-status}",
        );
        const [first] = logsInsightsQueries(fields);
        assert.ok(
            first.query.startsWith(
                'parse @message "* * * * * * * * * *" as version, vpc_id, srcaddr, dstaddr, dstport, protocol, packets, start, action, log_status\n',
            ),
        );
    });
});

describe("Contributor Insights rules", () => {
    it("are CLF rules over the stack's REJECT log groups, fields at their positions in the delivered format", () => {
        const rules = contributorInsightsRules("prod", DEFAULT_FORMAT_FIELDS).map((r) => ({
            name: r.name,
            definition: JSON.parse(JSON.stringify(r.definition)),
        }));
        const common = {
            Schema: { Name: "CloudWatchLogRule", Version: 1 },
            AggregateOn: "Count",
            LogFormat: "CLF",
            LogGroupNames: ["/vpc-flow-monitor/prod/*"],
        };
        assert.deepStrictEqual(rules, [
            {
                name: "vpc-flow-monitor-prod-top-rejected-sources",
                definition: {
                    ...common,
                    Contribution: { Keys: ["srcaddr"], Filters: [{ Match: "action", In: ["REJECT"] }] },
                    Fields: { "4": "srcaddr", "13": "action" },
                },
            },
            {
                name: "vpc-flow-monitor-prod-top-rejected-ports",
                definition: {
                    ...common,
                    Contribution: { Keys: ["dstport"], Filters: [{ Match: "action", In: ["REJECT"] }] },
                    Fields: { "7": "dstport", "13": "action" },
                },
            },
        ]);
    });

    it("uses the positions AWS's own flow log examples use for the default format (srcaddr 4, dstport 7, action 13)", () => {
        const [sources, ports] = contributorInsightsRules("x", DEFAULT_FORMAT_FIELDS).map((r) => r.definition as any);
        assert.equal(sources.Fields["4"], "srcaddr");
        assert.equal(ports.Fields["7"], "dstport");
        assert.equal(sources.Fields["13"], "action");
    });

    it("moves the positions with the format, and refuses a format without the fields", () => {
        const fields = parseLogFormat(
            "${version} ${vpc-id} ${srcaddr} ${dstaddr} ${dstport} ${protocol} ${start} ${action} ${log-status}",
        );
        const [sources, ports] = contributorInsightsRules("x", fields).map((r) => r.definition as any);
        assert.deepStrictEqual(sources.Fields, { "3": "srcaddr", "8": "action" });
        assert.deepStrictEqual(ports.Fields, { "5": "dstport", "8": "action" });
        assert.throws(
            () => contributorInsightsRules("x", parseLogFormat("${version} ${srcaddr} ${start}")),
            /the log format has no field "action"/,
        );
    });

    it("stay within the rule syntax: every key and filter names a declared field, at most 4 of each, no ValueOf when counting", () => {
        for (const { definition } of contributorInsightsRules("x", ALARM_LOG_FIELDS)) {
            const d = definition as any;
            const aliases = Object.values(d.Fields);
            assert.ok(d.Contribution.Keys.length >= 1 && d.Contribution.Keys.length <= 4);
            assert.ok(d.Contribution.Filters.length <= 4);
            for (const key of d.Contribution.Keys) assert.ok(aliases.includes(key), key);
            for (const filter of d.Contribution.Filters) assert.ok(aliases.includes(filter.Match), filter.Match);
            assert.equal(d.Contribution.ValueOf, undefined);
            assert.ok(!("LogGroupARNs" in d), "LogGroupNames or LogGroupARNs, never both");
            for (const position of Object.keys(d.Fields)) assert.match(position, /^[1-9]\d*$/);
        }
    });
});

describe("dashboard body", () => {
    const arn = (region: string, name: string) => `arn:aws:cloudwatch:${region}:123456789012:alarm:${name}`;
    const REGIONS: DashboardRegion[] = [
        {
            region: "us-west-2",
            fields: DEFAULT_FORMAT_FIELDS,
            vpcs: [
                {
                    name: "edge",
                    logGroupName: "/vpc-flow-monitor/prod/edge",
                    alarmArns: [arn("us-west-2", "a1"), arn("us-west-2", "a2")],
                },
            ],
        },
        {
            region: "eu-west-1",
            fields: DEFAULT_FORMAT_FIELDS,
            vpcs: [
                { name: "core", logGroupName: "/vpc-flow-monitor/prod/core", alarmArns: [arn("eu-west-1", "b1")] },
                {
                    name: "legacy",
                    logGroupName: "/vpc-flow-monitor/prod/legacy",
                    alarmArns: [arn("eu-west-1", "c1"), arn("eu-west-1", "c2")],
                },
            ],
        },
    ];
    const body = JSON.parse(JSON.stringify(dashboardBody("prod", REGIONS)));
    const queries = new Map(
        logsInsightsQueries(DEFAULT_FORMAT_FIELDS).map((q) => [q.name, q.query.replace(/\n/g, " ")]),
    );

    it("conforms to the documented dashboard body structure (widget types, sizes, properties)", () => {
        assert.deepEqual(schemaProblems(body), []);
    });

    it("opens with a title, then per region: alarm status, two metric graphs, two Logs Insights tables", () => {
        assert.deepEqual(
            body.widgets.map((w: any) => [w.type, w.properties.title ?? null]),
            [
                ["text", null],
                ["alarm", "us-west-2: alarms"],
                ["metric", "us-west-2: rejected packets per protocol"],
                ["metric", "us-west-2: records per minute by action (ACCEPT only when the log group gets ALL traffic)"],
                ["log", "us-west-2: top rejected source addresses"],
                ["log", "us-west-2: top rejected destination ports"],
                ["alarm", "eu-west-1: alarms"],
                ["metric", "eu-west-1: rejected packets per protocol"],
                ["metric", "eu-west-1: records per minute by action (ACCEPT only when the log group gets ALL traffic)"],
                ["log", "eu-west-1: top rejected source addresses"],
                ["log", "eu-west-1: top rejected destination ports"],
            ],
        );
    });

    it("shows in each region's alarm widget that region's alarms only (an alarm widget has no region property)", () => {
        assert.deepStrictEqual(body.widgets[1].properties, {
            title: "us-west-2: alarms",
            alarms: [arn("us-west-2", "a1"), arn("us-west-2", "a2")],
        });
        assert.deepStrictEqual(body.widgets[6].properties, {
            title: "eu-west-1: alarms",
            alarms: [arn("eu-west-1", "b1"), arn("eu-west-1", "c1"), arn("eu-west-1", "c2")],
        });
    });

    it("graphs the aggregate metrics with one SEARCH per VPC, its namespace double-quoted", () => {
        assert.deepStrictEqual(body.widgets[7].properties, {
            title: "eu-west-1: rejected packets per protocol",
            region: "eu-west-1",
            view: "timeSeries",
            stacked: false,
            period: 60,
            metrics: [
                [
                    {
                        expression: `SEARCH('{"VpcFlowMonitor/prod/core",Protocol} MetricName="RejectedPackets"', 'Sum', 60)`,
                        id: "e0",
                        label: "core",
                    },
                ],
                [
                    {
                        expression: `SEARCH('{"VpcFlowMonitor/prod/legacy",Protocol} MetricName="RejectedPackets"', 'Sum', 60)`,
                        id: "e1",
                        label: "legacy",
                    },
                ],
            ],
        });
        assert.deepStrictEqual(body.widgets[3].properties.metrics, [
            [
                {
                    expression: `SEARCH('{"VpcFlowMonitor/prod/edge",Action} MetricName="FlowRecords"', 'Sum', 60)`,
                    id: "e0",
                    label: "edge",
                },
            ],
        ]);
        for (const widget of body.widgets.filter((w: any) => w.type === "metric")) {
            for (const [{ expression }] of widget.properties.metrics) assert.match(expression, SEARCH);
        }
    });

    it("queries each region's own log groups with SOURCE, then the saved query on one line", () => {
        assert.deepStrictEqual(body.widgets[9].properties, {
            title: "eu-west-1: top rejected source addresses",
            region: "eu-west-1",
            view: "table",
            query: `SOURCE '/vpc-flow-monitor/prod/core' | SOURCE '/vpc-flow-monitor/prod/legacy' | ${queries.get("top-rejected-sources")}`,
        });
        assert.deepStrictEqual(body.widgets[5].properties, {
            title: "us-west-2: top rejected destination ports",
            region: "us-west-2",
            view: "table",
            query: `SOURCE '/vpc-flow-monitor/prod/edge' | ${queries.get("top-rejected-destination-ports")}`,
        });
    });

    it("splits more than 100 alarms over several alarm widgets and more than 50 log groups over several queries", () => {
        const vpcs = Array.from({ length: 60 }, (_, i) => ({
            name: `v${i}`,
            logGroupName: `/vpc-flow-monitor/big/v${i}`,
            alarmArns: [arn("us-east-1", `v${i}-a`), arn("us-east-1", `v${i}-b`)],
        }));
        const big = JSON.parse(
            JSON.stringify(dashboardBody("big", [{ region: "us-east-1", fields: DEFAULT_FORMAT_FIELDS, vpcs }])),
        );
        assert.deepEqual(schemaProblems(big), []);
        const alarmWidgets = big.widgets.filter((w: any) => w.type === "alarm");
        assert.deepEqual(
            alarmWidgets.map((w: any) => [w.properties.title, w.properties.alarms.length]),
            [
                ["us-east-1: alarms", 100],
                ["us-east-1: alarms (2)", 20],
            ],
        );
        const logWidgets = big.widgets.filter((w: any) => w.type === "log");
        assert.deepEqual(
            logWidgets.map((w: any) => (w.properties.query.match(/SOURCE '/g) ?? []).length),
            [50, 50, 10, 10],
        );
    });
});

// ---------------------------------------------------------------------------------------------
// In the planned program

describe("insights and dashboard in the planned program", function () {
    this.timeout(60000);
    const STACK = "insight";
    const CONFIG = {
        "aws:region": "eu-west-1",
        "vpc-flow-monitor:regions": [
            { region: "us-west-2", vpcs: [{ name: "edge", cidrBlock: "10.20.0.0/16" }] },
            {
                region: "eu-west-1",
                vpcs: [
                    {
                        name: "core",
                        cidrBlock: "10.10.0.0/16",
                        rules: [{ name: "db-rejected", match: { action: "REJECT", dstPort: 5432 } }],
                    },
                    { name: "legacy", vpcId: "vpc-0123456789abcdef0" },
                ],
            },
        ],
    };
    const VPCS_OF: Record<string, string[]> = { "us-west-2": ["edge"], "eu-west-1": ["core", "legacy"] };
    let plan: Plan;
    before(async () => {
        plan = await planOf(CONFIG, STACK);
    });

    /** The one format of a region's alarm log groups, as its flow logs render it. */
    const regionFields = (plan: Plan, region: string) => {
        const formats = new Set(VPCS_OF[region].map((vpc) => inputsOf(plan, `${vpc}-alarmFlowLog`).logFormat));
        assert.equal(formats.size, 1, `one format in ${region}`);
        return parseLogFormat([...formats][0] as string);
    };

    for (const region of ["us-west-2", "eu-west-1"]) {
        it(`saves the four Logs Insights queries in ${region}, over that region's log groups`, () => {
            const groups = VPCS_OF[region].map((vpc) => `/vpc-flow-monitor/${STACK}/${vpc}`);
            const definitions = childrenOf(plan, `insights-${region}`).filter(
                (r) => r.type === "aws:cloudwatch/queryDefinition:QueryDefinition",
            );
            assert.deepStrictEqual(
                definitions.map((d) => d.inputs),
                logsInsightsQueries(regionFields(plan, region)).map((q) => ({
                    name: `vpc-flow-monitor/${STACK}/${q.name}`,
                    logGroupNames: groups,
                    queryString: q.query,
                })),
            );
            for (const d of definitions) {
                assert.equal(d.provider, providerOf(plan, region));
                assert.deepEqual(
                    d.propertyDependencies.logGroupNames,
                    VPCS_OF[region].map((vpc) => byName(plan, `${vpc}-alarmLogGroup`).urn),
                );
            }
        });

        it(`creates the two Contributor Insights rules in ${region}, their prefix covering the stack's log groups only`, () => {
            const rules = childrenOf(plan, `insights-${region}`).filter(
                (r) => r.type === "aws:cloudwatch/contributorInsightRule:ContributorInsightRule",
            );
            const expected = contributorInsightsRules(STACK, regionFields(plan, region));
            assert.deepStrictEqual(
                rules.map((r) => [r.name, r.inputs.ruleName, r.inputs.ruleState, jsonInput(r, "ruleDefinition")]),
                expected.map((e) => [
                    `insights-${region}-${e.name.slice(`vpc-flow-monitor-${STACK}-`.length)}`,
                    e.name,
                    "ENABLED",
                    JSON.parse(JSON.stringify(e.definition)),
                ]),
            );
            const prefix = (jsonInput(rules[0], "ruleDefinition").LogGroupNames[0] as string).replace(/\*$/, "");
            for (const vpc of VPCS_OF[region])
                assert.ok(inputsOf(plan, `${vpc}-alarmLogGroup`).name.startsWith(prefix));
            assert.ok(!`/vpc-flow-monitor/${STACK}2/x`.startsWith(prefix), "another stack's groups are not covered");
            for (const r of rules) assert.equal(r.provider, providerOf(plan, region));
        });
    }

    it("builds one dashboard in the home region whose alarm widgets list exactly that region's planned alarms", () => {
        const dashboard = byName(plan, "dashboard-dashboard");
        assert.equal(dashboard.provider, providerOf(plan, "eu-west-1"));
        assert.equal(dashboard.inputs.dashboardName, `vpc-flow-monitor-${STACK}`);
        const body = jsonInput(dashboard, "dashboardBody");
        assert.deepEqual(schemaProblems(body), []);
        const alarmWidgets = body.widgets.filter((w: any) => w.type === "alarm");
        assert.deepEqual(
            alarmWidgets.map((w: any) => w.properties.title),
            ["us-west-2: alarms", "eu-west-1: alarms"],
        );
        for (const [i, region] of ["us-west-2", "eu-west-1"].entries()) {
            const planned = byType(plan, "aws:cloudwatch/metricAlarm:MetricAlarm")
                .filter((a) => a.provider === providerOf(plan, region))
                .map((a) => outputsOf(plan, a.name).arn);
            assert.equal(planned.length, region === "eu-west-1" ? 9 : 4);
            // As sets: the plan lists resources as the engine registers them, which waits for each
            // alarm's inputs (its description waits for the VPC id), not in the dashboard's VPC order.
            assert.deepEqual([...alarmWidgets[i].properties.alarms].sort(), [...planned].sort());
            for (const alarmArn of planned) assert.equal(alarmArn.split(":")[3], region);
        }
    });

    it("points every metric and log widget of the dashboard at its own region's namespaces and log groups", () => {
        const body = jsonInput(byName(plan, "dashboard-dashboard"), "dashboardBody");
        for (const widget of body.widgets.filter((w: any) => w.type === "metric" || w.type === "log")) {
            const region = widget.properties.region;
            const vpcs = VPCS_OF[region];
            assert.ok(widget.properties.title.startsWith(`${region}: `));
            if (widget.type === "metric") {
                const namespaces = widget.properties.metrics.map(([m]: any) => SEARCH.exec(m.expression)![1]);
                assert.deepEqual(
                    namespaces,
                    vpcs.map((vpc) => `VpcFlowMonitor/${STACK}/${vpc}`),
                );
            } else {
                const sources = [...widget.properties.query.matchAll(/SOURCE '([^']+)'/g)].map(
                    (m: RegExpMatchArray) => m[1],
                );
                assert.deepEqual(
                    sources,
                    vpcs.map((vpc) => `/vpc-flow-monitor/${STACK}/${vpc}`),
                );
            }
        }
    });

    it("creates the dashboard from the alarms and log groups it shows (dependencies follow the ARNs)", () => {
        const dashboard = byName(plan, "dashboard-dashboard");
        for (const vpc of ["edge", "core", "legacy"]) {
            assert.ok(
                dashboard.propertyDependencies.dashboardBody.includes(byName(plan, `${vpc}-alarmLogGroup`).urn),
                vpc,
            );
            assert.ok(
                dashboard.propertyDependencies.dashboardBody.includes(byName(plan, `${vpc}-reject-any-alarm`).urn),
                vpc,
            );
        }
    });
});

describe("insights.contributorInsights: false", function () {
    this.timeout(60000);
    it("creates no Contributor Insights rule and keeps the saved Logs Insights queries and the dashboard", async () => {
        const config = {
            "aws:region": "eu-west-1",
            "vpc-flow-monitor:regions": [
                { region: "us-west-2", vpcs: [{ name: "edge", cidrBlock: "10.20.0.0/16" }] },
                { region: "eu-west-1", vpcs: [{ name: "core", cidrBlock: "10.10.0.0/16" }] },
            ],
        };
        const on = await planOf(config, "insight");
        const off = await planOf({ ...config, "vpc-flow-monitor:insights": { contributorInsights: false } }, "insight");
        const rules = "aws:cloudwatch/contributorInsightRule:ContributorInsightRule";
        assert.equal(byType(on, rules).length, 4);
        assert.equal(byType(off, rules).length, 0);
        const queries = "aws:cloudwatch/queryDefinition:QueryDefinition";
        assert.equal(byType(off, queries).length, byType(on, queries).length);
        assert.equal(byType(off, "aws:cloudwatch/dashboard:Dashboard").length, 1);
    });
});
