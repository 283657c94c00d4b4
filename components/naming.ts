/**
 * Physical names of the resources AWS addresses by name. Logical (Pulumi) names are `${name}-...`
 * inside each component; these are what users see in the console and type into queries.
 */

/** The CloudWatch log group a VPC's alarm flow log writes to; one prefix per stack for Contributor Insights and dashboards. */
export function alarmLogGroupName(stack: string, vpcName: string): string {
    return `${logGroupPrefix(stack)}${vpcName}`;
}

export function logGroupPrefix(stack: string): string {
    return `/vpc-flow-monitor/${stack}/`;
}

/** Glue database names allow lowercase letters, digits and underscores only. */
export function glueDatabaseName(stack: string): string {
    return `vpc_flow_monitor_${stack.toLowerCase().replace(/[^a-z0-9]/g, "_")}`;
}

export function athenaWorkgroupName(stack: string): string {
    return `vpc-flow-monitor-${stack}`;
}

/** CloudWatch metric namespace of one VPC's flow log metrics. */
export function metricNamespace(stack: string, vpcName: string): string {
    return `VpcFlowMonitor/${stack}/${vpcName}`;
}

/** Alarm names are unique per account and region; the stack and VPC make them so. */
export function alarmName(stack: string, vpcName: string, ruleName: string): string {
    return `vpc-flow-monitor-${stack}-${vpcName}-${ruleName}`;
}

/** Metric names of the aggregate (non-alarm) metric filters. */
export const AGGREGATE_METRICS = {
    /** Sum of packets of REJECT records, dimension Protocol: replaces the Kinesis Data Analytics job of hand-built pipelines. */
    rejectedPackets: "RejectedPackets",
    /** Records per action (ACCEPT appears only when the CloudWatch flow log captures ALL traffic). */
    flowRecords: "FlowRecords",
} as const;
