/**
 * What the offline plan creates that has a price, read from the resources' inputs: the flow logs
 * (traffic type, log format, destination and file format), the log groups and their retention,
 * the bucket lifecycle rules, metric filters, alarms, Contributor Insights rules, dashboards,
 * Athena named queries and the Glue tables they read, SNS topics. Nothing here assumes today's
 * formats or settings: every figure the estimate needs comes from the plan.
 */
import { InputError } from "../files/inputError";
import { DEFAULT_FORMAT_FIELDS, FlowLogField, parseLogFormat } from "../../flowlogs/fields";
import { Plan, PlannedResource } from "../plan/offlinePlan";

export const TrafficType = { ALL: "ALL", REJECT: "REJECT", ACCEPT: "ACCEPT" } as const;
export type TrafficType = (typeof TrafficType)[keyof typeof TrafficType];

export type FlowLogDestination =
    | { readonly kind: "cloud-watch-logs"; readonly logGroupName: string }
    | {
          readonly kind: "s3";
          readonly bucket: string;
          /** Key prefix the flow log writes under (AWS adds `AWSLogs/...` below it). */
          readonly prefix: string;
          readonly fileFormat: "parquet" | "plain-text";
      }
    | { readonly kind: "kinesis-data-firehose"; readonly arn: string };

export interface FlowLogSpec {
    readonly name: string;
    /** What the flow log watches: the VPC id (or subnet, interface, gateway id). */
    readonly subject: string;
    readonly region: string;
    readonly trafficType: TrafficType;
    readonly fields: readonly FlowLogField[];
    readonly destination: FlowLogDestination;
}

export interface LogGroupSpec {
    readonly name: string;
    readonly region: string;
    /** Undefined or 0: never expire. */
    readonly retentionInDays?: number;
    readonly logGroupClass: string;
}

export interface MetricFilterSpec {
    readonly name: string;
    readonly region: string;
    readonly logGroupName: string;
    readonly pattern: string;
    readonly namespace: string;
    readonly metricName: string;
    /** Dimension name -> value expression (`$protocol`). */
    readonly dimensions: Readonly<Record<string, string>>;
}

export interface AlarmSpec {
    readonly name: string;
    readonly region: string;
    readonly kind: "metric" | "composite";
    /** Metrics the alarm reads: 1 for a plain alarm, one per metric (and insight rule) of a metric-math alarm. */
    readonly metrics: number;
    readonly anomalyDetection: boolean;
    /** A period under 60 s (high resolution). */
    readonly highResolution: boolean;
    /** The metrics it reads, as `namespace|metricName`. */
    readonly reads: readonly string[];
}

export interface InsightRuleSpec {
    readonly name: string;
    readonly region: string;
    readonly enabled: boolean;
    /** Log group names, a trailing `*` matching any suffix. */
    readonly logGroupNames: readonly string[];
    readonly filters: readonly { readonly match: string; readonly in?: readonly string[] }[];
}

export interface LifecycleRuleSpec {
    readonly bucket: string;
    readonly prefix: string;
    /** Objects smaller than this (bytes) are left alone by the rule's transitions. */
    readonly objectSizeGreaterThan?: number;
    readonly transitions: readonly { readonly days: number; readonly storageClass: string }[];
    readonly expirationDays?: number;
}

export interface LifecycleSpec {
    readonly bucket: string;
    /** `all_storage_classes_128K` (the default): objects under 128 KB never transition. */
    readonly transitionDefaultMinimumObjectSize: string;
    readonly rules: readonly LifecycleRuleSpec[];
}

export interface TableSpec {
    readonly database: string;
    readonly name: string;
    /** `s3://bucket/key/` */
    readonly location: string;
    readonly columns: readonly string[];
    readonly partitionKeys: readonly string[];
    /** Hours of data one partition holds: 1 with an `hour` partition key, 24 with only a day. */
    readonly partitionHours: number;
    readonly parquet: boolean;
}

export interface NamedQuerySpec {
    readonly name: string;
    readonly database: string;
    readonly sql: string;
}

export interface Deployment {
    readonly stack: string;
    /** Distinct subjects (VPCs) with a flow log. */
    readonly vpcs: readonly string[];
    readonly regions: readonly string[];
    readonly flowLogs: readonly FlowLogSpec[];
    readonly logGroups: readonly LogGroupSpec[];
    readonly metricFilters: readonly MetricFilterSpec[];
    readonly alarms: readonly AlarmSpec[];
    readonly insightRules: readonly InsightRuleSpec[];
    readonly dashboards: number;
    readonly lifecycles: readonly LifecycleSpec[];
    readonly tables: readonly TableSpec[];
    readonly namedQueries: readonly NamedQuerySpec[];
    readonly glueObjects: number;
    readonly snsTopics: number;
    readonly emailSubscriptions: number;
}

type Inputs = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const list = (v: unknown): Inputs[] =>
    Array.isArray(v) ? v.filter((x): x is Inputs => !!x && typeof x === "object") : [];
const obj = (v: unknown): Inputs => (v && typeof v === "object" && !Array.isArray(v) ? (v as Inputs) : {});

/** A plan resource this module cannot read (a value it needs is missing or malformed). */
export class PlanReadError extends InputError {}

/** Reads the priced resources of a plan. `homeRegion` is the region of resources on the default provider. */
export function readDeployment(plan: Plan, homeRegion = "us-east-1"): Deployment {
    const regionOfProvider = new Map<string, string>();
    for (const r of plan.resources) {
        if (r.type === "pulumi:providers:aws" && str(r.inputs.region))
            regionOfProvider.set(r.urn, str(r.inputs.region)!);
    }
    const regionOf = (r: PlannedResource) => (r.provider && regionOfProvider.get(r.provider)) || homeRegion;
    const of = (type: string) => plan.resources.filter((r) => r.type === type && r.custom);

    const flowLogs = of("aws:ec2/flowLog:FlowLog").map((r) => readFlowLog(r, regionOf(r)));
    const vpcs = [...new Set(flowLogs.map((f) => f.subject))];
    const regions = [...new Set(flowLogs.map((f) => f.region))];

    const logGroups = of("aws:cloudwatch/logGroup:LogGroup").map((r): LogGroupSpec => ({
        name: str(r.inputs.name) ?? str(r.outputs.name) ?? r.name,
        region: regionOf(r),
        retentionInDays: num(r.inputs.retentionInDays),
        logGroupClass: str(r.inputs.logGroupClass) ?? "STANDARD",
    }));

    const metricFilters = of("aws:cloudwatch/logMetricFilter:LogMetricFilter").map((r): MetricFilterSpec => {
        const t = obj(r.inputs.metricTransformation);
        return {
            name: r.name,
            region: regionOf(r),
            logGroupName: str(r.inputs.logGroupName) ?? "",
            pattern: str(r.inputs.pattern) ?? "",
            namespace: str(t.namespace) ?? "",
            metricName: str(t.name) ?? r.name,
            dimensions: Object.fromEntries(
                Object.entries(obj(t.dimensions)).filter((e): e is [string, string] => typeof e[1] === "string"),
            ),
        };
    });

    const alarms = [
        ...of("aws:cloudwatch/metricAlarm:MetricAlarm").map((r) => readMetricAlarm(r, regionOf(r))),
        ...of("aws:cloudwatch/compositeAlarm:CompositeAlarm").map((r): AlarmSpec => ({
            name: r.name,
            region: regionOf(r),
            kind: "composite",
            metrics: 0,
            anomalyDetection: false,
            highResolution: false,
            reads: [],
        })),
    ];

    const insightRules = of("aws:cloudwatch/contributorInsightRule:ContributorInsightRule").map((r) =>
        readInsightRule(r, regionOf(r)),
    );

    const lifecycles = [
        ...of("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"),
        ...of("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"),
    ].map(readLifecycle);

    const tables = of("aws:glue/catalogTable:CatalogTable").map(readTable);
    const namedQueries = of("aws:athena/namedQuery:NamedQuery").map((r): NamedQuerySpec => ({
        name: str(r.inputs.name) ?? r.name,
        database: str(r.inputs.database) ?? "",
        sql: str(r.inputs.query) ?? "",
    }));

    return {
        stack: plan.stack,
        vpcs,
        regions,
        flowLogs,
        logGroups,
        metricFilters,
        alarms,
        insightRules,
        dashboards: of("aws:cloudwatch/dashboard:Dashboard").length,
        lifecycles,
        tables,
        namedQueries,
        glueObjects: of("aws:glue/catalogDatabase:CatalogDatabase").length + tables.length,
        snsTopics: of("aws:sns/topic:Topic").length,
        emailSubscriptions: of("aws:sns/topicSubscription:TopicSubscription").filter(
            (r) => r.inputs.protocol === "email",
        ).length,
    };
}

const SUBJECT_KEYS = [
    "vpcId",
    "subnetId",
    "eniId",
    "transitGatewayId",
    "transitGatewayAttachmentId",
    "regionalNatGatewayId",
] as const;

function readFlowLog(r: PlannedResource, region: string): FlowLogSpec {
    const inputs = r.inputs;
    const subject = SUBJECT_KEYS.map((k) => str(inputs[k])).find((v) => v !== undefined) ?? r.name;
    const trafficType = (str(inputs.trafficType) ?? TrafficType.ALL) as TrafficType;
    if (!Object.values(TrafficType).includes(trafficType)) {
        throw new PlanReadError(
            `flow log ${r.name}: trafficType ${JSON.stringify(trafficType)} is not ALL, REJECT or ACCEPT`,
        );
    }
    const format = str(inputs.logFormat);
    let fields: readonly FlowLogField[];
    try {
        fields = format ? parseLogFormat(format) : DEFAULT_FORMAT_FIELDS;
    } catch (err) {
        throw new PlanReadError(`flow log ${r.name}: logFormat: ${(err as Error).message}`);
    }
    const type = str(inputs.logDestinationType) ?? "cloud-watch-logs";
    const arn = str(inputs.logDestination) ?? "";
    let destination: FlowLogDestination;
    if (type === "s3") {
        const match = /^arn:[^:]+:s3:::([^/]+)\/?(.*)$/.exec(arn);
        if (!match)
            throw new PlanReadError(
                `flow log ${r.name}: logDestination ${JSON.stringify(arn)} is not an S3 bucket ARN`,
            );
        const fileFormat = str(obj(inputs.destinationOptions).fileFormat) === "parquet" ? "parquet" : "plain-text";
        destination = { kind: "s3", bucket: match[1], prefix: match[2], fileFormat };
    } else if (type === "cloud-watch-logs") {
        const name = /:log-group:([^:]+)/.exec(arn)?.[1] ?? str(inputs.logGroupName);
        if (!name)
            throw new PlanReadError(`flow log ${r.name}: no CloudWatch log group in logDestination or logGroupName`);
        destination = { kind: "cloud-watch-logs", logGroupName: name };
    } else {
        destination = { kind: "kinesis-data-firehose", arn };
    }
    return { name: r.name, subject, region, trafficType, fields, destination };
}

function readMetricAlarm(r: PlannedResource, region: string): AlarmSpec {
    const queries = list(r.inputs.metricQueries);
    const expressions = queries.map((q) => str(q.expression) ?? "");
    const periods = [num(r.inputs.period), ...queries.map((q) => num(obj(q.metric).period))].filter(
        (p): p is number => p !== undefined,
    );
    // Metric math: CloudWatch bills each metric the alarm reads (a Contributor Insights rule read
    // with INSIGHT_RULE_METRIC counts as one); the expressions themselves are free.
    const metrics = queries.length
        ? queries.filter((q) => q.metric !== undefined).length +
          expressions.reduce((n, e) => n + (e.match(/INSIGHT_RULE_METRIC\s*\(/g)?.length ?? 0), 0)
        : 1;
    const metricKey = (m: Inputs) => `${str(m.namespace) ?? ""}|${str(m.metricName) ?? ""}`;
    const reads = queries.length
        ? queries.filter((q) => q.metric !== undefined).map((q) => metricKey(obj(q.metric)))
        : [metricKey(r.inputs)];
    return {
        name: r.name,
        region,
        kind: "metric",
        metrics: Math.max(metrics, 1),
        reads,
        anomalyDetection: expressions.some((e) => /ANOMALY_DETECTION_BAND\s*\(/.test(e)),
        highResolution: periods.some((p) => p < 60),
    };
}

function readInsightRule(r: PlannedResource, region: string): InsightRuleSpec {
    let definition: Inputs;
    try {
        definition = obj(JSON.parse(str(r.inputs.ruleDefinition) ?? "{}"));
    } catch {
        throw new PlanReadError(`Contributor Insights rule ${r.name}: ruleDefinition is not JSON`);
    }
    const contribution = obj(definition.Contribution);
    return {
        name: str(r.inputs.ruleName) ?? r.name,
        region,
        enabled: (str(r.inputs.ruleState) ?? "ENABLED") === "ENABLED",
        logGroupNames: Array.isArray(definition.LogGroupNames)
            ? definition.LogGroupNames.filter((n) => typeof n === "string")
            : [],
        filters: list(contribution.Filters).map((f) => ({
            match: str(f.Match) ?? "",
            in: Array.isArray(f.In) ? f.In.map(String) : undefined,
        })),
    };
}

function readLifecycle(r: PlannedResource): LifecycleSpec {
    const rules = list(r.inputs.rules)
        .filter((rule) => (str(rule.status) ?? "Enabled") === "Enabled")
        .map((rule): LifecycleRuleSpec => {
            const filter = obj(rule.filter);
            const and = obj(filter.and);
            return {
                bucket: str(r.inputs.bucket) ?? "",
                prefix: str(filter.prefix) ?? str(and.prefix) ?? str(rule.prefix) ?? "",
                objectSizeGreaterThan: num(filter.objectSizeGreaterThan) ?? num(and.objectSizeGreaterThan),
                transitions: list(rule.transitions)
                    .filter((t) => num(t.days) !== undefined && str(t.storageClass))
                    .map((t) => ({ days: num(t.days)!, storageClass: str(t.storageClass)! })),
                expirationDays: num(obj(list(rule.expiration)[0] ?? rule.expiration).days),
            };
        });
    return {
        bucket: str(r.inputs.bucket) ?? "",
        transitionDefaultMinimumObjectSize:
            str(r.inputs.transitionDefaultMinimumObjectSize) ?? "all_storage_classes_128K",
        rules,
    };
}

function readTable(r: PlannedResource): TableSpec {
    const storage = obj(r.inputs.storageDescriptor);
    const partitionKeys = list(r.inputs.partitionKeys).map((k) => str(k.name) ?? "");
    const parameters = obj(r.inputs.parameters);
    const inputFormat = str(storage.inputFormat) ?? "";
    return {
        database: str(r.inputs.databaseName) ?? "",
        name: str(r.inputs.name) ?? r.name,
        location: str(storage.location) ?? "",
        columns: list(storage.columns).map((c) => str(c.name) ?? ""),
        partitionKeys,
        partitionHours: partitionKeys.includes("hour") ? 1 : 24,
        parquet: /parquet/i.test(inputFormat) || str(parameters.classification) === "parquet",
    };
}
