/**
 * From what a deployment creates to what AWS bills for it: quantities in each price's unit, for a
 * given traffic. No dollars here (estimate.ts applies the price table), so the quantities can be
 * checked on their own.
 *
 * Traffic is given as GB per VPC and month of ALL traffic in the default version-2 format, the
 * figure a user can read off an existing flow log, and a REJECT share. It becomes records (bytes of
 * a version-2 record, from the per-field model) and the records become bytes in each format the
 * plan configures, at each destination.
 */
import { Parser } from "node-sql-parser";
import { columnName, DEFAULT_FORMAT_FIELDS, FlowLogField } from "../../flowlogs/fields";
import { alignSlots, Operator, parsePattern, SlotKind } from "../../flowlogs";
import { AssumptionKey, PriceKey } from "./priceTable";
import { gzipTextBytesPerRecord, parquetBytesPerRecord, sizeOf, textBytesPerRecord } from "./recordSize";
import {
    AlarmSpec,
    Deployment,
    FlowLogSpec,
    InsightRuleSpec,
    LifecycleSpec,
    LogGroupSpec,
    MetricFilterSpec,
    TrafficType,
} from "./planModel";

export const GIB = 2 ** 30;
export const TIB = 2 ** 40;
/** Days in an average month: storage held for D days costs D / DAYS_PER_MONTH GB-months. */
export const DAYS_PER_MONTH = 365.25 / 12;
/** A log group or bucket that never expires keeps growing; it is priced at one year's accumulation. */
export const NO_EXPIRY_HORIZON_DAYS = 365;
/** S3's default: objects under 128 KB are not transitioned (`all_storage_classes_128K`). */
const DEFAULT_MIN_TRANSITION_BYTES = 128 * 1024;
/** Athena bills at least 10 MB per query. */
export const ATHENA_MIN_BYTES = 10 * 2 ** 20;
/** The window of a named query that names none. */
export const DEFAULT_QUERY_WINDOW_HOURS = 24;

export interface Traffic {
    /** GB (2^30 bytes) per VPC and month of ALL traffic in the default version-2 format. */
    readonly gbPerVpcMonth: number;
    /** Share of records that are REJECT, 0 to 1. */
    readonly rejectShare: number;
    /** How often each named Athena query runs in a month. */
    readonly queryRunsPerMonth: number;
}

export const DEFAULT_TRAFFIC: Traffic = { gbPerVpcMonth: 100, rejectShare: 0.1, queryRunsPerMonth: 30 };

export const ItemKind = { FIXED: "fixed", VARIABLE: "variable" } as const;
export type ItemKind = (typeof ItemKind)[keyof typeof ItemKind];

/** What a fixed item is there for: each VPC (its flow logs, filters, alarms), each region, or the stack once. */
export const Scope = { VPC: "vpc", REGION: "region", STACK: "stack" } as const;
export type Scope = (typeof Scope)[keyof typeof Scope];

export interface BillableItem {
    /** What is billed, as the table prints it. Items with the same text, price and scope are added up. */
    readonly item: string;
    readonly price: PriceKey;
    /** In the price's unit. */
    readonly quantity: number;
    /** Fixed: does not grow with traffic. Variable: proportional to traffic. */
    readonly kind: ItemKind;
    /** For fixed items: what they are there for. */
    readonly scope?: Scope;
    /** How the quantity was counted. */
    readonly detail?: string;
    /** Why the quantity itself (not the price) is an estimate, if it is. */
    readonly estimate?: string;
}

export type Assumptions = Readonly<Record<AssumptionKey, number>>;

/** Records per VPC and month for the given traffic. */
export function recordsPerVpcMonth(traffic: Traffic): number {
    return (traffic.gbPerVpcMonth * GIB) / textBytesPerRecord(DEFAULT_FORMAT_FIELDS);
}

/** The share of a VPC's records a flow log of `trafficType` captures. */
export function trafficShare(trafficType: TrafficType, rejectShare: number): number {
    return trafficType === TrafficType.ALL ? 1 : trafficType === TrafficType.REJECT ? rejectShare : 1 - rejectShare;
}

function actionsOf(trafficType: TrafficType): string[] {
    return trafficType === TrafficType.ALL ? ["ACCEPT", "REJECT"] : [trafficType];
}

export interface ItemsResult {
    readonly items: readonly BillableItem[];
    /** Things the estimate leaves out, or could not price, in words. */
    readonly notes: readonly string[];
}

/** Every billable item of a deployment at the given traffic. */
export function billableItems(deployment: Deployment, traffic: Traffic, assumptions: Assumptions): ItemsResult {
    const items: BillableItem[] = [];
    const notes: string[] = [];
    const records = recordsPerVpcMonth(traffic);
    const flowRecords = (f: FlowLogSpec) => records * trafficShare(f.trafficType, traffic.rejectShare);

    items.push(...alarmItems(deployment, assumptions));
    items.push(...metricItems(deployment, assumptions, notes));
    items.push(...insightItems(deployment, flowRecords, traffic.rejectShare, notes));
    if (deployment.dashboards > 0) {
        items.push({
            item: "CloudWatch dashboards",
            price: "dashboards",
            quantity: deployment.dashboards,
            kind: ItemKind.FIXED,
            scope: Scope.STACK,
            detail: `${deployment.dashboards} dashboard(s)`,
        });
    }
    items.push(...cloudWatchDeliveryItems(deployment, flowRecords, assumptions, notes));
    items.push(...s3DeliveryItems(deployment, flowRecords, assumptions, notes));
    items.push(...athenaItems(deployment, flowRecords, traffic, assumptions, notes));
    if (deployment.snsTopics > 0) {
        items.push({
            item: "SNS topics and email notifications",
            price: "snsEmailNotifications",
            quantity: 0,
            kind: ItemKind.FIXED,
            scope: Scope.REGION,
            detail: `${deployment.snsTopics} topic(s), ${deployment.emailSubscriptions} email subscription(s); alarm notifications stay within the 1,000 free emails a month`,
        });
    }
    if (deployment.glueObjects > 0) {
        items.push({
            item: "Glue Data Catalog objects",
            price: "glueCatalogObjects",
            quantity: deployment.glueObjects / 100_000,
            kind: ItemKind.FIXED,
            scope: Scope.STACK,
            detail: `${deployment.glueObjects} object(s) (databases and tables; partition projection stores no partitions)`,
        });
    }
    for (const f of deployment.flowLogs) {
        if (f.destination.kind === "kinesis-data-firehose")
            notes.push(`flow log ${f.name} delivers to Kinesis Data Firehose: the stream's own charges are not priced`);
    }
    if (deployment.flowLogs.length > 0) {
        notes.push(
            "flow log delivery is assumed to be billed on the records' size as text in the configured format (AWS does not say so; a day of Cost Explorer usage settles it)",
        );
    }
    return { items, notes };
}

// ---------------------------------------------------------------------------------------------
// CloudWatch: alarms, metrics, Contributor Insights

/** The CloudWatch flow logs of each log group, keyed `region|name`: looked up per filter and rule. */
const feedingIndex = new WeakMap<Deployment, Map<string, FlowLogSpec[]>>();

function flowLogsInto(deployment: Deployment, region: string, logGroupName: string): FlowLogSpec[] {
    let index = feedingIndex.get(deployment);
    if (!index) {
        index = new Map();
        for (const f of deployment.flowLogs) {
            if (f.destination.kind !== "cloud-watch-logs") continue;
            const key = `${f.region}|${f.destination.logGroupName}`;
            index.set(key, [...(index.get(key) ?? []), f]);
        }
        feedingIndex.set(deployment, index);
    }
    return index.get(`${region}|${logGroupName}`) ?? [];
}

/** A metric filter serves a VPC when a flow log delivers into its log group; otherwise its region. */
function filterScope(deployment: Deployment, filter: MetricFilterSpec): Scope {
    return flowLogsInto(deployment, filter.region, filter.logGroupName).length > 0 ? Scope.VPC : Scope.REGION;
}

/** An alarm serves what the metric filter it reads serves; an alarm on other metrics, its region. */
function alarmScopes(deployment: Deployment): (alarm: AlarmSpec) => Scope {
    const vpcMetrics = new Set(
        deployment.metricFilters
            .filter((f) => filterScope(deployment, f) === Scope.VPC)
            .map((f) => `${f.region}|${f.namespace}|${f.metricName}`),
    );
    return (alarm) => (alarm.reads.some((m) => vpcMetrics.has(`${alarm.region}|${m}`)) ? Scope.VPC : Scope.REGION);
}

function alarmItems(deployment: Deployment, assumptions: Assumptions): BillableItem[] {
    const items: BillableItem[] = [];
    const metric = deployment.alarms.filter((a) => a.kind === "metric");
    const billed = (a: AlarmSpec) => a.metrics * (a.anomalyDetection ? assumptions.alarmMetricsPerAnomalyBand : 1);
    const alarmScope = alarmScopes(deployment);
    for (const [highResolution, price, label] of [
        [false, "standardAlarmMetrics", "CloudWatch alarms, standard resolution"],
        [true, "highResolutionAlarmMetrics", "CloudWatch alarms, high resolution"],
    ] as const) {
        for (const scope of [Scope.VPC, Scope.REGION]) {
            const alarms = metric.filter((a) => a.highResolution === highResolution && alarmScope(a) === scope);
            if (alarms.length === 0) continue;
            const quantity = alarms.reduce((n, a) => n + billed(a), 0);
            const math = alarms.filter((a) => a.metrics > 1 && !a.anomalyDetection).length;
            const anomaly = alarms.filter((a) => a.anomalyDetection).length;
            const parts = [`${alarms.length} alarm(s) reading ${quantity} metric(s)`];
            if (math) parts.push(`${math} metric-math alarm(s) priced per metric read`);
            if (anomaly)
                parts.push(
                    `${anomaly} anomaly detection alarm(s) priced as ${assumptions.alarmMetricsPerAnomalyBand} metrics each`,
                );
            items.push({ item: label, price, quantity, kind: ItemKind.FIXED, scope, detail: parts.join("; ") });
        }
    }
    const composite = deployment.alarms.filter((a) => a.kind === "composite").length;
    if (composite) {
        items.push({
            item: "CloudWatch composite alarms",
            price: "compositeAlarms",
            quantity: composite,
            kind: ItemKind.FIXED,
            scope: Scope.REGION,
            detail: `${composite} alarm(s)`,
        });
    }
    return items;
}

/**
 * Distinct values a dimension can take, by the flow log field it reads: an estimate, stated as
 * such. CloudWatch stops a filter at 1,000 dimension value combinations, the bound for any field
 * not listed.
 */
export const DIMENSION_CARDINALITY: Readonly<Record<string, number>> = {
    protocol: 3, // TCP, UDP, ICMP (ICMPv6 and others rarely)
    action: 2,
    "log-status": 3,
    type: 2, // IPv4, IPv6 (EFA rarely)
    "flow-direction": 2,
    "traffic-path": 8,
    "tcp-flags": 6,
    version: 1,
    "account-id": 1,
    "vpc-id": 1,
    region: 1,
    "az-id": 3,
    "sublocation-type": 3,
};
export const MAX_DIMENSION_COMBINATIONS = 1000;

function metricItems(deployment: Deployment, assumptions: Assumptions, notes: string[]): BillableItem[] {
    if (deployment.metricFilters.length === 0) return [];
    const metrics = new Map<string, { count: number; scope: Scope }>();
    const estimated = new Map<string, number>();
    for (const filter of deployment.metricFilters) {
        const feeding = flowLogsInto(deployment, filter.region, filter.logGroupName);
        const fields = feeding[0]?.fields ?? DEFAULT_FORMAT_FIELDS;
        const actions = new Set(feeding.flatMap((f) => actionsOf(f.trafficType)));
        let combinations = 1;
        for (const [dimension, value] of Object.entries(filter.dimensions)) {
            const { count, field } = dimensionCardinality(filter, value, fields, actions);
            combinations *= count;
            estimated.set(`${dimension} (${field ?? value})`, count);
        }
        // Filters publishing the same metric name and dimensions publish one metric between them.
        const key = [
            filter.region,
            filter.namespace,
            filter.metricName,
            Object.keys(filter.dimensions).sort().join(","),
        ].join("|");
        const count = Math.max(metrics.get(key)?.count ?? 0, Math.min(combinations, MAX_DIMENSION_COMBINATIONS));
        metrics.set(key, { count, scope: filterScope(deployment, filter) });
    }
    const hours = assumptions.hoursPerMonth;
    const dims = [...estimated.entries()].map(([d, n]) => `${d} ~${n}`).join(", ");
    if (dims)
        notes.push(
            `metric filter dimensions publish one metric per value; the values per dimension are estimated: ${dims}`,
        );
    notes.push(
        `custom metrics are priced for all ${hours} h of the month, an upper bound: CloudWatch bills a metric only for the hours it receives data, and a filter without a default value publishes only when a record matches`,
    );
    const items: BillableItem[] = [];
    for (const scope of [Scope.VPC, Scope.REGION]) {
        const count = [...metrics.values()].filter((m) => m.scope === scope).reduce((a, m) => a + m.count, 0);
        if (count === 0) continue;
        items.push({
            item: "Custom metrics from metric filters",
            price: "customMetrics",
            quantity: count,
            kind: ItemKind.FIXED,
            scope,
            detail: `${count} metric(s), ${hours} h a month each`,
            estimate: dims ? "dimension values estimated" : undefined,
        });
    }
    return items;
}

/** The values a dimension can take: bounded by the field, the filter's own conditions and, for `action`, the traffic captured. */
function dimensionCardinality(
    filter: MetricFilterSpec,
    value: string,
    fields: readonly FlowLogField[],
    actions: ReadonlySet<string>,
): { count: number; field?: string } {
    const column = value.replace(/^\$/, "");
    let field: FlowLogField | undefined;
    let fixedValues: Set<string> | undefined;
    try {
        const pattern = parsePattern(filter.pattern);
        const aligned = alignSlots(pattern.slots, fields.length);
        const index = aligned?.findIndex((slot) => slot.kind === SlotKind.FIELD && slot.name === column) ?? -1;
        if (aligned && index >= 0) {
            field = fields[index];
            const slot = aligned[index];
            // Every branch fixes the field to a plain value: the dimension takes only those values.
            if (slot.kind === SlotKind.FIELD && slot.anyOf) {
                const values = slot.anyOf.map(
                    (group) => group.find((c) => c.operator === Operator.EQ && !c.value.includes("*"))?.value,
                );
                if (values.every((v) => v !== undefined)) fixedValues = new Set(values as string[]);
            }
        }
    } catch {
        // An unparsable pattern matches nothing in CloudWatch either; fall back to the name.
    }
    field ??= fields.find((f) => columnName(f) === column);
    if (!field) return { count: MAX_DIMENSION_COMBINATIONS };
    let count = DIMENSION_CARDINALITY[field.name] ?? MAX_DIMENSION_COMBINATIONS;
    if (field.name === "action") count = Math.min(count, actions.size || count);
    if (fixedValues) count = Math.min(count, fixedValues.size);
    return { count, field: field.name };
}

function logGroupMatches(pattern: string, name: string): boolean {
    return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

function insightItems(
    deployment: Deployment,
    flowRecords: (f: FlowLogSpec) => number,
    rejectShare: number,
    notes: string[],
): BillableItem[] {
    const rules = deployment.insightRules.filter((r) => r.enabled);
    if (rules.length === 0) return [];
    let events = 0;
    for (const rule of rules) events += matchedEvents(rule, deployment, flowRecords, rejectShare, notes);
    return [
        {
            item: "Contributor Insights rules",
            price: "contributorInsightsRules",
            quantity: rules.length,
            kind: ItemKind.FIXED,
            scope: Scope.REGION,
            detail: `${rules.length} rule(s) in ${new Set(rules.map((r) => r.region)).size} region(s)`,
        },
        {
            item: "Contributor Insights matched log events",
            price: "contributorInsightsEvents",
            quantity: events / 1e6,
            kind: ItemKind.VARIABLE,
            detail: `${formatCount(events)} events a month: the records of the log groups each rule reads that pass its filters`,
        },
    ];
}

/** Events a rule matches in a month: every record of the log groups it reads that passes its filters. */
function matchedEvents(
    rule: InsightRuleSpec,
    deployment: Deployment,
    flowRecords: (f: FlowLogSpec) => number,
    rejectShare: number,
    notes: string[],
): number {
    let events = 0;
    for (const f of deployment.flowLogs) {
        if (f.region !== rule.region || f.destination.kind !== "cloud-watch-logs") continue;
        const group = f.destination.logGroupName;
        if (!rule.logGroupNames.some((p) => logGroupMatches(p, group))) continue;
        let share = 1;
        for (const filter of rule.filters) {
            if (/^(\$\.)?action$/.test(filter.match) && filter.in) {
                // Of the records this flow log captures, the share whose action the filter lists.
                const captured = trafficShare(f.trafficType, rejectShare);
                const passing = actionsOf(f.trafficType)
                    .filter((action) => filter.in!.includes(action))
                    .reduce((sum, action) => sum + trafficShare(action as TrafficType, rejectShare), 0);
                share *= captured > 0 ? passing / captured : 0;
            } else {
                notes.push(
                    `Contributor Insights rule ${rule.name}: its filter on ${filter.match || "(no field)"} is not modelled; every event is counted as matching`,
                );
            }
        }
        events += flowRecords(f) * share;
    }
    return events;
}

// ---------------------------------------------------------------------------------------------
// Delivery and storage

function retentionDaysOf(group: LogGroupSpec | undefined): number | undefined {
    return group?.retentionInDays && group.retentionInDays > 0 ? group.retentionInDays : undefined;
}

function cloudWatchDeliveryItems(
    deployment: Deployment,
    flowRecords: (f: FlowLogSpec) => number,
    assumptions: Assumptions,
    notes: string[],
): BillableItem[] {
    const items: BillableItem[] = [];
    for (const f of deployment.flowLogs) {
        if (f.destination.kind !== "cloud-watch-logs") continue;
        const groupName = f.destination.logGroupName;
        const group = deployment.logGroups.find((g) => g.name === groupName && g.region === f.region);
        const gb = (flowRecords(f) * textBytesPerRecord(f.fields)) / GIB;
        const infrequent = group?.logGroupClass === "INFREQUENT_ACCESS";
        items.push({
            item: `Flow log delivery to CloudWatch Logs (${f.trafficType}, ${f.fields.length} fields${infrequent ? ", Infrequent Access" : ""})`,
            price: infrequent ? "vendedLogsToCloudWatchLogsInfrequentAccess" : "vendedLogsToCloudWatchLogs",
            quantity: gb,
            kind: ItemKind.VARIABLE,
            detail: `${textBytesPerRecord(f.fields).toFixed(1)} B a record`,
        });
        const retention = retentionDaysOf(group);
        if (retention === undefined) {
            notes.push(
                `log group ${groupName} never expires: its storage keeps growing; priced at ${NO_EXPIRY_HORIZON_DAYS} days' accumulation`,
            );
        }
        const days = retention ?? NO_EXPIRY_HORIZON_DAYS;
        items.push({
            item: `CloudWatch Logs storage (${days} days kept)`,
            price: "cloudWatchLogsStorage",
            quantity: gb * assumptions.cloudWatchLogsArchiveShare * (days / DAYS_PER_MONTH),
            kind: ItemKind.VARIABLE,
            detail: `steady state: ${days} days of records, archived at ${Math.round(assumptions.cloudWatchLogsArchiveShare * 100)} % of their size`,
        });
    }
    return items;
}

/** Bytes a record takes at rest in S3 (Parquet or gzip text). */
export function storedBytesPerRecord(f: FlowLogSpec, assumptions: Assumptions): number {
    return f.destination.kind === "s3" && f.destination.fileFormat === "parquet"
        ? parquetBytesPerRecord(f.fields)
        : gzipTextBytesPerRecord(f.fields, assumptions.parquetShareOfGzipText);
}

export interface StoragePhase {
    readonly storageClass: string;
    readonly fromDay: number;
    readonly toDay: number;
}

const MINIMUM_STORAGE_DAYS: Readonly<Record<string, number>> = { STANDARD_IA: 30, GLACIER_IR: 90, ONEZONE_IA: 30 };
const STORAGE_PRICES: Readonly<Record<string, PriceKey>> = {
    STANDARD: "s3StorageStandard",
    STANDARD_IA: "s3StorageStandardIa",
    GLACIER_IR: "s3StorageGlacierIr",
};
const TRANSITION_PRICES: Readonly<Record<string, PriceKey>> = {
    STANDARD_IA: "s3TransitionsToStandardIa",
    GLACIER_IR: "s3TransitionsToGlacierIr",
};

/**
 * The storage classes an object of `objectBytes` under `keyPrefix` passes through, from the
 * bucket's lifecycle rules: transitions in day order (those whose size filter or S3's 128 KB
 * default keeps the object out are skipped), until the earliest expiration.
 */
export function storagePhases(
    lifecycle: LifecycleSpec | undefined,
    keyPrefix: string,
    objectBytes: number,
): { phases: StoragePhase[]; expires: boolean } {
    const rules = (lifecycle?.rules ?? []).filter((rule) => keyPrefix.startsWith(rule.prefix));
    const minimumDefault =
        lifecycle?.transitionDefaultMinimumObjectSize === "varies_by_storage_class" ? 0 : DEFAULT_MIN_TRANSITION_BYTES;
    const expirations = rules.map((r) => r.expirationDays).filter((d): d is number => d !== undefined);
    const expires = expirations.length > 0;
    const end = expires ? Math.min(...expirations) : NO_EXPIRY_HORIZON_DAYS;
    const transitions = rules
        .filter((rule) => objectBytes > (rule.objectSizeGreaterThan ?? minimumDefault))
        .flatMap((rule) => rule.transitions)
        .filter((t) => t.days < end)
        .sort((a, b) => a.days - b.days);
    const phases: StoragePhase[] = [];
    let from = 0;
    let storageClass = "STANDARD";
    for (const t of transitions) {
        if (t.days > from) phases.push({ storageClass, fromDay: from, toDay: t.days });
        from = Math.max(from, t.days);
        storageClass = t.storageClass;
    }
    phases.push({ storageClass, fromDay: from, toDay: end });
    return { phases, expires };
}

function s3DeliveryItems(
    deployment: Deployment,
    flowRecords: (f: FlowLogSpec) => number,
    assumptions: Assumptions,
    notes: string[],
): BillableItem[] {
    const items: BillableItem[] = [];
    const objectsPerMonth = assumptions.flowLogObjectsPerHour * assumptions.hoursPerMonth;
    for (const f of deployment.flowLogs) {
        const d = f.destination;
        if (d.kind !== "s3") continue;
        const records = flowRecords(f);
        const textBytes = textBytesPerRecord(f.fields);
        const gb = (records * textBytes) / GIB;
        const parquet = d.fileFormat === "parquet";
        const label = `${f.trafficType}, ${f.fields.length} fields, ${parquet ? "Parquet" : "plain text"}`;
        items.push({
            item: `Flow log delivery to S3 (${label})`,
            price: "vendedLogsToS3",
            quantity: gb,
            kind: ItemKind.VARIABLE,
            detail: `${textBytes.toFixed(1)} B a record as text`,
        });
        if (parquet) {
            items.push({
                item: `Parquet conversion (${f.fields.length} fields)`,
                price: "parquetConversion",
                quantity: gb,
                kind: ItemKind.VARIABLE,
            });
        }
        const storedPerRecord = storedBytesPerRecord(f, assumptions);
        const storedGb = (records * storedPerRecord) / GIB;
        const objectBytes = (storedGb * GIB) / objectsPerMonth;
        const lifecycle = deployment.lifecycles.find((l) => l.bucket === d.bucket);
        const { phases, expires } = storagePhases(lifecycle, `${d.prefix}AWSLogs/`, objectBytes);
        if (!expires) {
            notes.push(
                `s3://${d.bucket}/${d.prefix}: no expiration rule, the flow logs keep growing; priced at ${NO_EXPIRY_HORIZON_DAYS} days' accumulation`,
            );
        }
        for (const phase of phases) {
            const price = STORAGE_PRICES[phase.storageClass];
            if (!price) {
                notes.push(
                    `storage class ${phase.storageClass} has no price in the table: days ${phase.fromDay}-${phase.toDay} not priced`,
                );
                continue;
            }
            const days = Math.max(phase.toDay - phase.fromDay, MINIMUM_STORAGE_DAYS[phase.storageClass] ?? 0);
            items.push({
                item: `S3 ${phase.storageClass} storage, days ${phase.fromDay}-${phase.toDay} (${parquet ? "Parquet" : "gzip text"})`,
                price,
                quantity: storedGb * (days / DAYS_PER_MONTH),
                kind: ItemKind.VARIABLE,
                detail: `${storedPerRecord.toFixed(1)} B a record at rest (estimate), steady state`,
                estimate: "compressed size per record estimated",
            });
            if (phase.fromDay > 0) {
                const transition = TRANSITION_PRICES[phase.storageClass];
                if (transition) {
                    items.push({
                        item: `S3 lifecycle transitions to ${phase.storageClass}`,
                        price: transition,
                        quantity: objectsPerMonth / 1000,
                        kind: ItemKind.FIXED,
                        scope: Scope.VPC,
                        detail: `${formatCount(objectsPerMonth)} objects a month per flow log`,
                    });
                }
            }
        }
        items.push({
            item: "S3 PUT requests of flow log delivery",
            price: "s3PutRequests",
            quantity: objectsPerMonth / 1000,
            kind: ItemKind.FIXED,
            scope: Scope.VPC,
            detail: `${formatCount(objectsPerMonth)} objects a month per flow log (${assumptions.flowLogObjectsPerHour} an hour)`,
            estimate: "objects per hour estimated",
        });
    }
    return items;
}

// ---------------------------------------------------------------------------------------------
// Athena

const parser = new Parser();

/** Hours of data a query asks for: the longest `interval 'N' hour|day` it names, else 24. */
export function queryWindowHours(sql: string): number {
    const windows = [...sql.matchAll(/interval\s+'(\d+)'\s+(hour|day)s?/gi)].map(
        (m) => Number(m[1]) * (m[2].toLowerCase() === "day" ? 24 : 1),
    );
    return windows.length ? Math.max(...windows) : DEFAULT_QUERY_WINDOW_HOURS;
}

/** The table and the columns a query reads, from node-sql-parser's Trino grammar; undefined if it does not parse. */
export function queryReads(sql: string): { tables: string[]; columns: string[] | "all" } | undefined {
    try {
        const { tableList, columnList } = parser.parse(sql, { database: "trino" });
        const columns = columnList.map((entry) => entry.split("::")[2]);
        return {
            tables: tableList.map((entry) => entry.split("::")[2]),
            columns: columns.includes("(.*)") ? "all" : [...new Set(columns)],
        };
    } catch {
        return undefined;
    }
}

function athenaItems(
    deployment: Deployment,
    flowRecords: (f: FlowLogSpec) => number,
    traffic: Traffic,
    assumptions: Assumptions,
    notes: string[],
): BillableItem[] {
    if (deployment.namedQueries.length === 0 || traffic.queryRunsPerMonth === 0) return [];
    let bytesPerMonth = 0;
    let priced = 0;
    const windows = new Set<number>();
    for (const query of deployment.namedQueries) {
        const reads = queryReads(query.sql);
        const table =
            reads && deployment.tables.find((t) => t.database === query.database && reads.tables.includes(t.name));
        if (!reads || !table) {
            notes.push(
                `named query ${query.name}: ${reads ? "its table is not in the plan" : "its SQL does not parse"}; not priced`,
            );
            continue;
        }
        const location = /^s3:\/\/([^/]+)\/(.*)$/.exec(table.location);
        const feeding = deployment.flowLogs.filter(
            (f) =>
                f.destination.kind === "s3" &&
                location !== null &&
                f.destination.bucket === location[1] &&
                location[2].startsWith(f.destination.prefix),
        );
        const window = queryWindowHours(query.sql);
        windows.add(window);
        // The partitions the window touches: one more than it spans, as it starts inside one.
        const hours = (Math.ceil(window / table.partitionHours) + 1) * table.partitionHours;
        let bytes = 0;
        for (const f of feeding) {
            const recordsPerHour = flowRecords(f) / assumptions.hoursPerMonth;
            bytes += recordsPerHour * hours * bytesRead(f, reads.columns, table.partitionKeys, assumptions);
        }
        bytesPerMonth += traffic.queryRunsPerMonth * Math.max(bytes, ATHENA_MIN_BYTES);
        priced++;
    }
    if (priced === 0) return [];
    return [
        {
            item: `Athena scans of ${priced} named queries`,
            price: "athenaScans",
            quantity: bytesPerMonth / TIB,
            kind: ItemKind.VARIABLE,
            detail: `each run ${traffic.queryRunsPerMonth} times a month over its window (${[...windows]
                .sort((a, b) => a - b)
                .map((h) => `${h} h`)
                .join(", ")}), reading the columns it names in the partitions the window touches`,
            estimate: "bytes scanned estimated",
        },
    ];
}

/** Bytes a query reads per record: the Parquet columns it names, or the whole gzip record of a text object. */
function bytesRead(
    f: FlowLogSpec,
    columns: string[] | "all",
    partitionKeys: readonly string[],
    assumptions: Assumptions,
): number {
    if (f.destination.kind !== "s3" || f.destination.fileFormat !== "parquet") {
        return gzipTextBytesPerRecord(f.fields, assumptions.parquetShareOfGzipText);
    }
    const wanted = columns === "all" ? undefined : new Set(columns.filter((c) => !partitionKeys.includes(c)));
    // A column the format does not carry is not in the files: nothing to read.
    return f.fields
        .filter((field) => !wanted || wanted.has(columnName(field)))
        .reduce((n, field) => n + sizeOf(field).parquet, 0);
}

export function formatCount(n: number): string {
    if (n >= 1e9) return `${(n / 1e9).toFixed(2)} billion`;
    if (n >= 1e6) return `${(n / 1e6).toFixed(1)} million`;
    return Math.round(n).toLocaleString("en-US");
}
