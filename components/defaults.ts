/**
 * Every default the library applies, once. Components take optional args and fill them from here
 * with `??`; the stack config documents the same values because it reads them from here too.
 */
import { DEFAULT_FORMAT_FIELDS, fieldNamed, FlowLogField, NON_ECS_FIELDS } from "../flowlogs/fields";

/** What the CloudWatch Logs flow log captures. ACCEPT alone would hide the records the alarms need. */
export const CloudWatchTrafficType = { REJECT: "REJECT", ALL: "ALL" } as const;
export type CloudWatchTrafficType = (typeof CloudWatchTrafficType)[keyof typeof CloudWatchTrafficType];

export const DEFAULTS = {
    cloudWatchTrafficType: CloudWatchTrafficType.REJECT,
    logRetentionDays: 90,
    expireAfterDays: 400,
    transitionToInfrequentAccessDays: 30,
    bytesScannedCutoffGb: 10,
} as const;

/** An alerting rule's threshold, period and evaluation periods when the rule does not say. */
export const RULE_DEFAULTS = { threshold: 1, periodSeconds: 300, evaluationPeriods: 1 } as const;

/** The alarm flow log aggregates over 60 s (AWS allows 60 or 600) so alarms see records within minutes. */
export const ALARM_AGGREGATION_SECONDS = 60;
/** The lake needs no latency; 600 s aggregation makes fewer, larger records, which cost less. */
export const LAKE_AGGREGATION_SECONDS = 600;

/**
 * The CloudWatch format when nothing reads a record: the default version-2 format. The alarm flow
 * log's real format is derived from what reads it (components/alerting/cloudWatchFormat.ts).
 */
export const ALARM_LOG_FIELDS: readonly FlowLogField[] = DEFAULT_FORMAT_FIELDS;

/** `lake.fields`: a named choice, or an explicit list of field names. */
export const LakeFieldsChoice = { DEFAULT: "default", ALL: "all" } as const;
export type LakeFieldsChoice = (typeof LakeFieldsChoice)[keyof typeof LakeFieldsChoice] | readonly string[];

/**
 * The lake's default format: what the named queries and the local tools read, plus the cheap
 * enrichment. Delivery is billed per byte of record, so every field pays on every record:
 *
 * - left out, constant per object or partition: version (the record version follows the fields),
 *   account-id and region (the hive path carries both as partitions), vpc-id (one lake flow log
 *   per VPC: the object name carries the flow log id, which `lakeFlowLogId` maps to the VPC);
 * - left out, 19-24 B each and recoverable from the interface id through EC2: subnet-id,
 *   instance-id, az-id; and `end` (11 B; with a 600 s aggregation it is start + at most 600);
 * - kept, 1-3 B each: tcp-flags (SYN scans), traffic-path (which gateway egress took) and
 *   reject-reason (whether Block Public Access rejected it).
 *
 * README "Lake format" has the bytes per record and the price of each choice.
 */
export const LAKE_DEFAULT_FIELD_NAMES = [
    "interface-id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "action",
    "log-status",
    "tcp-flags",
    "traffic-path",
    "reject-reason",
] as const;

export const LAKE_DEFAULT_FIELDS: readonly FlowLogField[] = LAKE_DEFAULT_FIELD_NAMES.map(fieldNamed);
/** `all`: every field a flow log can be created with without ECS permissions. */
export const LAKE_ALL_FIELDS: readonly FlowLogField[] = NON_ECS_FIELDS;
/** The lake format when `lake.fields` is not given. */
export const LAKE_LOG_FIELDS: readonly FlowLogField[] = LAKE_DEFAULT_FIELDS;
