/**
 * AlertingRule: a typed rule on one VPC's alarm log group, rendered into a metric filter (or, for a
 * per-key rule, a Contributor Insights rule) and an alarm that notifies the region's topic.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlertRule } from "./rules";
import { FlowAction, LogStatus, matchFields, renderPattern } from "../../flowlogs";
import { columnName, DEFAULT_FORMAT_FIELDS, fieldNamed, FlowLogField, inTableOrder } from "../../flowlogs/fields";
import {
    AGGREGATE_FILTERS,
    AGGREGATE_METRICS,
    alarmName,
    contributorInsightRuleName,
    metricFilterName,
    metricNamespace,
} from "../naming";
import { throwIfInvalid } from "../invalidArgs";
import { alertingRuleProblems } from "../validation";
import {
    alarmText,
    linkWindowSeconds,
    logsInsightsFilter,
    logsInsightsUrl,
    offendingRecordsQuery,
    plainDuration,
    topContributorsQuery,
} from "./alarmText";
import {
    ContributorKey,
    ContributorStatistic,
    contributorRuleDefinition,
    insightRuleMetric,
    keyField,
} from "./contributorRule";

const TYPE = "vpc-flow-monitor:alerting:AlertingRule";

export { MAX_ALARM_DESCRIPTION_BYTES } from "./alarmText";

export interface AlarmDescriptionArgs {
    readonly rule: AlertRule;
    readonly stack: string;
    readonly vpcName: string;
    readonly vpcId?: string;
    readonly accountId: string;
    readonly region: string;
    readonly logGroupName: string;
    /** The fields of the records delivered to the log group. */
    readonly fields: readonly FlowLogField[];
}

/**
 * What the alarm says in its notification: what it detects and when it fires in plain words, the
 * VPC, account and region, the match, and a Logs Insights link to the matching records.
 */
export function alarmDescription(args: AlarmDescriptionArgs): string {
    const { rule } = args;
    const window = linkWindowSeconds(rule.periodSeconds, rule.evaluationPeriods);
    const consecutive = rule.evaluationPeriods > 1 ? `, in each of ${rule.evaluationPeriods} periods in a row` : "";
    const condition =
        rule.by === undefined
            ? `at least ${rule.threshold} matching flow log record${rule.threshold === 1 ? "" : "s"} in ${plainDuration(rule.periodSeconds)}`
            : contributorCondition({ ...rule, by: rule.by });
    const query =
        rule.by === undefined
            ? offendingRecordsQuery(rule.match, args.fields)
            : topContributorsQuery(rule.match, columnName(keyField(rule.by)), args.fields);
    return alarmText({
        detects: rule.description ?? `Rule ${rule.name}`,
        condition: `${condition}${consecutive}`,
        vpcName: args.vpcName,
        vpcId: args.vpcId,
        stack: args.stack,
        accountId: args.accountId,
        region: args.region,
        // The match in the query's words, not the filter pattern: shorter, and readable without the column list.
        details: [`Counts records where ${logsInsightsFilter(rule.match) || "anything"}.`],
        link: {
            label:
                rule.by === undefined
                    ? `Matching records of the last ${plainDuration(window)} (Logs Insights)`
                    : `Top ${KEY_WORDS[rule.by][1]} of the last ${plainDuration(window)} (Logs Insights)`,
            url: logsInsightsUrl(args.region, [args.logGroupName], query, window),
        },
    });
}

export interface AlertingRuleArgs {
    readonly stack: string;
    readonly vpcName: string;
    readonly rule: AlertRule;
    readonly logGroupName: pulumi.Input<string>;
    /** The VPC's region and account, named in the alarm's description and its Logs Insights link. */
    readonly region: string;
    readonly accountId: pulumi.Input<string>;
    /**
     * The VPC's id, named in the description.
     * @default not named (the VPC's logical name is)
     */
    readonly vpcId?: pulumi.Input<string>;
    /** The fields of the records delivered to that log group, in order: the pattern's columns. */
    readonly fields?: readonly FlowLogField[];
    /** The region's alarm topic: alarms can only notify a topic in their own region. */
    readonly topicArn: pulumi.Input<string>;
}

export class AlertingRule extends pulumi.ComponentResource {
    public readonly pattern: string;
    public readonly alarmArn: pulumi.Output<string>;
    public readonly alarmName: pulumi.Output<string>;

    constructor(name: string, args: AlertingRuleArgs, opts?: pulumi.ComponentResourceOptions) {
        throwIfInvalid(`AlertingRule "${name}"`, alertingRuleProblems(args));
        super(TYPE, name, {}, opts);
        const { rule, stack, vpcName } = args;
        const namespace = metricNamespace(stack, vpcName);
        const fields = args.fields ?? DEFAULT_FORMAT_FIELDS;
        this.pattern = renderPattern(rule.match, fields);
        const description = pulumi
            .all([args.accountId, args.logGroupName, args.vpcId])
            .apply(([accountId, logGroupName, vpcId]) =>
                alarmDescription({
                    rule,
                    stack,
                    vpcName,
                    vpcId,
                    accountId,
                    region: args.region,
                    logGroupName,
                    fields,
                }),
            );

        const alarm =
            rule.by === undefined
                ? thresholdAlarm(name, args, namespace, this.pattern, description, this)
                : contributorAlarm(name, args, { ...rule, by: rule.by }, fields, description, this);
        this.alarmArn = alarm.arn;
        this.alarmName = alarm.name;
        this.registerOutputs({ pattern: this.pattern, alarmArn: this.alarmArn, alarmName: this.alarmName });
    }
}

/**
 * The near-real-time aggregates that replace the Kinesis Data Analytics job of
 * hand-built pipelines: metric filters
 * only, no alarm. Dimensions come from the record itself (protocol, action), a handful of values
 * each, far below CloudWatch's limit of 1000 dimension combinations per filter.
 */
export const AGGREGATE_FILTER_SPECS = [
    {
        resource: "rejectedPacketsFilter",
        suffix: AGGREGATE_FILTERS.rejectedPackets,
        match: { action: FlowAction.REJECT },
        metric: AGGREGATE_METRICS.rejectedPackets,
        value: "packets",
        dimensions: { Protocol: "protocol" },
    },
    {
        resource: "flowRecordsFilter",
        suffix: AGGREGATE_FILTERS.flowRecords,
        match: { logStatus: LogStatus.OK },
        metric: AGGREGATE_METRICS.flowRecords,
        value: undefined,
        dimensions: { Action: "action" },
    },
] as const;

/** The fields the aggregate filters read: their patterns', values' and dimensions' fields. */
export function aggregateFields(): FlowLogField[] {
    return inTableOrder(
        AGGREGATE_FILTER_SPECS.flatMap((filter) => [
            ...matchFields(filter.match),
            ...[filter.value as string | undefined, ...(Object.values(filter.dimensions) as string[])]
                .filter((name): name is string => name !== undefined)
                .map((name) => fieldNamed(name)),
        ]),
    );
}

export function aggregateMetricFilters(
    name: string,
    args: { stack: string; vpcName: string; logGroupName: pulumi.Input<string>; fields?: readonly FlowLogField[] },
    parent: pulumi.Resource,
): aws.cloudwatch.LogMetricFilter[] {
    const fields = args.fields ?? DEFAULT_FORMAT_FIELDS;
    const namespace = metricNamespace(args.stack, args.vpcName);
    return AGGREGATE_FILTER_SPECS.map(
        (filter) =>
            new aws.cloudwatch.LogMetricFilter(
                `${name}-${filter.resource}`,
                {
                    name: metricFilterName(args.vpcName, filter.suffix),
                    logGroupName: args.logGroupName,
                    pattern: renderPattern(filter.match, fields),
                    metricTransformation: {
                        name: filter.metric,
                        namespace,
                        value: filter.value === undefined ? "1" : `$${columnName(fieldNamed(filter.value))}`,
                        unit: "Count",
                        dimensions: Object.fromEntries(
                            Object.entries(filter.dimensions).map(([dim, field]) => [
                                dim,
                                `$${columnName(fieldNamed(field))}`,
                            ]),
                        ),
                    },
                },
                { parent },
            ),
    );
}

/** A metric filter counting every matching record, and an alarm on its Sum. */
function thresholdAlarm(
    name: string,
    args: AlertingRuleArgs,
    namespace: string,
    pattern: string,
    description: pulumi.Input<string>,
    parent: pulumi.Resource,
): aws.cloudwatch.MetricAlarm {
    const { rule, stack, vpcName } = args;
    const filter = new aws.cloudwatch.LogMetricFilter(
        `${name}-metricFilter`,
        {
            name: metricFilterName(vpcName, rule.name),
            logGroupName: args.logGroupName,
            pattern: pattern,
            // Each matching record adds 1; no default value, so quiet periods publish nothing (treated as not breaching).
            metricTransformation: { name: rule.name, namespace, value: "1", unit: "Count" },
        },
        { parent },
    );
    return new aws.cloudwatch.MetricAlarm(
        `${name}-alarm`,
        {
            name: alarmName(stack, vpcName, rule.name),
            alarmDescription: description,
            namespace,
            metricName: rule.name,
            statistic: "Sum",
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: rule.threshold,
            period: rule.periodSeconds,
            evaluationPeriods: rule.evaluationPeriods,
            datapointsToAlarm: rule.evaluationPeriods,
            treatMissingData: "notBreaching",
            alarmActions: [args.topicArn],
            okActions: [args.topicArn],
        },
        // The alarm reads the filter's metric: create it after the filter so the link is visible in the graph.
        { parent, dependsOn: [filter] },
    );
}

/**
 * A Contributor Insights rule keyed by `rule.by` on the VPC's log group, and an alarm on
 * INSIGHT_RULE_METRIC of it. One rule per VPC and rule, not one per region: a regional rule over
 * several log groups could not say which VPC, and Contributor Insights bills per matched record
 * either way (each record is in one VPC's group), so only the per-rule monthly fee differs.
 */
function contributorAlarm(
    name: string,
    args: AlertingRuleArgs,
    rule: AlertRule & { readonly by: ContributorKey },
    fields: readonly FlowLogField[],
    description: pulumi.Input<string>,
    parent: pulumi.Resource,
): aws.cloudwatch.MetricAlarm {
    const { stack, vpcName } = args;
    const statistic = rule.statistic ?? ContributorStatistic.maxContributorValue;
    const insightRule = new aws.cloudwatch.ContributorInsightRule(
        `${name}-insightRule`,
        {
            ruleName: contributorInsightRuleName(stack, `${vpcName}-${rule.name}`),
            ruleState: "ENABLED",
            ruleDefinition: pulumi
                .output(args.logGroupName)
                .apply((group) => JSON.stringify(contributorRuleDefinition(rule, [group], fields))),
        },
        { parent },
    );
    return new aws.cloudwatch.MetricAlarm(
        `${name}-alarm`,
        {
            name: alarmName(stack, vpcName, rule.name),
            alarmDescription: description,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: rule.threshold,
            evaluationPeriods: rule.evaluationPeriods,
            datapointsToAlarm: rule.evaluationPeriods,
            // No contributor in a period publishes no data point: quiet is not breaching.
            treatMissingData: "notBreaching",
            metricQueries: [
                {
                    id: "contributors",
                    // An expression without inner metrics carries its own period.
                    expression: insightRule.ruleName.apply((ruleName) => insightRuleMetric(ruleName, statistic)),
                    label: contributorLabel(rule.by, statistic),
                    period: rule.periodSeconds,
                    returnData: true,
                },
            ],
            alarmActions: [args.topicArn],
            okActions: [args.topicArn],
        },
        { parent, dependsOn: [insightRule] },
    );
}

const KEY_WORDS: Readonly<Record<ContributorKey, [string, string]>> = {
    srcAddr: ["source address", "source addresses"],
    dstAddr: ["destination address", "destination addresses"],
    dstPort: ["destination port", "destination ports"],
};

function contributorLabel(by: ContributorKey, statistic: ContributorStatistic): string {
    return statistic === ContributorStatistic.uniqueContributors
        ? `Distinct ${KEY_WORDS[by][1]} with matching records`
        : `Matching records of the busiest ${KEY_WORDS[by][0]}`;
}

/** The condition in plain words, for the description. */
export function contributorCondition(rule: AlertRule & { readonly by: ContributorKey }): string {
    const statistic = rule.statistic ?? ContributorStatistic.maxContributorValue;
    const period = plainDuration(rule.periodSeconds);
    return statistic === ContributorStatistic.uniqueContributors
        ? `at least ${rule.threshold} distinct ${KEY_WORDS[rule.by][1]} with matching records in ${period}`
        : `a single ${KEY_WORDS[rule.by][0]} with at least ${rule.threshold} matching record${rule.threshold === 1 ? "" : "s"} in ${period}`;
}
