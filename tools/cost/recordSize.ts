/**
 * How many bytes one flow log record takes in a given format: the per-field size model.
 *
 * Delivery is billed per GB of records, so the bill follows the fields a format carries. For each
 * field of the table in flowlogs/fields.ts this module gives a typical value for a record that
 * carries traffic (log-status OK; NODATA and SKIPDATA records are a handful per interface and
 * capture window, nothing next to the traffic records at the volumes priced here):
 *
 * - `length`: the characters of the value when there is one, and `present`: the share of records
 *   that have one (the others carry `-`, one character). A plain-text record (CloudWatch Logs
 *   event or S3 line) is the values joined by single spaces plus a line end.
 * - `parquet`: the bytes the field's column takes per record in a GZIP-compressed Parquet object
 *   of realistic size (a 5-minute batch of a busy VPC: 10^4 to 10^5 records). The model follows
 *   how Parquet stores each kind of column: a value that is the same for the whole flow log
 *   (version, account, VPC, region) is one dictionary entry plus a run-length-encoded index,
 *   ~0.01 B; mostly-null columns cost their definition levels, ~0.01-0.05 B; a handful of values
 *   (action, protocol, type, direction) is a bit-packed dictionary index, 0.05-0.2 B; interfaces,
 *   subnets and instances (tens to hundreds per VPC) 0.3-0.5 B; addresses (thousands of peers)
 *   ~2 B; ephemeral ports ~1.5 B; timestamps, close together within a batch, ~1.5 B; byte and
 *   packet counts 1-2.5 B. The figures sit above what DuckDB writes for the generated sample lake
 *   (whose few hosts and peers compress better than a real VPC's; tests/tools/costModel.spec.ts
 *   measures both), and the whole v2 record comes to about an eighth of its text, in line with
 *   the 6-8x gzip ratio flow log text reaches and AWS's "20 percent less storage" for Parquet than
 *   gzip.
 *
 * All of it is an estimate: the sizes of a day of a real VPC's objects in S3 (records per object
 * from an Athena count) replace it.
 */
import { FLOW_LOG_FIELDS, FlowLogField, FieldKind } from "../../flowlogs/fields";

export interface FieldSize {
    /** Share of traffic records that carry a value (the rest carry `-`). */
    readonly present: number;
    /** Typical characters of the value when present. */
    readonly length: number;
    /** Estimated compressed bytes per record of the field's Parquet column. */
    readonly parquet: number;
}

const s = (present: number, length: number, parquet: number): FieldSize => ({ present, length, parquet });

/** ECS task traffic as a share of all traffic records (the ECS fields are `-` elsewhere). */
const ECS_SHARE = 0.05;
/** Of which on the EC2 launch type (container instance fields present; Fargate has none). */
const ECS_EC2_SHARE = 0.025;

/**
 * Per field: typical value and its Parquet cost. Lengths: ids are a prefix and 17 hex digits
 * (`eni-` 21, `subnet-` 24, `i-` 19); addresses mix private IPv4 (10.x.y.z, 11-12), public IPv4
 * (13-15) and a minority of IPv6 (25-39), about 13 on average; one port of a flow is ephemeral (5
 * digits), the other a service port (2-4); epoch seconds are 10 digits.
 */
export const FIELD_SIZES: Readonly<Record<string, FieldSize>> = {
    version: s(1, 1, 0.01),
    "account-id": s(1, 12, 0.01),
    "interface-id": s(1, 21, 0.4),
    srcaddr: s(1, 13, 2),
    dstaddr: s(1, 13, 2),
    srcport: s(1, 4.4, 1.5),
    dstport: s(1, 3.8, 1.5),
    protocol: s(1, 1.1, 0.1),
    packets: s(1, 1.7, 1),
    bytes: s(1, 3.8, 2.5),
    start: s(1, 10, 1.5),
    end: s(1, 10, 1.5),
    action: s(1, 6, 0.1),
    "log-status": s(1, 2, 0.05),
    "vpc-id": s(1, 21, 0.01),
    "subnet-id": s(1, 24, 0.3),
    "instance-id": s(0.85, 19, 0.4),
    "tcp-flags": s(1, 1.4, 0.2),
    type: s(1, 4, 0.05),
    "pkt-srcaddr": s(1, 13, 2),
    "pkt-dstaddr": s(1, 13, 2),
    region: s(1, 10, 0.01),
    "az-id": s(1, 8, 0.2),
    "sublocation-type": s(0, 9, 0.01),
    "sublocation-id": s(0, 20, 0.01),
    "pkt-src-aws-service": s(0.05, 4, 0.05),
    "pkt-dst-aws-service": s(0.05, 4, 0.05),
    "flow-direction": s(1, 6.5, 0.1),
    "traffic-path": s(0.35, 1, 0.1),
    "ecs-cluster-arn": s(ECS_SHARE, 60, 0.05),
    "ecs-cluster-name": s(ECS_SHARE, 12, 0.05),
    "ecs-container-instance-arn": s(ECS_EC2_SHARE, 95, 0.05),
    "ecs-container-instance-id": s(ECS_EC2_SHARE, 32, 0.05),
    "ecs-container-id": s(ECS_SHARE, 64, 0.05),
    "ecs-second-container-id": s(0.01, 64, 0.02),
    "ecs-service-name": s(ECS_SHARE, 12, 0.05),
    "ecs-task-definition-arn": s(ECS_SHARE, 75, 0.05),
    "ecs-task-arn": s(ECS_SHARE, 95, 0.05),
    "ecs-task-id": s(ECS_SHARE, 32, 0.05),
    "reject-reason": s(0.03, 3, 0.02),
};

/**
 * A field the table does not know yet (AWS adds fields; flowlogs/fields.ts may list them before
 * this model does): priced as an average string or number column, and reported.
 */
export function sizeOf(field: FlowLogField): FieldSize & { readonly modelled: boolean } {
    const known = FIELD_SIZES[field.name];
    if (known) return { ...known, modelled: true };
    return field.kind === FieldKind.STRING ? { ...s(1, 20, 0.5), modelled: false } : { ...s(1, 5, 1), modelled: false };
}

/** The fields of a format the model has no figures for. */
export function unmodelledFields(fields: readonly FlowLogField[]): string[] {
    return fields.filter((field) => !FIELD_SIZES[field.name]).map((field) => field.name);
}

/** Characters of one field in a plain-text record (`-` when absent). */
export function textFieldBytes(field: FlowLogField): number {
    const size = sizeOf(field);
    return size.present * size.length + (1 - size.present) * 1;
}

/** Bytes of one plain-text record: values, the spaces between them, and the line end. */
export function textBytesPerRecord(fields: readonly FlowLogField[]): number {
    if (fields.length === 0) return 0;
    return fields.reduce((sum, field) => sum + textFieldBytes(field), 0) + (fields.length - 1) + 1;
}

/** Compressed bytes of one record in a Parquet object (the sum of its columns). */
export function parquetBytesPerRecord(fields: readonly FlowLogField[]): number {
    return fields.reduce((sum, field) => sum + sizeOf(field).parquet, 0);
}

/**
 * Bytes of one record in a gzip-compressed plain-text object, from the Parquet size and AWS's
 * statement that Parquet takes about 20 % less storage than gzip text (`parquetShare`).
 */
export function gzipTextBytesPerRecord(fields: readonly FlowLogField[], parquetShare: number): number {
    return parquetBytesPerRecord(fields) / parquetShare;
}

/** Every field of the table, for the model's own coverage check. */
export const MODELLED_FIELDS: readonly FlowLogField[] = FLOW_LOG_FIELDS;

/**
 * Bytes of one record as a JSON object on one line (`{"version":2,"account_id":"...",...}`), the
 * form a Lambda function hands Kinesis Data Firehose for Parquet conversion: each field's column
 * name, quotes, colon and comma around its value; strings quoted; a missing value as null.
 */
export function jsonBytesPerRecord(fields: readonly FlowLogField[]): number {
    const perField = fields.map((field) => {
        const size = sizeOf(field);
        const quotes = field.kind === FieldKind.STRING ? 2 : 0;
        const value = size.present * (size.length + quotes) + (1 - size.present) * "null".length;
        return field.name.length + 3 + value; // "name": value
    });
    return perField.reduce((a, b) => a + b, 0) + Math.max(fields.length - 1, 0) + 2 + 1; // commas, braces, line end
}
