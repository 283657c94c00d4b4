/**
 * Where AWS puts flow log records in S3: which object a record lands in, and that object's key.
 *
 * AWS publishes a flow log's records in files at 5-minute intervals; a file holds records whose
 * end time falls in its 5 minutes and is named after the start of that interval
 * (`123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz` holds "records
 * with an end time between 16:20:00 and 16:24:59"). The folder is the file's hour. Two layouts:
 *
 * - Parquet, hive-compatible, per hour (the lake's):
 *   `vpc-flow-logs/AWSLogs/aws-account-id=<acct>/aws-service=vpcflowlogs/aws-region=<region>/year=YYYY/month=MM/day=DD/hour=HH/<name>.log.parquet`
 * - plain text, the default (non-hive) layout with per-hour folders:
 *   `vpc-flow-logs/AWSLogs/<acct>/vpcflowlogs/<region>/YYYY/MM/DD/HH/<name>.log.gz`
 *
 * (reference/aws-flow-logs.md §2; the `.log.parquet` suffix is observed, not documented.)
 */
import { FlowLogRecord } from "../../flowlogs/fields";
import { FLOW_LOG_PREFIX, PARTITION_KEYS, regionKeyPrefix } from "../../components/lake/layout";
import { GeneratedLake } from "./generator";
import { hashString } from "./prng";

/** AWS's `FileFormat` values for S3 delivery. */
export const FileFormat = { PARQUET: "parquet", PLAIN_TEXT: "plain-text" } as const;
export type FileFormat = (typeof FileFormat)[keyof typeof FileFormat];

export const PUBLISH_INTERVAL_SECONDS = 300;

/** Partition values of one object, as the Glue table's string partition keys hold them. */
export type Partition = { readonly [K in (typeof PARTITION_KEYS)[number]["name"]]: string };

export interface DeliveredObject {
    /** Key relative to the bucket (and to a local copy's root), `/`-separated. */
    readonly key: string;
    readonly partition: Partition;
    readonly flowLogId: string;
    /** Unix seconds: the start of the object's 5-minute interval (the time in its name). */
    readonly intervalStart: number;
    readonly records: readonly FlowLogRecord[];
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The partition (hour) an instant belongs to, UTC. */
export function partitionOf(region: string, seconds: number): Partition {
    const t = new Date(seconds * 1000);
    return {
        aws_region: region,
        year: String(t.getUTCFullYear()),
        month: pad(t.getUTCMonth() + 1),
        day: pad(t.getUTCDate()),
        hour: pad(t.getUTCHours()),
    };
}

/** `<acct>_vpcflowlogs_<region>_<fl-id>_<YYYYMMDDTHHmmZ>_<hash>` */
export function objectBaseName(
    accountId: string,
    region: string,
    flowLogId: string,
    intervalStart: number,
    hash: string,
): string {
    const t = new Date(intervalStart * 1000);
    const stamp = `${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}T${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}Z`;
    return `${accountId}_vpcflowlogs_${region}_${flowLogId}_${stamp}_${hash}`;
}

/** The folder of a partition in either layout, ending in `/`. */
export function partitionFolder(accountId: string, partition: Partition, format: FileFormat): string {
    if (format === FileFormat.PARQUET) {
        // aws-region=... comes from regionKeyPrefix; the date keys follow in PARTITION_KEYS order.
        const dateKeys = PARTITION_KEYS.filter((key) => key.name !== "aws_region");
        return (
            regionKeyPrefix(accountId, partition.aws_region) +
            dateKeys.map((key) => `${key.pathKey}=${partition[key.name]}/`).join("")
        );
    }
    const { aws_region, year, month, day, hour } = partition;
    return `${FLOW_LOG_PREFIX}/AWSLogs/${accountId}/vpcflowlogs/${aws_region}/${year}/${month}/${day}/${hour}/`;
}

/**
 * Groups the records into the objects AWS would write for `format`, in key order; records keep
 * their generation order within an object. The records may be the whole lake or one day of a
 * `LakeStream` (an object holds the records of one 5-minute interval, which lies in one day).
 */
export function deliver(
    lake: Pick<GeneratedLake, "accountId" | "vpcs" | "records">,
    format: FileFormat,
): DeliveredObject[] {
    const flowLogOf = new Map(lake.vpcs.map((vpc) => [vpc.id, vpc]));
    const groups = new Map<
        string,
        { flowLogId: string; region: string; intervalStart: number; records: FlowLogRecord[] }
    >();
    for (const record of lake.records) {
        const vpc = flowLogOf.get(String(record.vpc_id));
        if (!vpc) throw new Error(`record of unknown VPC ${record.vpc_id}`);
        const end = Number(record.end);
        const intervalStart = end - (end % PUBLISH_INTERVAL_SECONDS);
        const id = `${vpc.flowLogId}/${intervalStart}`;
        let group = groups.get(id);
        if (!group)
            groups.set(id, (group = { flowLogId: vpc.flowLogId, region: vpc.region, intervalStart, records: [] }));
        group.records.push(record);
    }
    const extension = format === FileFormat.PARQUET ? ".log.parquet" : ".log.gz";
    const objects = [...groups.values()].map((group): DeliveredObject => {
        const partition = partitionOf(group.region, group.intervalStart);
        // The hash part of the name: any 8 hex digits; derived from the object so it is stable.
        const hash = hashString(`${group.flowLogId}/${group.intervalStart}/${format}`).toString(16).padStart(8, "0");
        const name =
            objectBaseName(lake.accountId, group.region, group.flowLogId, group.intervalStart, hash) + extension;
        return {
            key: partitionFolder(lake.accountId, partition, format) + name,
            partition,
            flowLogId: group.flowLogId,
            intervalStart: group.intervalStart,
            records: group.records,
        };
    });
    return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
