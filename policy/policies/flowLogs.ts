/**
 * Stack policies on VPCs and the flow logs that watch them: every VPC has flow logs, and a REJECT
 * alarm someone hears; flow logs that feed alarms aggregate over 60 s.
 *
 * Stack policies get every resource's OUTPUTS, with parent and (property) dependencies; all
 * linking goes through ../links.ts, which decides by value or by dependency (preview).
 */
import type { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { StackGraph } from "../graph";
import {
    LogGroupRef,
    alarmActionsOf,
    alarmsOn,
    destinationType,
    filterSelects,
    filtersOn,
    flowLogsByVpc,
    logGroupOfFlowLog,
    metricOfFilter,
    trafficType,
} from "../links";
import { DestinationType, TYPES, TrafficType } from "../types";
import { UNKNOWN, readNumber, readString, show } from "../values";

export interface VpcFlowLogsConfig {
    /** Traffic types that count as "flow logs on": a flow log of any of them satisfies the policy. */
    readonly trafficTypes?: readonly string[];
    /** VPCs this policy does not apply to: resource names, URNs or VPC ids. */
    readonly exemptVpcs?: readonly string[];
}

export interface RejectAlarmConfig {
    /** VPCs this policy does not apply to: resource names, URNs or VPC ids. */
    readonly exemptVpcs?: readonly string[];
}

export interface AggregationConfig {
    /** The aggregation interval flow logs feeding an alarm must use, in seconds (AWS allows 60 or 600). */
    readonly maxAggregationIntervalSeconds?: number;
}

const EXEMPT_VPCS_SCHEMA = {
    type: "array",
    items: { type: "string" },
    default: [],
    description: "VPCs the policy does not apply to: resource names, URNs or VPC ids.",
} as const;

/** Flow logs capturing REJECT or ALL traffic (Security Hub EC2.6, CIS 3.7: "REJECT or ALL"). */
export const DEFAULT_TRAFFIC_TYPES: readonly string[] = [TrafficType.REJECT, TrafficType.ALL];

export const vpcFlowLogsRequired: StackValidationPolicy = {
    name: "vpc-flow-logs-required",
    description: "Every VPC in the stack has a flow log capturing REJECT or ALL traffic.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            trafficTypes: {
                type: "array",
                items: { type: "string", enum: [TrafficType.ALL, TrafficType.REJECT, TrafficType.ACCEPT] },
                minItems: 1,
                default: [...DEFAULT_TRAFFIC_TYPES],
                description: "Traffic types a flow log must capture to count.",
            },
            exemptVpcs: EXEMPT_VPCS_SCHEMA,
        },
    },
    validateStack: (args: StackValidationArgs, reportViolation) => {
        const config = args.getConfig<VpcFlowLogsConfig>();
        const wanted = new Set(config.trafficTypes ?? DEFAULT_TRAFFIC_TYPES);
        const graph = StackGraph.of(args.resources);
        const flowLogs = flowLogsByVpc(graph);
        for (const vpc of graph.ofType(TYPES.Vpc)) {
            if (isExempt(vpc, config.exemptVpcs)) continue;
            const own = flowLogs.get(vpc.urn) ?? [];
            const captures = own.some((flowLog) => {
                const traffic = trafficType(graph, flowLog);
                // Unknown during preview: decided at `pulumi up`, where the engine runs this policy again.
                return traffic === UNKNOWN || (traffic !== undefined && wanted.has(traffic));
            });
            if (captures) continue;
            const detail =
                own.length === 0
                    ? "no flow log refers to it"
                    : `its flow logs capture other traffic only: ${own.map((f) => `"${f.name}" (${show(readString(f.props, "trafficType"))})`).join(", ")}`;
            reportViolation(
                `VPC ${graph.label(vpc)} has no flow log capturing ${[...wanted].join(" or ")} traffic: ${detail}.`,
                vpc.urn,
            );
        }
    },
};

export const vpcRejectAlarmRequired: StackValidationPolicy = {
    name: "vpc-reject-alarm-required",
    description:
        "Every VPC in the stack has a REJECT alarm: a flow log into a CloudWatch log group, a metric filter on that group whose pattern selects REJECT records, and a metric alarm on that filter's metric with at least one alarm action.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { exemptVpcs: EXEMPT_VPCS_SCHEMA } },
    validateStack: (args: StackValidationArgs, reportViolation) => {
        const config = args.getConfig<RejectAlarmConfig>();
        const graph = StackGraph.of(args.resources);
        for (const vpc of graph.ofType(TYPES.Vpc)) {
            if (isExempt(vpc, config.exemptVpcs)) continue;
            const problem = rejectAlarmProblem(graph, vpc);
            if (problem) reportViolation(`VPC ${graph.label(vpc)} has no REJECT alarm: ${problem}.`, vpc.urn);
        }
    },
};

/**
 * Why a VPC has no working REJECT alarm, or undefined when it has one. Follows every candidate
 * chain and reports the one that got furthest, so the message names the link that is missing.
 */
export function rejectAlarmProblem(graph: StackGraph, vpc: PolicyResource): string | undefined {
    const flowLogs = flowLogsByVpc(graph).get(vpc.urn) ?? [];
    if (flowLogs.length === 0) return "no flow log refers to it";
    const toCloudWatch = flowLogs.filter((f) => {
        const destination = destinationType(graph, f);
        return destination === UNKNOWN || destination === DestinationType.CLOUDWATCH;
    });
    if (toCloudWatch.length === 0) {
        const where = flowLogs
            .map((f) => `"${f.name}" -> ${show(readString(f.props, "logDestinationType"))}`)
            .join(", ");
        return `its flow logs do not deliver to CloudWatch Logs (${where}); an alarm needs a flow log into a CloudWatch log group`;
    }
    const capturing = toCloudWatch.filter((f) => {
        const traffic = trafficType(graph, f);
        return traffic === UNKNOWN || traffic === TrafficType.REJECT || traffic === TrafficType.ALL;
    });
    if (capturing.length === 0) {
        const what = toCloudWatch
            .map((f) => `"${f.name}" captures ${show(readString(f.props, "trafficType"))}`)
            .join(", ");
        return `its CloudWatch flow logs capture no REJECT records (${what})`;
    }

    let best: { stage: number; message: string } = { stage: 0, message: "" };
    const note = (stage: number, message: string) => {
        if (stage > best.stage) best = { stage, message };
    };
    for (const flowLog of capturing) {
        const group = logGroupOfFlowLog(graph, flowLog);
        if (!group) {
            note(
                1,
                `the log group flow log "${flowLog.name}" delivers to cannot be told from ${JSON.stringify(readString(flowLog.props, "logDestination") ?? null)}`,
            );
            continue;
        }
        const filters = filtersOn(graph, group);
        if (filters.length === 0) {
            note(
                2,
                `no metric filter reads log group ${groupLabel(group)}, which flow log "${flowLog.name}" delivers to`,
            );
            continue;
        }
        const verdicts = filters.map((filter) => ({ filter, verdict: filterSelects(graph, filter, flowLog) }));
        const selecting = verdicts.filter((v) => v.verdict.selects).map((v) => v.filter);
        if (selecting.length === 0) {
            const reasons = verdicts
                .map((v) => `"${v.filter.name}": ${v.verdict.selects ? "" : v.verdict.reason}`)
                .join("; ");
            note(3, `no metric filter on log group ${groupLabel(group)} selects REJECT records (${reasons})`);
            continue;
        }
        for (const filter of selecting) {
            const alarms = alarmsOn(graph, filter);
            if (alarms.length === 0) {
                note(
                    4,
                    `metric filter "${filter.name}" on log group ${groupLabel(group)} selects REJECT records, but no metric alarm watches its metric ${metricLabel(graph, filter)}`,
                );
                continue;
            }
            for (const alarm of alarms) {
                const actions = alarmActionsOf(alarm.props);
                if (actions.has) return undefined;
                note(
                    5,
                    `metric alarm "${alarm.name}" watches the REJECT metric ${metricLabel(graph, filter)} of filter "${filter.name}", but ${actions.reason}`,
                );
            }
        }
    }
    return best.message;
}

export const alarmFlowLogAggregation: StackValidationPolicy = {
    name: "alarm-flow-log-aggregation",
    description:
        "Flow logs that feed a metric alarm aggregate over 60 seconds, so the alarm hears of rejected traffic within minutes, not ten.",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            maxAggregationIntervalSeconds: {
                type: "integer",
                enum: [60, 600],
                default: 60,
                description: "The longest aggregation interval allowed for a flow log whose records an alarm counts.",
            },
        },
    },
    validateStack: (args: StackValidationArgs, reportViolation) => {
        const limit = args.getConfig<AggregationConfig>().maxAggregationIntervalSeconds ?? 60;
        const graph = StackGraph.of(args.resources);
        for (const flowLog of graph.ofType(TYPES.FlowLog)) {
            const destination = destinationType(graph, flowLog);
            if (destination !== DestinationType.CLOUDWATCH) continue;
            const group = logGroupOfFlowLog(graph, flowLog);
            if (!group) continue;
            const alarm = filtersOn(graph, group).flatMap((filter) => alarmsOn(graph, filter))[0];
            if (!alarm) continue;
            const interval = readNumber(flowLog.props, "maxAggregationInterval");
            if (interval === UNKNOWN) continue;
            // AWS's default is 600 s.
            const effective = interval ?? 600;
            if (effective > limit) {
                const given = interval === undefined ? "not set (AWS default 600 s)" : `${interval} s`;
                reportViolation(
                    `Flow log "${flowLog.name}" feeds alarm "${alarm.name}" through log group ${groupLabel(group)} but aggregates over ${given}; set maxAggregationInterval to ${limit}.`,
                    flowLog.urn,
                );
            }
        }
    },
};

function isExempt(vpc: PolicyResource, exempt: readonly string[] | undefined): boolean {
    if (!exempt || exempt.length === 0) return false;
    const id = readString(vpc.props, "id");
    return exempt.includes(vpc.name) || exempt.includes(vpc.urn) || (typeof id === "string" && exempt.includes(id));
}

function groupLabel(group: LogGroupRef): string {
    if (group.name) return JSON.stringify(group.name);
    return group.resource ? `"${group.resource.name}"` : "(unknown)";
}

function metricLabel(graph: StackGraph, filter: PolicyResource): string {
    const { namespace, name } = metricOfFilter(graph, filter);
    return `${JSON.stringify(show(name))} (namespace ${JSON.stringify(show(namespace))})`;
}
