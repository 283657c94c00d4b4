/**
 * The two hand-built designs this project replaces, priced for the same VPCs, traffic, log
 * retention and lake lifecycle as the plan, so the comparison is like for like:
 *
 * (A) every VPC's flow log of ALL traffic to CloudWatch Logs (default version-2 format), and a
 *     second flow log of ALL traffic to S3 as plain text (gzip), queried by Athena through a
 *     daily-partitioned text table; one SSH-rejected metric filter and alarm per VPC.
 * (B) ALL traffic to CloudWatch Logs, a subscription Lambda that hands the records to Kinesis
 *     Data Firehose as JSON, Firehose's Parquet conversion into S3 (daily partitions), and a
 *     Kinesis Data Analytics for SQL application of 1 KPU per VPC computing 15-minute aggregates
 *     that a Lambda publishes as custom metrics for a dashboard. KDA for SQL takes no new
 *     applications any more; it is priced as it ran.
 *
 * Where the seeds' running costs depend on how they were operated, the assumptions below are
 * the cheap end (records batched into Firehose records of at least 5 KB, a small Lambda), so
 * the seeds are not made to look worse than they were.
 */
import { DEFAULT_FORMAT_FIELDS } from "../../flowlogs/fields";
import { BillableItem, billableItems, GIB, ItemKind, recordsPerVpcMonth, Scope, Traffic } from "./billableItems";
import { assumptionValues, Priced, priceItems } from "./estimate";
import {
    Deployment,
    FlowLogSpec,
    LifecycleSpec,
    LogGroupSpec,
    MetricFilterSpec,
    AlarmSpec,
    TableSpec,
} from "./planModel";
import { PriceTable } from "./priceTable";
import { jsonBytesPerRecord, textBytesPerRecord } from "./recordSize";

/** CloudWatch Logs hands a subscription Lambda batches of log events; 256 KiB a call is assumed. */
const LAMBDA_BATCH_BYTES = 256 * 1024;
/** A 128 MB function that parses a batch and calls PutRecordBatch, 200 ms a call. */
const LAMBDA_GB_SECONDS_PER_CALL = 0.125 * 0.2;
/** The aggregates KDA computed and a Lambda published per VPC (rejected packets, records). */
const KDA_METRICS_PER_VPC = 2;
const KDA_KPUS_PER_VPC = 1;

export interface SeedEstimate extends Priced {
    readonly name: string;
    readonly description: string;
    readonly notes: readonly string[];
}

/**
 * Retention of the plan's CloudWatch log groups (the longest; undefined if one never expires), or
 * 90 days when the plan has none.
 */
function planRetention(deployment: Deployment): number | undefined {
    const days = deployment.logGroups.map((g) => g.retentionInDays ?? 0);
    if (days.length === 0) return 90;
    return days.includes(0) ? undefined : Math.max(...days);
}

/** The lifecycle rules of the plan's lake (the bucket of its first S3 flow log), moved to a seed's bucket. */
function planLifecycle(deployment: Deployment, bucket: string): LifecycleSpec[] {
    const lake = deployment.flowLogs.map((f) => f.destination).find((d) => d.kind === "s3");
    if (lake?.kind !== "s3") return [];
    const lifecycle = deployment.lifecycles.find((l) => l.bucket === lake.bucket);
    if (!lifecycle) return [];
    return [
        {
            bucket,
            transitionDefaultMinimumObjectSize: lifecycle.transitionDefaultMinimumObjectSize,
            rules: lifecycle.rules
                .filter((rule) => `${lake.prefix}AWSLogs/`.startsWith(rule.prefix))
                .map((rule) => ({ ...rule, bucket, prefix: "" })),
        },
    ];
}

/** The pieces both seeds share: per VPC an ALL-traffic CloudWatch flow log, its log group, one filter and alarm. */
function cloudWatchAll(deployment: Deployment, seed: string) {
    const subjects = deployment.vpcs.map((vpc) => ({
        vpc,
        region: deployment.flowLogs.find((f) => f.subject === vpc)!.region,
    }));
    const retention = planRetention(deployment);
    const flowLogs: FlowLogSpec[] = subjects.map(({ vpc, region }) => ({
        name: `${seed}-${vpc}-cloudwatch`,
        subject: vpc,
        region,
        trafficType: "ALL",
        fields: DEFAULT_FORMAT_FIELDS,
        destination: { kind: "cloud-watch-logs", logGroupName: `/${seed}/${vpc}` },
    }));
    const logGroups: LogGroupSpec[] = subjects.map(({ vpc, region }) => ({
        name: `/${seed}/${vpc}`,
        region,
        retentionInDays: retention,
        logGroupClass: "STANDARD",
    }));
    // The seeds' one alarm: `[..., destport="22", protocol="6", ..., action="REJECT", ...]` >= 3 in 300 s.
    const metricFilters: MetricFilterSpec[] = subjects.map(({ vpc, region }) => ({
        name: `${seed}-${vpc}-ssh`,
        region,
        logGroupName: `/${seed}/${vpc}`,
        pattern: "",
        namespace: `${seed}/${vpc}`,
        metricName: "ssh-rejected",
        dimensions: {},
    }));
    const alarms: AlarmSpec[] = subjects.map(({ vpc, region }) => ({
        name: `${seed}-${vpc}-ssh`,
        region,
        kind: "metric",
        metrics: 1,
        anomalyDetection: false,
        highResolution: false,
        reads: [`${seed}/${vpc}|ssh-rejected`],
    }));
    return { subjects, flowLogs, logGroups, metricFilters, alarms };
}

/** The plan's tables and named queries, pointed at a seed's bucket and format (same questions, seed's layout). */
function seedTables(deployment: Deployment, bucket: string, parquet: boolean): TableSpec[] {
    return deployment.tables.map((t) => ({
        ...t,
        location: `s3://${bucket}/AWSLogs/`,
        parquet,
        partitionKeys: ["dt"],
        partitionHours: 24,
    }));
}

function seedA(deployment: Deployment): Deployment {
    const cw = cloudWatchAll(deployment, "seed-a");
    const bucket = "seed-a-flow-logs";
    const s3: FlowLogSpec[] = cw.subjects.map(({ vpc, region }) => ({
        name: `seed-a-${vpc}-s3`,
        subject: vpc,
        region,
        trafficType: "ALL",
        fields: DEFAULT_FORMAT_FIELDS,
        destination: { kind: "s3", bucket, prefix: "", fileFormat: "plain-text" },
    }));
    return {
        ...emptyLike(deployment),
        flowLogs: [...cw.flowLogs, ...s3],
        logGroups: cw.logGroups,
        metricFilters: cw.metricFilters,
        alarms: cw.alarms,
        lifecycles: planLifecycle(deployment, bucket),
        tables: seedTables(deployment, bucket, false),
        namedQueries: deployment.namedQueries,
        snsTopics: deployment.regions.length,
    };
}

/**
 * Seed B's Firehose output, described as an S3 Parquet "flow log" so the lake's storage and
 * Athena arithmetic apply to it; its delivery and conversion items are then replaced by the
 * Lambda and Firehose ones.
 */
function seedB(deployment: Deployment): Deployment {
    const cw = cloudWatchAll(deployment, "seed-b");
    const bucket = "seed-b-flow-logs";
    const firehose: FlowLogSpec[] = cw.subjects.map(({ vpc, region }) => ({
        name: `seed-b-${vpc}-firehose`,
        subject: vpc,
        region,
        trafficType: "ALL",
        fields: DEFAULT_FORMAT_FIELDS,
        destination: { kind: "s3", bucket, prefix: "", fileFormat: "parquet" },
    }));
    return {
        ...emptyLike(deployment),
        flowLogs: [...cw.flowLogs, ...firehose],
        logGroups: cw.logGroups,
        metricFilters: cw.metricFilters,
        alarms: cw.alarms,
        dashboards: 1,
        lifecycles: planLifecycle(deployment, bucket),
        tables: seedTables(deployment, bucket, true),
        namedQueries: deployment.namedQueries,
        snsTopics: deployment.regions.length,
    };
}

function emptyLike(deployment: Deployment): Deployment {
    return {
        stack: deployment.stack,
        vpcs: deployment.vpcs,
        regions: deployment.regions,
        flowLogs: [],
        logGroups: [],
        metricFilters: [],
        alarms: [],
        insightRules: [],
        dashboards: 0,
        lifecycles: [],
        tables: [],
        namedQueries: [],
        glueObjects: deployment.tables.length ? 2 : 0,
        snsTopics: 0,
        emailSubscriptions: 0,
    };
}

function seedBExtras(deployment: Deployment, traffic: Traffic, hoursPerMonth: number): BillableItem[] {
    const vpcs = deployment.vpcs.length;
    const records = recordsPerVpcMonth(traffic) * vpcs;
    // The subscription hands the Lambda the version-2 text records; the Lambda writes them as JSON.
    const textGb = (records * textBytesPerRecord(DEFAULT_FORMAT_FIELDS)) / GIB;
    const jsonGb = (records * jsonBytesPerRecord(DEFAULT_FORMAT_FIELDS)) / GIB;
    const calls = (textGb * GIB) / LAMBDA_BATCH_BYTES;
    return [
        {
            item: "Lambda requests (CloudWatch Logs subscription)",
            price: "lambdaRequests",
            quantity: calls / 1e6,
            kind: ItemKind.VARIABLE,
            detail: `one call per ${LAMBDA_BATCH_BYTES / 1024} KiB batch of log events`,
            estimate: "batch size assumed",
        },
        {
            item: "Lambda duration",
            price: "lambdaDuration",
            quantity: calls * LAMBDA_GB_SECONDS_PER_CALL,
            kind: ItemKind.VARIABLE,
            detail: "128 MB, 200 ms a call",
            estimate: "duration assumed",
        },
        {
            item: "Firehose ingestion (JSON records from the Lambda)",
            price: "firehoseIngestion",
            quantity: jsonGb,
            kind: ItemKind.VARIABLE,
            detail: `${jsonBytesPerRecord(DEFAULT_FORMAT_FIELDS).toFixed(0)} B a record as JSON, batched into records of 5 KB or more`,
        },
        {
            item: "Firehose format conversion to Parquet",
            price: "firehoseFormatConversion",
            quantity: jsonGb,
            kind: ItemKind.VARIABLE,
        },
        {
            item: "Kinesis Data Analytics for SQL (1 KPU per VPC)",
            price: "kinesisAnalyticsKpu",
            quantity: vpcs * KDA_KPUS_PER_VPC * hoursPerMonth,
            kind: ItemKind.FIXED,
            scope: Scope.VPC,
            detail: `${vpcs} application(s) x ${hoursPerMonth} h`,
        },
        {
            item: "Custom metrics published from the KDA aggregates",
            price: "customMetrics",
            quantity: vpcs * KDA_METRICS_PER_VPC,
            kind: ItemKind.FIXED,
            scope: Scope.VPC,
            detail: `${KDA_METRICS_PER_VPC} a VPC`,
        },
    ];
}

export function estimateSeeds(deployment: Deployment, traffic: Traffic, table: PriceTable): SeedEstimate[] {
    const assumptions = assumptionValues(table);
    const context = {
        vpcs: deployment.vpcs.length,
        regions: deployment.regions.length,
        gbPerVpcMonth: traffic.gbPerVpcMonth,
    };
    const a = billableItems(seedA(deployment), traffic, assumptions);
    const b = billableItems(seedB(deployment), traffic, assumptions);
    // Seed B's S3 objects come from Firehose, not from vended delivery.
    const bItems = b.items.filter((i) => i.price !== "vendedLogsToS3" && i.price !== "parquetConversion");
    return [
        {
            name: "A: CloudWatch Logs ALL + S3 plain text ALL",
            description:
                "ALL traffic to CloudWatch Logs and to S3 as gzip text (v2 format), one SSH alarm per VPC, the same named queries over daily text partitions",
            ...priceItems(a.items, table, context),
            notes: a.notes,
        },
        {
            name: "B: CloudWatch Logs -> Lambda -> Firehose Parquet + KDA",
            description:
                "ALL traffic to CloudWatch Logs (v2 format), a Lambda hands it to Firehose as JSON, Parquet into S3 (daily partitions), Kinesis Data Analytics for SQL 1 KPU per VPC (end of life; priced as it ran)",
            ...priceItems([...bItems, ...seedBExtras(deployment, traffic, assumptions.hoursPerMonth)], table, context),
            notes: b.notes,
        },
    ];
}
