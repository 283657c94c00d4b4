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
    alarmsOn,
    destinationType,
    filtersOn,
    flowLogsByVpc,
    logGroupOfFlowLog,
    trafficType,
} from "../links";
import { DestinationType, TYPES, TrafficType } from "../types";
import { UNKNOWN, readNumber, readString, show } from "../values";
import { rejectAlarmVerdict } from "../rejectAlarm";
import { VPC_TYPES } from "../types";

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
        for (const vpc of graph.ofType(...VPC_TYPES)) {
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
            const id = readString(vpc.props, "id");
            reportViolation(
                `VPC ${vpcLabel(graph, vpc)} has no flow log capturing ${[...wanted].join(" or ")} traffic: ${detail}; add a flow log (aws.ec2.FlowLog) with vpcId ${typeof id === "string" ? id : `the id of "${vpc.name}"`} and trafficType ${[...wanted].join(" or ")}.`,
                vpc.urn,
            );
        }
    },
};

/**
 * Every VPC the REJECT-alarm policies judge (not exempted by their config), with its verdict: the
 * one walk both vpc-reject-alarm-required (the "missing" verdicts) and vpc-reject-alarm-verifiable
 * (the "unjudged" ones) report from.
 */
function rejectAlarmVerdicts(args: StackValidationArgs) {
    const config = args.getConfig<RejectAlarmConfig>();
    const graph = StackGraph.of(args.resources);
    return graph
        .ofType(...VPC_TYPES)
        .filter((vpc) => !isExempt(vpc, config.exemptVpcs))
        .map((vpc) => ({ graph, vpc, verdict: rejectAlarmVerdict(graph, vpc) }));
}

export const vpcRejectAlarmRequired: StackValidationPolicy = {
    name: "vpc-reject-alarm-required",
    description:
        "Every VPC in the stack has a REJECT alarm a rejected packet can set off: a flow log into a CloudWatch log group, a metric filter on that group whose pattern can match a REJECT record of the format delivered and matches no other, and a metric alarm on exactly that metric whose comparison can hold, with an action that reaches a person.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { exemptVpcs: EXEMPT_VPCS_SCHEMA } },
    validateStack: (args: StackValidationArgs, reportViolation) => {
        for (const { graph, vpc, verdict } of rejectAlarmVerdicts(args)) {
            if (verdict.status === "missing")
                reportViolation(
                    `VPC ${vpcLabel(graph, vpc)} has no REJECT alarm: ${verdict.problem}; ${verdict.fix}.`,
                    vpc.urn,
                );
        }
    },
};

export const vpcRejectAlarmVerifiable: StackValidationPolicy = {
    name: "vpc-reject-alarm-verifiable",
    description:
        "Every VPC's REJECT alarm can be judged from the values the pack sees: none of the values it depends on is an encrypted secret or left unknown in the stack's state.",
    enforcementLevel: "advisory",
    configSchema: { properties: { exemptVpcs: EXEMPT_VPCS_SCHEMA } },
    validateStack: (args: StackValidationArgs, reportViolation) => {
        for (const { graph, vpc, verdict } of rejectAlarmVerdicts(args)) {
            if (verdict.status === "unjudged")
                reportViolation(
                    `VPC ${vpcLabel(graph, vpc)}: whether a rejected packet reaches anyone could not be judged: ${verdict.reasons.join("; ")}. vpc-reject-alarm-required let it pass.`,
                    vpc.urn,
                );
        }
    },
};

/**
 * Why a VPC has no working REJECT alarm, or undefined when it has one (or it cannot be judged).
 * Follows every candidate chain and reports the one that got furthest, with what to add.
 */
export function rejectAlarmProblem(graph: StackGraph, vpc: PolicyResource): string | undefined {
    const verdict = rejectAlarmVerdict(graph, vpc);
    return verdict.status === "missing" ? `${verdict.problem}; ${verdict.fix}` : undefined;
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

/** `"web-vpc" (vpc-0abc, account 111122223333, us-east-1)`: what is known of the VPC and where it is. */
function vpcLabel(graph: StackGraph, vpc: PolicyResource): string {
    const id = readString(vpc.props, "id");
    const parts = [
        typeof id === "string" && id !== "" && id !== vpc.name ? id : undefined,
        graph.placement(vpc),
    ].filter(Boolean);
    return parts.length > 0 ? `"${vpc.name}" (${parts.join(", ")})` : `"${vpc.name}"`;
}
