/**
 * AlertingRule: a typed rule on one VPC's alarm log group, rendered into a metric filter and an
 * alarm that notifies the region's topic.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlertRule } from "./rules";
import { FlowAction, LogStatus, matchFields, renderPattern } from "../../flowlogs";
import { columnName, DEFAULT_FORMAT_FIELDS, fieldNamed, FlowLogField, inTableOrder } from "../../flowlogs/fields";
import { AGGREGATE_METRICS, alarmName, metricNamespace } from "../naming";
import { throwIfInvalid } from "../invalidArgs";
import { alertingRuleProblems } from "../validation";

const TYPE = "vpc-flow-monitor:alerting:AlertingRule";

/** PutMetricAlarm: AlarmDescription is at most 1024 characters (a filter pattern alone may be 1024). */
export const MAX_ALARM_DESCRIPTION_LENGTH = 1024;

/** What the alarm says in its notification: the rule's purpose, where, and the pattern (cut to fit). */
export function alarmDescription(rule: AlertRule, stack: string, vpcName: string, pattern: string): string {
    const text = `${rule.description ?? rule.name} in VPC ${vpcName} (stack ${stack}): ${pattern}`;
    return text.length <= MAX_ALARM_DESCRIPTION_LENGTH ? text : `${text.slice(0, MAX_ALARM_DESCRIPTION_LENGTH - 1)}…`;
}

export interface AlertingRuleArgs {
    readonly stack: string;
    readonly vpcName: string;
    readonly rule: AlertRule;
    readonly logGroupName: pulumi.Input<string>;
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
        this.pattern = renderPattern(rule.match, args.fields ?? DEFAULT_FORMAT_FIELDS);

        const filter = new aws.cloudwatch.LogMetricFilter(
            `${name}-metricFilter`,
            {
                name: `${vpcName}-${rule.name}`,
                logGroupName: args.logGroupName,
                pattern: this.pattern,
                // Each matching record adds 1; no default value, so quiet periods publish nothing (treated as not breaching).
                metricTransformation: { name: rule.name, namespace, value: "1", unit: "Count" },
            },
            { parent: this },
        );
        const alarm = new aws.cloudwatch.MetricAlarm(
            `${name}-alarm`,
            {
                name: alarmName(stack, vpcName, rule.name),
                alarmDescription: alarmDescription(rule, stack, vpcName, this.pattern),
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
            { parent: this, dependsOn: [filter] },
        );
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
export const AGGREGATE_FILTERS = [
    {
        resource: "rejectedPacketsFilter",
        suffix: "rejected-packets",
        match: { action: FlowAction.REJECT },
        metric: AGGREGATE_METRICS.rejectedPackets,
        value: "packets",
        dimensions: { Protocol: "protocol" },
    },
    {
        resource: "flowRecordsFilter",
        suffix: "flow-records",
        match: { logStatus: LogStatus.OK },
        metric: AGGREGATE_METRICS.flowRecords,
        value: undefined,
        dimensions: { Action: "action" },
    },
] as const;

/** The fields the aggregate filters read: their patterns', values' and dimensions' fields. */
export function aggregateFields(): FlowLogField[] {
    return inTableOrder(
        AGGREGATE_FILTERS.flatMap((filter) => [
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
    return AGGREGATE_FILTERS.map(
        (filter) =>
            new aws.cloudwatch.LogMetricFilter(
                `${name}-${filter.resource}`,
                {
                    name: `${args.vpcName}-${filter.suffix}`,
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
