/**
 * The near-real-time view over the REJECT log groups: saved Logs Insights queries, Contributor
 * Insights rules and the stack's CloudWatch dashboard body. Pure functions; the Monitoring
 * component turns them into resources.
 */
import {
    clfPositions,
    columnName,
    fieldNamed,
    FLOW_LOG_FIELDS,
    FlowLogField,
    inTableOrder,
    logsInsightsParse,
} from "../../flowlogs/fields";
import {
    AGGREGATE_METRICS,
    athenaWorkgroupName,
    contributorInsightRuleName,
    logGroupPrefix,
    metricNamespace,
} from "../naming";

export interface InsightsQuery {
    readonly name: string;
    readonly title: string;
    readonly query: string;
}

/** The Logs Insights questions, after the parse command that names the format's fields. */
const INSIGHTS_BODIES = [
    {
        name: "top-rejected-sources",
        title: "Top rejected source addresses",
        body: `filter action = "REJECT"\n| stats count(*) as rejected, sum(packets) as packets by srcaddr\n| sort rejected desc\n| limit 10`,
    },
    {
        name: "top-rejected-destination-ports",
        title: "Top rejected destination ports",
        body: `filter action = "REJECT"\n| stats count(*) as rejected by dstport, protocol\n| sort rejected desc\n| limit 10`,
    },
    {
        name: "rejected-packets-by-protocol",
        title: "Rejected packets by protocol",
        body: `filter action = "REJECT"\n| stats sum(packets) as packets by protocol\n| sort packets desc`,
    },
    {
        name: "accepted-vs-rejected-per-minute",
        title: "Accepted vs rejected records per minute",
        body: `filter log_status = "OK"\n| stats count(*) as records by action, bin(1m)`,
    },
] as const;

/** Logs Insights questions, with the parse expression derived from the delivered format. */
export function logsInsightsQueries(fields: readonly FlowLogField[]): InsightsQuery[] {
    const parse = logsInsightsParse(fields);
    return INSIGHTS_BODIES.map(({ name, title, body }) => ({ name, title, query: `${parse}\n| ${body}` }));
}

/** What each Contributor Insights rule counts: its key, over REJECT records. */
const CONTRIBUTOR_KEYS = [
    { suffix: "top-rejected-sources", key: "srcaddr" },
    { suffix: "top-rejected-ports", key: "dstport" },
] as const;
const CONTRIBUTOR_FILTER_FIELD = "action";

/**
 * The fields the Logs Insights queries (saved and on the dashboard) and the Contributor Insights
 * rules read: every field column named in a query after its parse command, and each rule's key
 * and filter field.
 */
export function insightsFields(): FlowLogField[] {
    const named = (text: string) =>
        FLOW_LOG_FIELDS.filter((field) => new RegExp(`(?<![\\w@])${columnName(field)}(?!\\w)`).test(text));
    return inTableOrder([
        ...INSIGHTS_BODIES.flatMap((q) => named(q.body)),
        ...CONTRIBUTOR_KEYS.map((rule) => fieldNamed(rule.key)),
        fieldNamed(CONTRIBUTOR_FILTER_FIELD),
    ]);
}

/** Contributor Insights rule bodies (CLF: flow log records are space-delimited, fields counted from 1). */
export function contributorInsightsRules(
    stack: string,
    fields: readonly FlowLogField[],
): { key: string; name: string; definition: object }[] {
    const rule = (key: string) => ({
        Schema: { Name: "CloudWatchLogRule", Version: 1 },
        AggregateOn: "Count",
        Contribution: {
            Keys: [key.replace(/-/g, "_")],
            Filters: [{ Match: CONTRIBUTOR_FILTER_FIELD, In: ["REJECT"] }],
        },
        LogFormat: "CLF",
        LogGroupNames: [`${logGroupPrefix(stack)}*`],
        Fields: clfPositions(fields, [key, CONTRIBUTOR_FILTER_FIELD]),
    });
    return CONTRIBUTOR_KEYS.map(({ suffix, key }) => ({
        key: suffix,
        name: contributorInsightRuleName(stack, suffix),
        definition: rule(key),
    }));
}

export interface DashboardVpc {
    readonly name: string;
    readonly logGroupName: string;
    readonly alarmArns: readonly string[];
}

export interface DashboardRegion {
    readonly region: string;
    /** The format of the region's log groups (one per region: see MonitoredVpc alarmFields). */
    readonly fields: readonly FlowLogField[];
    readonly vpcs: readonly DashboardVpc[];
}

/** CloudWatch limits: 100 alarms in an alarm widget, 50 log groups in one Logs Insights query. */
const ALARMS_PER_WIDGET = 100;
const LOG_GROUPS_PER_QUERY = 50;
const FULL = 24;
const HALF = 12;

/** The dashboard body: per region, alarm status, rejected packets per protocol, accepted vs rejected, top sources and ports. */
export function dashboardBody(stack: string, regions: readonly DashboardRegion[]): object {
    const widgets: object[] = [
        {
            type: "text",
            width: FULL,
            height: 2,
            properties: {
                markdown: `# vpc-flow-monitor: ${stack}\nREJECT flow log records from CloudWatch Logs, per region. History and every field: Athena workgroup \`${athenaWorkgroupName(stack)}\`.`,
            },
        },
    ];
    for (const { region, vpcs, fields } of regions) {
        const queries = new Map(logsInsightsQueries(fields).map((q) => [q.name, q]));
        const alarmArns = vpcs.flatMap((vpc) => vpc.alarmArns);
        chunks(alarmArns, ALARMS_PER_WIDGET).forEach((alarms, i) =>
            // The alarm widget has no region property (alarms, sortBy, states, title): the ARNs say where each alarm lives.
            widgets.push({
                type: "alarm",
                width: FULL,
                height: 4,
                properties: { title: `${region}: alarms${i ? ` (${i + 1})` : ""}`, alarms },
            }),
        );
        widgets.push(
            searchWidget(
                region,
                `${region}: rejected packets per protocol`,
                vpcs,
                AGGREGATE_METRICS.rejectedPackets,
                "Protocol",
                stack,
            ),
            searchWidget(
                region,
                `${region}: records per minute by action (ACCEPT only when the log group gets ALL traffic)`,
                vpcs,
                AGGREGATE_METRICS.flowRecords,
                "Action",
                stack,
            ),
        );
        for (const groups of chunks(
            vpcs.map((vpc) => vpc.logGroupName),
            LOG_GROUPS_PER_QUERY,
        )) {
            for (const name of ["top-rejected-sources", "top-rejected-destination-ports"]) {
                const q = queries.get(name)!;
                widgets.push({
                    type: "log",
                    width: HALF,
                    height: 6,
                    properties: {
                        title: `${region}: ${q.title.toLowerCase()}`,
                        region,
                        view: "table",
                        query: `${groups.map((g) => `SOURCE '${g}'`).join(" | ")} | ${q.query.replace(/\n/g, " ")}`,
                    },
                });
            }
        }
    }
    return { widgets };
}

function searchWidget(
    region: string,
    title: string,
    vpcs: readonly DashboardVpc[],
    metric: string,
    dimension: string,
    stack: string,
): object {
    return {
        type: "metric",
        width: HALF,
        height: 6,
        properties: {
            title,
            region,
            view: "timeSeries",
            stacked: false,
            period: 60,
            metrics: vpcs.map((vpc, i) => [
                {
                    // The namespace holds "/" and "-": in a search schema such a name must be double-quoted.
                    expression: `SEARCH('{"${metricNamespace(stack, vpc.name)}",${dimension}} MetricName="${metric}"', 'Sum', 60)`,
                    id: `e${i}`,
                    label: vpc.name,
                },
            ]),
        },
    };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
}
