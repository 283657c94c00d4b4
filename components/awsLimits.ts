/**
 * What AWS accepts, as the library checks it before anything is sent: a value outside these fails
 * at `pulumi preview` with a message naming the property, not minutes into `pulumi up`.
 */

/** The retention values CloudWatch Logs accepts (PutRetentionPolicy); 0 "never expire" is not offered. */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** VPC CIDR prefix lengths: AWS allows /16 to /28, but awsx carves public and private subnets in two AZs out of it. */
export const VPC_PREFIX_MIN = 16;
export const VPC_PREFIX_MAX = 24;
/** S3 refuses a STANDARD_IA transition earlier than 30 days after creation. */
export const MIN_IA_TRANSITION_DAYS = 30;
/** Upper bound for the lake's lifecycle day counts: a hundred years. */
export const MAX_LIFECYCLE_DAYS = 36500;
/** Athena's per-query scan cutoff offered here, in GiB. */
export const MIN_BYTES_SCANNED_CUTOFF_GB = 1;
export const MAX_BYTES_SCANNED_CUTOFF_GB = 1024;

/** The longest alarm period offered here: one day (the console's longest; metric filter metrics are per-minute). */
export const MAX_ALARM_PERIOD_SECONDS = 86400;
/**
 * PutMetricAlarm: "Period multiplied by EvaluationPeriods can't be more than 604,800 seconds. For
 * alarms with a period of less than one hour (3,600 seconds), the total evaluation period can't be
 * longer than one day (86,400 seconds)."
 */
export const MAX_ALARM_WINDOW_SECONDS = 604800;
export const MAX_SHORT_PERIOD_ALARM_WINDOW_SECONDS = 86400;
const ONE_HOUR = 3600;

/** The longest look-back CloudWatch accepts for an alarm of this period. */
export function maxAlarmWindowSeconds(periodSeconds: number): number {
    return periodSeconds < ONE_HOUR ? MAX_SHORT_PERIOD_ALARM_WINDOW_SECONDS : MAX_ALARM_WINDOW_SECONDS;
}

/**
 * PutMetricFilter: "The maximum number of metric filters that can be associated with a log group is
 * 100." A VPC's log group holds one filter per alerting rule plus the aggregate filters.
 */
export const MAX_METRIC_FILTERS_PER_LOG_GROUP = 100;

/**
 * What each service accepts as a name (the API references' length constraints and patterns), for the
 * names components/naming.ts builds from a stack name.
 */
export const NAME_RULES = {
    /** Glue CreateDatabase 1–255; Athena reads only lower-case letters, digits and `_` in database names. */
    glueDatabase: { maxLength: 255, pattern: /^[a-z0-9_]+$/ },
    /** Athena CreateWorkGroup: `[a-zA-Z0-9._-]{1,128}`. */
    athenaWorkgroup: { maxLength: 128, pattern: /^[A-Za-z0-9._-]+$/ },
    /** SNS CreateTopic: letters, digits, `_` and `-`, 1–256. */
    snsTopic: { maxLength: 256, pattern: /^[A-Za-z0-9_-]+$/ },
    /** SNS topic DisplayName: at most 100 characters. */
    snsTopicDisplayName: { maxLength: 100, pattern: /^[\x20-\x7e]+$/ },
    /** PutDashboard: letters, digits, `-` and `_`, up to 255. */
    dashboard: { maxLength: 255, pattern: /^[A-Za-z0-9_-]+$/ },
    /** Chatbot CreateSlackChannelConfiguration: `[A-Za-z0-9-_]+`, 1–128. */
    chatbotConfiguration: { maxLength: 128, pattern: /^[A-Za-z0-9_-]+$/ },
    /** PutInsightRule: `[\x20-\x7E]+`, 1–128. */
    contributorInsightRule: { maxLength: 128, pattern: /^[\x20-\x7e]+$/ },
    /** CreateLogGroup: `[\.\-_/#A-Za-z0-9]+`, 1–512. */
    logGroup: { maxLength: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/ },
    /** PutMetricAlarm AlarmName: 1–255 characters. */
    alarm: { maxLength: 255, pattern: /^[\x20-\x7e]+$/ },
    /** PutMetricFilter: 1–512 characters without `:` or `*`. */
    metricFilter: { maxLength: 512, pattern: /^[^:*]+$/ },
    /** PutMetricData Namespace: 1–255 characters, not starting with `:`. */
    metricNamespace: { maxLength: 255, pattern: /^[^:][\x20-\x7e]*$/ },
    /** PutQueryDefinition Name: 1–255 characters. */
    queryDefinition: { maxLength: 255, pattern: /^[\x20-\x7e]+$/ },
} as const satisfies Record<string, { readonly maxLength: number; readonly pattern: RegExp }>;
