/**
 * The near-real-time view over the REJECT log groups: saved Logs Insights queries, Contributor
 * Insights rules and the stack's CloudWatch dashboard body. Pure functions; the Monitoring
 * component turns them into resources.
 */
import { clfPositions, FlowLogField, logsInsightsParse } from "../../flowlogs/fields";
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

/** Logs Insights questions, with the parse expression derived from the delivered format. */
export function logsInsightsQueries(fields: readonly FlowLogField[]): InsightsQuery[] {
    const parse = logsInsightsParse(fields);
    return [
        {
            name: "top-rejected-sources",
            title: "Top rejected source addresses",
            query: `${parse}\n| filter action = "REJECT"\n| stats count(*) as rejected, sum(packets) as packets by srcaddr\n| sort rejected desc\n| limit 10`,
        },
        {
            name: "top-rejected-destination-ports",
            title: "Top rejected destination ports",
            query: `${parse}\n| filter action = "REJECT"\n| stats count(*) as rejected by dstport, protocol\n| sort rejected desc\n| limit 10`,
        },
        {
            name: "rejected-packets-by-protocol",
            title: "Rejected packets by protocol",
            query: `${parse}\n| filter action = "REJECT"\n| stats sum(packets) as packets by protocol\n| sort packets desc`,
        },
        {
            name: "accepted-vs-rejected-per-minute",
            title: "Accepted vs rejected records per minute",
            query: `${parse}\n| filter log_status = "OK"\n| stats count(*) as records by action, bin(1m)`,
        },
    ];
}

/** Contributor Insights rule bodies (CLF: flow log records are space-delimited, fields counted from 1). */
export function contributorInsightsRules(
    stack: string,
    fields: readonly FlowLogField[],
): { key: string; name: string; definition: object }[] {
    const rule = (key: string) => ({
        Schema: { Name: "CloudWatchLogRule", Version: 1 },
        AggregateOn: "Count",
        Contribution: { Keys: [key.replace(/-/g, "_")], Filters: [{ Match: "action", In: ["REJECT"] }] },
        LogFormat: "CLF",
        LogGroupNames: [`${logGroupPrefix(stack)}*`],
        Fields: clfPositions(fields, [key, "action"]),
    });
    return [
        { key: "top-rejected-sources", field: "srcaddr" },
        { key: "top-rejected-ports", field: "dstport" },
    ].map(({ key, field }) => ({ key, name: contributorInsightRuleName(stack, key), definition: rule(field) }));
}

export interface DashboardVpc {
    readonly name: string;
    readonly logGroupName: string;
    readonly alarmArns: readonly string[];
}

export interface DashboardRegion {
    readonly region: string;
    readonly vpcs: readonly DashboardVpc[];
}

/** CloudWatch limits: 100 alarms in an alarm widget, 50 log groups in one Logs Insights query. */
const ALARMS_PER_WIDGET = 100;
const LOG_GROUPS_PER_QUERY = 50;
const FULL = 24;
const HALF = 12;

/** The dashboard body: per region, alarm status, rejected packets per protocol, accepted vs rejected, top sources and ports. */
export function dashboardBody(
    stack: string,
    regions: readonly DashboardRegion[],
    fields: readonly FlowLogField[],
): object {
    const queries = new Map(logsInsightsQueries(fields).map((q) => [q.name, q]));
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
    for (const { region, vpcs } of regions) {
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
