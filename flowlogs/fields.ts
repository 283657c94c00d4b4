/**
 * The one source of truth for VPC flow log fields.
 *
 * Every other spelling of the field list in this project is derived from FLOW_LOG_FIELDS: the
 * `logFormat` string of each flow log, the Glue/Athena columns of the lake table, the column list of
 * metric filter patterns, and the record parser the offline tools use. Order matters: it is the
 * order of the AWS "available fields" table, which is also the order AWS's own Athena DDL uses.
 *
 * Sources: AWS VPC user guide, "Flow log records" (available fields table); AWS Athena DDL for
 * Parquet flow logs (column types).
 */

/** How a field's value is typed once parsed (plain text delivers everything as a string). */
export const FieldKind = { INT: "int", BIGINT: "bigint", STRING: "string" } as const;
export type FieldKind = (typeof FieldKind)[keyof typeof FieldKind];

export interface FlowLogField {
    /** The AWS name, as written in `${...}` in a log format (hyphenated). */
    readonly name: string;
    /** The flow log record version that introduced the field. */
    readonly version: number;
    /** The Athena/Glue column type AWS's own DDL uses for the Parquet delivery. */
    readonly kind: FieldKind;
}

const f = (name: string, version: number, kind: FieldKind): FlowLogField => ({ name, version, kind });
const { INT, BIGINT, STRING } = FieldKind;

export const FLOW_LOG_FIELDS: readonly FlowLogField[] = [
    f("version", 2, INT),
    f("account-id", 2, STRING),
    f("interface-id", 2, STRING),
    f("srcaddr", 2, STRING),
    f("dstaddr", 2, STRING),
    f("srcport", 2, INT),
    f("dstport", 2, INT),
    f("protocol", 2, BIGINT),
    f("packets", 2, BIGINT),
    f("bytes", 2, BIGINT),
    f("start", 2, BIGINT),
    f("end", 2, BIGINT),
    f("action", 2, STRING),
    f("log-status", 2, STRING),
    f("vpc-id", 3, STRING),
    f("subnet-id", 3, STRING),
    f("instance-id", 3, STRING),
    f("tcp-flags", 3, INT),
    f("type", 3, STRING),
    f("pkt-srcaddr", 3, STRING),
    f("pkt-dstaddr", 3, STRING),
    f("region", 4, STRING),
    f("az-id", 4, STRING),
    f("sublocation-type", 4, STRING),
    f("sublocation-id", 4, STRING),
    f("pkt-src-aws-service", 5, STRING),
    f("pkt-dst-aws-service", 5, STRING),
    f("flow-direction", 5, STRING),
    f("traffic-path", 5, INT),
    f("ecs-cluster-arn", 7, STRING),
    f("ecs-cluster-name", 7, STRING),
    f("ecs-container-instance-arn", 7, STRING),
    f("ecs-container-instance-id", 7, STRING),
    f("ecs-container-id", 7, STRING),
    f("ecs-second-container-id", 7, STRING),
    f("ecs-service-name", 7, STRING),
    f("ecs-task-definition-arn", 7, STRING),
    f("ecs-task-arn", 7, STRING),
    f("ecs-task-id", 7, STRING),
    f("reject-reason", 8, STRING),
];

const FIELDS_BY_NAME: ReadonlyMap<string, FlowLogField> = new Map(FLOW_LOG_FIELDS.map((field) => [field.name, field]));

/** The fields of the default format: every version-2 field, in AWS order (the order cannot change). */
export const DEFAULT_FORMAT_FIELDS: readonly FlowLogField[] = FLOW_LOG_FIELDS.filter((field) => field.version === 2);

/**
 * The version-7 ECS fields. A flow log whose format names one fails at creation unless the caller
 * may read ECS (`ecs:ListClusters` and friends) and the account has at least one ECS cluster
 * ("Caller is not authorized to obtain ECS field(s)"), so no default may include them.
 */
export function isEcsField(field: FlowLogField): boolean {
    return field.name.startsWith("ecs-");
}

/** Every field a flow log can be created with without extra permissions: all but the ECS ones. */
export const NON_ECS_FIELDS: readonly FlowLogField[] = FLOW_LOG_FIELDS.filter((field) => !isEcsField(field));

/** The given fields in the order of the field table, each once: the order a format is rendered in. */
export function inTableOrder(fields: Iterable<FlowLogField>): FlowLogField[] {
    const names = new Set([...fields].map((field) => field.name));
    return FLOW_LOG_FIELDS.filter((field) => names.has(field.name));
}

/** Looks a field up by its AWS name; throws on a name AWS does not define. */
export function fieldNamed(name: string): FlowLogField {
    const field = FIELDS_BY_NAME.get(name);
    if (!field) {
        throw new Error(
            `"${name}" is not a VPC flow log field; known fields: ${FLOW_LOG_FIELDS.map((x) => x.name).join(", ")}`,
        );
    }
    return field;
}

/** Renders a custom `logFormat` string: `${version} ${account-id} ...`. */
export function renderLogFormat(fields: readonly FlowLogField[]): string {
    return fields.map((field) => "${" + field.name + "}").join(" ");
}

/** Parses a `logFormat` string back into fields, rejecting unknown or repeated names. */
export function parseLogFormat(format: string): FlowLogField[] {
    const tokens = format.trim().split(/\s+/);
    const seen = new Set<string>();
    return tokens.map((token) => {
        const match = /^\$\{([a-z0-9-]+)\}$/.exec(token);
        if (!match) {
            throw new Error(`log format token "${token}" is not of the form \${field-name}`);
        }
        if (seen.has(match[1])) {
            throw new Error(`log format names the field "${match[1]}" twice`);
        }
        seen.add(match[1]);
        return fieldNamed(match[1]);
    });
}

/** The record version a format produces: "the highest version among the specified fields" (AWS). */
export function formatVersion(fields: readonly FlowLogField[]): number {
    if (fields.length === 0) throw new Error("a log format needs at least one field");
    return Math.max(...fields.map((field) => field.version));
}

/** Column name in Parquet, Glue and Athena: AWS replaces hyphens with underscores. */
export function columnName(field: FlowLogField): string {
    return field.name.replace(/-/g, "_");
}

/** A parsed record: keyed by column name (`log_status`), `-` becomes null. */
export type FlowLogRecord = Record<string, string | number | null>;

/** Why a line could not be parsed, in words a user can act on. */
export class RecordParseError extends Error {}

/**
 * Parses one space-delimited flow log line as delivered in plain text (CloudWatch Logs or S3
 * plain-text). Numeric fields become numbers; `-` (no value, e.g. NODATA records) becomes null.
 */
export function parseRecord(line: string, fields: readonly FlowLogField[] = DEFAULT_FORMAT_FIELDS): FlowLogRecord {
    const values = line.trim().split(/\s+/);
    if (values.length !== fields.length) {
        throw new RecordParseError(`expected ${fields.length} space-separated fields, found ${values.length}`);
    }
    const record: FlowLogRecord = {};
    fields.forEach((field, i) => {
        const raw = values[i];
        if (raw === "-") {
            record[columnName(field)] = null;
        } else if (field.kind === STRING) {
            record[columnName(field)] = raw;
        } else {
            // AWS never writes a negative number; a missing value is the bare "-" handled above.
            if (!/^\d+$/.test(raw)) {
                throw new RecordParseError(`field ${field.name} should be a whole number, found "${raw}"`);
            }
            record[columnName(field)] = Number(raw);
        }
    });
    return record;
}

/**
 * The Logs Insights `parse` command that names every field of a space-delimited record, so the
 * same queries work whatever format a log group receives.
 */
export function logsInsightsParse(fields: readonly FlowLogField[]): string {
    return `parse @message "${fields.map(() => "*").join(" ")}" as ${fields.map(columnName).join(", ")}`;
}

/** 1-based positions of fields in a space-delimited record, as Contributor Insights' CLF format counts them. */
export function clfPositions(fields: readonly FlowLogField[], names: readonly string[]): Record<string, string> {
    const positions: Record<string, string> = {};
    for (const name of names) {
        const index = fields.findIndex((field) => field.name === name);
        if (index < 0) throw new Error(`the log format has no field "${name}"`);
        positions[String(index + 1)] = columnName(fields[index]);
    }
    return positions;
}
