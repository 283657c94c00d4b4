/**
 * vpc-flow-monitor as a library: the public entry (package.json "exports"). Another Pulumi program
 * either calls `deployVpcFlowMonitor` for the whole monitor, or composes the components itself.
 * Everything else under components/ is internal and may move.
 */

// The whole monitor, from typed args.
export {
    deployVpcFlowMonitor,
    defaultTags,
    type RegionSpec,
    type VpcFlowMonitorArgs,
    type VpcFlowMonitorOptions,
    type VpcFlowMonitorOutputs,
    type VpcOutputs,
    type VpcSpec,
} from "./vpcFlowMonitor";

// The components.
export { MonitoredVpc, type MonitoredVpcArgs, type VpcSource } from "./monitoredVpc";
export { AnalyticsLake, type AnalyticsLakeArgs } from "./lake/analyticsLake";
export { AlertingRule, type AlertingRuleArgs, aggregateMetricFilters, alarmDescription } from "./alerting/alertingRule";
export {
    AlarmTopic,
    type AlarmTopicArgs,
    CHATBOT_API_REGION,
    SlackChannel,
    type SlackChannelArgs,
} from "./alerting/notifications";
export { Dashboard, type DashboardArgs, RegionInsights, type RegionInsightsArgs } from "./insights/monitoring";
export {
    type DashboardRegion,
    type DashboardVpc,
    type InsightsQuery,
    logsInsightsQueries,
} from "./insights/definitions";

// Alert rules and what they match.
export {
    type AlertRule,
    BASELINE_REJECT_RULE,
    DEFAULT_RULES,
    effectiveRules,
    RESERVED_RULE_NAMES,
    type RuleSources,
    SKIPDATA_RULE,
} from "./alerting/rules";
export {
    FlowAction,
    type FlowMatch,
    LogStatus,
    MAX_FILTER_PATTERN_LENGTH,
    type PortMatch,
    PROTOCOL_NUMBERS,
    type ProtocolName,
    protocolNumber,
    renderPattern,
    validateFlowMatch,
} from "../flowlogs";
export { DEFAULT_FORMAT_FIELDS, type FlowLogField } from "../flowlogs/fields";

// Defaults, AWS's limits, physical names, the lake's layout and queries.
export {
    ALARM_AGGREGATION_SECONDS,
    ALARM_LOG_FIELDS,
    CloudWatchTrafficType,
    DEFAULTS,
    LAKE_AGGREGATION_SECONDS,
    LAKE_LOG_FIELDS,
    RULE_DEFAULTS,
} from "./defaults";
export * from "./awsLimits";
export * from "./naming";
export { ADMIN_PORTS, NAMED_QUERIES, type NamedQuery } from "./lake/queries";
export { FLOW_LOG_PREFIX, FLOW_LOG_TABLE, flowLogDestination, regionKeyPrefix, tableLocation } from "./lake/layout";

// Argument checks, for a caller that wants every problem before declaring anything.
export {
    alarmTopicProblems,
    alertingRuleProblems,
    alertRuleProblems,
    analyticsLakeProblems,
    type ArgProblem,
    formatArgProblems,
    monitoredVpcProblems,
    slackChannelProblems,
    vpcFlowMonitorProblems,
} from "./validation";
export { isInputPropertiesError } from "./invalidArgs";
