/**
 * Every default the library applies, once. Components take optional args and fill them from here
 * with `??`; the stack config documents the same values because it reads them from here too.
 */
import { DEFAULT_FORMAT_FIELDS, FlowLogField, LAKE_FORMAT_FIELDS } from "../flowlogs/fields";

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

/** The field lists each destination receives, from the one field table. */
export const ALARM_LOG_FIELDS: readonly FlowLogField[] = DEFAULT_FORMAT_FIELDS;
export const LAKE_LOG_FIELDS: readonly FlowLogField[] = LAKE_FORMAT_FIELDS;
