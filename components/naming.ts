/**
 * Physical names of the resources AWS addresses by name. Logical (Pulumi) names are `${name}-...`
 * inside each component; these are what users see in the console and type into queries.
 *
 * Every name is valid for every stack name Pulumi accepts (PULUMI_STACK_NAME; awsLimits.ts NAME_RULES
 * says what each service accepts, and a test holds every name here to it for the longest and oddest
 * stack names), and two stacks never share a name: where a service allows fewer characters than a
 * stack name may hold (Glue: a-z, 0-9 and _; SNS, dashboards, Chatbot: no `.`), the stack part is
 * cleaned and a short hash of the real stack name is appended. Only stacks that need it get the
 * hash, so today's names (dev, staging, prod) stay as they are.
 */
import { createHash } from "crypto";
import { NAME_RULES } from "./awsLimits";

const PREFIX = "vpc-flow-monitor";

/**
 * Pulumi's rule for stack names (the CLI and Pulumi Cloud refuse any other): 1 to 100 characters
 * of letters, digits, `-`, `_` and `.`.
 */
export const PULUMI_STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
export const ALLOWED_STACK_NAME = "1 to 100 characters of letters, digits, -, _ and . (Pulumi's rule for stack names)";

/** What is wrong with a stack name, or undefined when Pulumi (and so every name here) accepts it. */
export function stackNameProblem(stack: string): string | undefined {
    if (PULUMI_STACK_NAME.test(stack)) return undefined;
    return `not a stack name; given ${JSON.stringify(stack)}. Allowed: ${ALLOWED_STACK_NAME}`;
}

/** 8 hex digits of SHA-256: enough that two stacks of one organisation never meet by accident. */
export function shortHash(text: string): string {
    return createHash("sha256").update(text).digest("hex").slice(0, 8);
}

/**
 * The stack as it appears inside a name that allows only the characters `keep` matches in full:
 * unchanged when it already fits, else cleaned by `clean` with `separator` and the stack's hash appended
 * (the cleaned form alone would let `dev-eu` and `dev_eu`, or `Dev` and `dev`, meet).
 */
function stackPart(stack: string, keep: RegExp, clean: (stack: string) => string, separator: string): string {
    return keep.test(stack) ? stack : `${clean(stack)}${separator}${shortHash(stack)}`;
}

/**
 * SNS topics, dashboards and Chatbot configurations take letters, digits, `-` and `_` only: `dev.eu`
 * becomes `dev-eu-<hash>`. Keeping every other stack name as it is means a stack deliberately named
 * `dev-eu-<that hash>` would meet it; nobody names a stack so by accident.
 */
function withoutDots(stack: string): string {
    return stackPart(stack, /^[A-Za-z0-9_-]+$/, (s) => s.replace(/[^A-Za-z0-9_-]/g, "-"), "-");
}

/**
 * `name` when it fits in `max` characters, else cut and tagged with the hash of the whole name, so
 * two long names that share their first characters stay apart.
 */
function fitted(name: string, max: number, suffix = ""): string {
    if (name.length + suffix.length <= max) return `${name}${suffix}`;
    const hash = `-${shortHash(name)}`;
    return `${name.slice(0, max - suffix.length - hash.length)}${hash}${suffix}`;
}

/** The CloudWatch log group a VPC's alarm flow log writes to; one prefix per stack for Contributor Insights and dashboards. */
export function alarmLogGroupName(stack: string, vpcName: string): string {
    return `${logGroupPrefix(stack)}${vpcName}`;
}

/** Log group names allow letters, digits, `.`, `-`, `_`, `/` and `#`: every stack name fits. */
export function logGroupPrefix(stack: string): string {
    return `/${PREFIX}/${stack}/`;
}

/**
 * Glue (and Athena) database names allow lower-case letters, digits and underscores only. A stack
 * name of lower-case letters and digits is used as it is; any other (`dev-eu`, `dev_eu`, `Dev`,
 * `dev.eu`) is lower-cased with `_` for every other character and gets its hash, so no two stacks
 * share a database.
 */
export function glueDatabaseName(stack: string): string {
    const part = stackPart(stack, /^[a-z0-9]+$/, (s) => s.toLowerCase().replace(/[^a-z0-9]/g, "_"), "_");
    return `vpc_flow_monitor_${part}`;
}

/** Athena workgroup names allow letters, digits, `.`, `-` and `_`, up to 128: every stack name fits. */
export function athenaWorkgroupName(stack: string): string {
    return `${PREFIX}-${stack}`;
}

/** The region's alarm topic. */
export function alarmTopicName(stack: string): string {
    return `${PREFIX}-${withoutDots(stack)}-alarms`;
}

/** What email notifications show as the sender; SNS caps it at 100 characters. */
export function alarmTopicDisplayName(stack: string, region: string): string {
    const name = `${PREFIX} ${stack} ${region}`;
    // A display name, not an identifier: cutting it is harmless.
    return name.slice(0, NAME_RULES.snsTopicDisplayName.maxLength);
}

export function dashboardName(stack: string): string {
    return `${PREFIX}-${withoutDots(stack)}`;
}

/** Chatbot configuration names are unique per account (configurations are global). */
export function chatbotConfigurationName(stack: string): string {
    return `${PREFIX}-${withoutDots(stack)}`;
}

/**
 * A Contributor Insights rule of the stack (`key` such as top-rejected-sources). The only name here
 * a long stack name can overflow (128 characters; stacks of more than 90 characters get cut and hashed).
 */
export function contributorInsightRuleName(stack: string, key: string): string {
    return fitted(`${PREFIX}-${stack}`, NAME_RULES.contributorInsightRule.maxLength, `-${key}`);
}

/** A saved Logs Insights query; the slash makes a folder in the console's saved-queries list. */
export function queryDefinitionName(stack: string, query: string): string {
    return `${PREFIX}/${stack}/${query}`;
}

/** CloudWatch metric namespace of one VPC's flow log metrics. */
export function metricNamespace(stack: string, vpcName: string): string {
    return `VpcFlowMonitor/${stack}/${vpcName}`;
}

/** Alarm names are unique per account and region; the stack and VPC make them so. */
export function alarmName(stack: string, vpcName: string, ruleName: string): string {
    return `${PREFIX}-${stack}-${vpcName}-${ruleName}`;
}

/** Metric filter names are unique per log group, and each VPC has its own log group. */
export function metricFilterName(vpcName: string, filter: string): string {
    return `${vpcName}-${filter}`;
}

/** Metric names of the aggregate (non-alarm) metric filters. */
export const AGGREGATE_METRICS = {
    /** Sum of packets of REJECT records, dimension Protocol: replaces the Kinesis Data Analytics job of hand-built pipelines. */
    rejectedPackets: "RejectedPackets",
    /** Records per action (ACCEPT appears only when the CloudWatch flow log captures ALL traffic). */
    flowRecords: "FlowRecords",
} as const;

/**
 * The aggregate metric filters every alerting VPC's log group gets besides one filter per rule,
 * by the name they take after the VPC's (`<vpc>-rejected-packets`). They share the log group's
 * 100 filters with the rules, and no rule may take their names.
 */
export const AGGREGATE_FILTERS = {
    rejectedPackets: "rejected-packets",
    flowRecords: "flow-records",
} as const satisfies Record<keyof typeof AGGREGATE_METRICS, string>;
