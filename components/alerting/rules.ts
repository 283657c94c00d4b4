/**
 * Alerting rules as typed data, and which rules each VPC ends up with.
 *
 * A rule counts the flow log records its match selects in the VPC's CloudWatch log group and
 * alarms when the sum over a period reaches a threshold (CloudWatch: Sum >= threshold).
 */
import { AGGREGATE_FILTERS } from "../naming";
import { FlowAction, FlowMatch, LogStatus, PROTOCOL_NUMBERS } from "../../flowlogs";
import { ContributorKey, ContributorStatistic } from "./contributorRule";

export interface AlertRule {
    /** kebab-case, unique per VPC; part of the alarm and metric names. */
    readonly name: string;
    readonly match: FlowMatch;
    /** Alarm when the number of matching records in one period reaches this. */
    readonly threshold: number;
    readonly periodSeconds: number;
    readonly evaluationPeriods: number;
    readonly description?: string;
    /**
     * Count per value of this field instead of over the whole log group: a Contributor Insights
     * rule keyed by it, and an alarm on its busiest key (or on the number of distinct keys).
     * @default not per key: a metric filter counts every matching record
     */
    readonly by?: ContributorKey;
    /**
     * With `by`: what reaches `threshold`.
     * @default "maxContributorValue" (one key's record count)
     */
    readonly statistic?: ContributorStatistic;
}

/** A rule that counts the whole log group through a metric filter (no `by`): what the REJECT baseline is. */
export function isThresholdRule(rule: AlertRule): boolean {
    return rule.by === undefined;
}

/**
 * Names a rule may not take: the aggregate metric filters are named `<vpc>-rejected-packets` and
 * `<vpc>-flow-records` in the same log group as `<vpc>-<rule>`, and PutMetricFilter would silently
 * overwrite one with the other.
 */
export const RESERVED_RULE_NAMES: readonly string[] = Object.values(AGGREGATE_FILTERS);

/** The classic tutorial alarm: 3 rejected attempts within 5 minutes. */
const FIVE_MINUTES = 300;

/** Counts every REJECT record. The policy pack demands a REJECT alarm on every VPC; this is it unless replaced. */
export const BASELINE_REJECT_RULE: AlertRule = {
    name: "reject-any",
    match: { action: FlowAction.REJECT },
    // An internet-facing VPC sees a rejected packet every few seconds; 50 in 5 minutes is a burst worth a look.
    threshold: 50,
    periodSeconds: FIVE_MINUTES,
    evaluationPeriods: 1,
    description: "A burst of rejected traffic (any source, port and protocol)",
};

/** The flow log dropped records (capacity or an internal error): the alarms may be blind. */
export const SKIPDATA_RULE: AlertRule = {
    name: "flow-log-skipdata",
    match: { logStatus: LogStatus.SKIPDATA },
    threshold: 1,
    periodSeconds: FIVE_MINUTES,
    evaluationPeriods: 1,
    description: "The flow log skipped records during an aggregation interval",
};

export const DEFAULT_RULES: readonly AlertRule[] = [
    BASELINE_REJECT_RULE,
    {
        name: "ssh-rejected",
        match: { action: FlowAction.REJECT, protocol: PROTOCOL_NUMBERS.tcp, dstPort: 22 },
        threshold: 3,
        periodSeconds: FIVE_MINUTES,
        evaluationPeriods: 1,
        description: "Rejected SSH (TCP 22) connection attempts",
    },
    {
        name: "rdp-rejected",
        match: { action: FlowAction.REJECT, protocol: PROTOCOL_NUMBERS.tcp, dstPort: 3389 },
        threshold: 3,
        periodSeconds: FIVE_MINUTES,
        evaluationPeriods: 1,
        description: "Rejected RDP (TCP 3389) connection attempts",
    },
];

export interface RuleSources {
    /** `alerts.defaultRules`: reject-any, ssh-rejected and rdp-rejected. */
    readonly defaultRules: boolean;
    /** `alerts.rules`: for every VPC of the stack. */
    readonly stackRules: readonly AlertRule[];
    /** `regions[].vpcs[].rules`: for this VPC only. */
    readonly vpcRules: readonly AlertRule[];
}

/**
 * The rules one VPC gets, in order: defaults, the stack's rules, the VPC's own. A later rule with
 * the same name replaces an earlier one (so `reject-any` can be retuned). If no rule counts REJECT
 * records, the baseline is added anyway; the SKIPDATA alarm is always there.
 */
export function effectiveRules(sources: RuleSources): AlertRule[] {
    const byName = new Map<string, AlertRule>();
    const add = (rule: AlertRule) => {
        byName.delete(rule.name); // re-insert so the replacing rule takes its own position
        byName.set(rule.name, rule);
    };
    if (sources.defaultRules) DEFAULT_RULES.forEach(add);
    sources.stackRules.forEach(add);
    sources.vpcRules.forEach(add);
    const rules = [...byName.values()];
    // Only a metric-filter rule stands in for the baseline: the policy pack links REJECT alarms through a filter.
    if (!rules.some((rule) => isThresholdRule(rule) && rule.match.action === FlowAction.REJECT))
        rules.unshift(BASELINE_REJECT_RULE);
    if (!byName.has(SKIPDATA_RULE.name)) rules.push(SKIPDATA_RULE);
    return rules;
}
