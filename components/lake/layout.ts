/**
 * Where flow logs land in the lake bucket, and the Glue table that reads them in place.
 *
 * The S3 flow logs are delivered as Parquet with `hiveCompatiblePartitions` and `perHourPartition`,
 * so AWS writes objects under (flow-logs-s3-path.html):
 *
 *   <prefix>/AWSLogs/aws-account-id=<account>/aws-service=vpcflowlogs/aws-region=<region>/
 *       year=<yyyy>/month=<MM>/day=<dd>/hour=<HH>/<account>_vpcflowlogs_<region>_<fl-id>_<yyyyMMddTHHmmZ>_<hash>.log.parquet
 *
 * The table uses partition projection over exactly that layout: Athena computes the partition
 * locations from the table properties, so a new hour is queryable the moment AWS writes it; no
 * crawler, no `MSCK REPAIR TABLE`, no `ALTER TABLE ADD PARTITION`.
 *
 * Why five partition keys and not a single date: the hive layout puts year, month, day and hour in
 * separate path segments, and Athena's `date` projection type cannot span several segments (AWS
 * Athena guide, "How to choose partition keys"). Integer projections with fixed digits reproduce
 * the zero-padded segments exactly.
 */
import { columnName, FieldKind, FLOW_LOG_FIELDS, FlowLogField, inTableOrder } from "../../flowlogs/fields";
import { LAKE_ALL_FIELDS, LAKE_DEFAULT_FIELDS, LakeFieldsChoice } from "../defaults";

/** Prefix of the flow log objects in the lake bucket ("AWSLogs" itself is not allowed as a prefix). */
export const FLOW_LOG_PREFIX = "vpc-flow-logs";
/** Prefix of Athena query results in the same bucket; expires quickly (see the lifecycle rules). */
export const ATHENA_RESULTS_PREFIX = "athena-results";

export const FLOW_LOG_TABLE = "flow_logs";

/**
 * Hive-compatible S3 flow logs were launched in October 2021, so no object in this layout can be
 * older; the upper bound only has to outlive the stack.
 */
export const PROJECTION_FIRST_YEAR = 2021;
export const PROJECTION_LAST_YEAR = 2099;

/** Partition columns, in path order. `aws_region`, not `region`: `region` is also a record field. */
export const PARTITION_KEYS = [
    { name: "aws_region", type: "string", pathKey: "aws-region" },
    { name: "year", type: "string", pathKey: "year" },
    { name: "month", type: "string", pathKey: "month" },
    { name: "day", type: "string", pathKey: "day" },
    { name: "hour", type: "string", pathKey: "hour" },
] as const;

export interface GlueColumn {
    readonly name: string;
    readonly type: string;
}

/** What `lake.fields` accepts, for messages. */
export const LAKE_FIELDS_ALLOWED =
    '"default", "all" (every field but the ECS ones), or a list of flow log field names such as [srcaddr, dstaddr, action]';

/** One thing wrong with a `lake.fields` value; `index` is the list item's when it is about one. */
export interface LakeFieldsProblem {
    readonly index?: number;
    readonly what: string;
    readonly given: unknown;
    readonly allowed: string;
}

/**
 * What is wrong with a `lake.fields` value (the caller adds the key path and renders the given
 * value). ECS fields are accepted only by name: such a flow log needs ECS permissions.
 */
export function lakeFieldsProblems(value: unknown): LakeFieldsProblem[] {
    if (value === LakeFieldsChoice.DEFAULT || value === LakeFieldsChoice.ALL) return [];
    if (!Array.isArray(value)) return [{ what: "not a field choice", given: value, allowed: LAKE_FIELDS_ALLOWED }];
    if (value.length === 0) return [{ what: "an empty list", given: value, allowed: LAKE_FIELDS_ALLOWED }];
    const known = FLOW_LOG_FIELDS.map((field) => field.name);
    const problems: LakeFieldsProblem[] = [];
    const seen = new Map<unknown, number>();
    value.forEach((name: unknown, index) => {
        if (typeof name !== "string" || !known.includes(name)) {
            problems.push({ index, what: "not a VPC flow log field", given: name, allowed: known.join(", ") });
        } else if (seen.has(name)) {
            problems.push({
                index,
                what: `a field already listed at item ${seen.get(name)}`,
                given: name,
                allowed: "each field once",
            });
        }
        if (!seen.has(name)) seen.set(name, index);
    });
    return problems;
}

/** The lake's fields for a valid `lake.fields` choice, in the field table's order. */
export function resolveLakeFields(choice: LakeFieldsChoice = LakeFieldsChoice.DEFAULT): FlowLogField[] {
    if (choice === LakeFieldsChoice.DEFAULT) return [...LAKE_DEFAULT_FIELDS];
    if (choice === LakeFieldsChoice.ALL) return [...LAKE_ALL_FIELDS];
    const problems = lakeFieldsProblems(choice);
    if (problems.length) throw new Error(`lake fields: ${problems.map((p) => p.what).join("; ")}`);
    return inTableOrder(FLOW_LOG_FIELDS.filter((field) => (choice as readonly string[]).includes(field.name)));
}

/** Glue/Athena columns of the Parquet records, from the field table (types as AWS's own DDL). */
export function lakeColumns(fields: readonly FlowLogField[] = LAKE_DEFAULT_FIELDS): GlueColumn[] {
    return fields.map((field) => ({ name: columnName(field), type: athenaType(field.kind) }));
}

function athenaType(kind: FieldKind): string {
    switch (kind) {
        case FieldKind.INT:
            return "int";
        case FieldKind.BIGINT:
            return "bigint";
        case FieldKind.STRING:
            return "string";
    }
}

/** `s3://bucket/vpc-flow-logs/AWSLogs/aws-account-id=<account>/aws-service=vpcflowlogs/` */
export function tableLocation(bucket: string, accountId: string): string {
    return `s3://${bucket}/${FLOW_LOG_PREFIX}/AWSLogs/aws-account-id=${accountId}/aws-service=vpcflowlogs/`;
}

/** The S3 key prefix AWS writes for one account and region (used by the bucket policy and tools). */
export function regionKeyPrefix(accountId: string, region: string): string {
    return `${FLOW_LOG_PREFIX}/AWSLogs/aws-account-id=${accountId}/aws-service=vpcflowlogs/aws-region=${region}/`;
}

/** The flow log `logDestination` for the lake: the bucket ARN with the prefix as a folder. */
export function flowLogDestination(bucketArn: string): string {
    return `${bucketArn}/${FLOW_LOG_PREFIX}/`;
}

/** Partition projection properties matching the delivery key layout exactly. */
export function projectionParameters(
    bucket: string,
    accountId: string,
    regions: readonly string[],
): Record<string, string> {
    const template =
        tableLocation(bucket, accountId) + PARTITION_KEYS.map((key) => `${key.pathKey}=\${${key.name}}/`).join("");
    return {
        "projection.enabled": "true",
        "projection.aws_region.type": "enum",
        "projection.aws_region.values": [...regions].sort().join(","),
        "projection.year.type": "integer",
        "projection.year.range": `${PROJECTION_FIRST_YEAR},${PROJECTION_LAST_YEAR}`,
        "projection.year.digits": "4",
        "projection.month.type": "integer",
        "projection.month.range": "1,12",
        "projection.month.digits": "2",
        "projection.day.type": "integer",
        "projection.day.range": "1,31",
        "projection.day.digits": "2",
        "projection.hour.type": "integer",
        "projection.hour.range": "0,23",
        "projection.hour.digits": "2",
        "storage.location.template": template,
    };
}

export const PARQUET_STORAGE = {
    inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
} as const;
