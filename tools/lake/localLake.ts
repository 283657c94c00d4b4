/**
 * A local copy of the flow log tree, queried with DuckDB as Athena queries the lake.
 *
 * `LocalLake.open(dir)` finds the flow log objects under `dir` (as AWS names them), and defines a
 * `flow_logs` view with the columns of the log format the files carry, typed as the Glue table
 * types them (components/lake/layout.ts lakeColumns), plus its partition keys as strings. Like the
 * Glue table, which follows the stack's `lake.fields`, the view has only the format's columns: a
 * query that reads another one is refused (`missingColumns`).
 *
 * - Parquet in the hive-compatible per-hour layout (the lake's): DuckDB's hive partitioning reads
 *   aws-region/year/month/day/hour from the folders, so a predicate on them skips files as
 *   partition projection skips prefixes in Athena. Columns are matched by name, as Athena's
 *   Parquet reader does; a column missing from the files (a narrower log format) reads as NULL.
 * - Plain text (`.log.gz`), or Parquet in another layout: each file's header line names its
 *   fields; the partition values come from the object name (region, and the hour of the
 *   `YYYYMMDDTHHmmZ` stamp), which is the folder's hour in every per-hour layout.
 *
 * Named queries run through dialect.ts with a fixed `now`.
 */
import { DuckDBConnection, DuckDBInstance, DuckDBTimestampTZValue, DuckDBTimestampValue } from "@duckdb/node-api";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { columnName, FieldKind, FLOW_LOG_FIELDS, FlowLogField, inTableOrder } from "../../flowlogs/fields";
import { LAKE_ALL_FIELDS } from "../../components/defaults";
import { FLOW_LOG_TABLE, lakeColumns, PARTITION_KEYS } from "../../components/lake/layout";
import { columnsRead, NamedQuery } from "../../components/lake/queries";
import { InputError } from "../files/inputError";
import { pseudoFilesystemOf, pseudoMountPoints, readMounts } from "../files/mounts";
import { describeFsError } from "../files/outputDir";
import { FileFormat } from "./delivery";
import { SESSION_SETUP, toDuckDb } from "./dialect";
import { sqlString } from "./writer";

/** A problem with the input the user can fix: printed alone, exit status 2. */
export class LakeInputError extends InputError {}

/** `<acct>_vpcflowlogs_<region>_<fl-id>_<YYYYMMDDTHHmmZ>_<hash>.log.parquet|.log.gz` */
export const OBJECT_NAME =
    /^(\d{12})_vpcflowlogs_([a-z0-9-]+)_(fl-[0-9a-f]+)_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_([0-9a-f]+)\.log\.(parquet|gz)$/;
/** The hive per-hour folders right above a Parquet object. */
const HIVE_HOUR_FOLDERS = /\/aws-region=[a-z0-9-]+\/year=\d{4}\/month=\d{2}\/day=\d{2}\/hour=\d{2}\/[^/]+$/;

export interface LakeFiles {
    readonly parquet: readonly string[];
    readonly plainText: readonly string[];
}

/**
 * Every flow log object under `dir` (absolute paths, sorted). Hidden folders are skipped, and so
 * are the kernel's pseudo file systems (/proc, /sys, ... when `dir` is `/`, or `dir` itself): they
 * hold no flow logs, and walking them meets folders no one may read. Symbolic links are not followed. Walked
 * with a list of folders to visit, not recursion, so any depth is fine.
 */
export function findFlowLogFiles(dir: string): LakeFiles {
    const parquet: string[] = [];
    const plainText: string[] = [];
    const mounts = readMounts();
    const root = path.resolve(dir);
    if (pseudoFilesystemOf(root, mounts)) return { parquet, plainText };
    const skipped = pseudoMountPoints(mounts);
    const folders = [root];
    while (folders.length > 0) {
        const folder = folders.pop()!;
        let entries: fs.Dirent[];
        try {
            entries = fs.readdirSync(folder, { withFileTypes: true });
        } catch (err) {
            throw new LakeInputError(`cannot read the folder ${folder}: ${describeFsError(err)}`);
        }
        for (const entry of entries) {
            if (entry.name.startsWith(".")) continue;
            const full = path.join(folder, entry.name);
            if (entry.isDirectory()) {
                if (!skipped.has(full)) folders.push(full);
            } else if (entry.isFile()) {
                const match = OBJECT_NAME.exec(entry.name);
                if (match) (match[10] === "parquet" ? parquet : plainText).push(full);
            }
        }
    }
    return { parquet: parquet.sort(), plainText: plainText.sort() };
}

export type FileFormatChoice = FileFormat | "auto";

export interface QueryResult {
    readonly columns: readonly string[];
    readonly rows: readonly Record<string, string | number | null>[];
    /** The DuckDB SQL that ran. */
    readonly sql: string;
}

const GLUE_TO_DUCKDB: Readonly<Record<string, string>> = { int: "INTEGER", bigint: "BIGINT", string: "VARCHAR" };
const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** Partition values from the object name, in DuckDB regexp_extract groups. */
const NAME_GROUPS = { aws_region: 2, year: 4, month: 5, day: 6, hour: 7 } as const;

export class LocalLake {
    private constructor(
        private readonly instance: DuckDBInstance,
        private readonly connection: DuckDBConnection,
        /** The format the view reads. */
        readonly format: FileFormat,
        /** The files the view reads. */
        readonly files: readonly string[],
        /** Whether partitions come from hive folders (and DuckDB prunes files on them). */
        readonly hivePartitions: boolean,
        /** The log format's fields the files carry (the union, in table order): the view's record columns. */
        readonly fields: readonly FlowLogField[],
    ) {}

    /** The record columns a named query reads that these files do not carry. */
    missingColumns(named: NamedQuery): string[] {
        const present = new Set(this.fields.map(columnName));
        return named.columns.filter((column) => !present.has(column));
    }

    /**
     * Opens the flow log tree under `dir`. `fileFormat` "auto" reads whichever format is there
     * and refuses to guess when both are.
     */
    static async open(dir: string, fileFormat: FileFormatChoice = "auto"): Promise<LocalLake> {
        if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
            throw new LakeInputError(`--data ${dir}: no such directory`);
        }
        const found = findFlowLogFiles(dir);
        const format = chooseFormat(dir, found, fileFormat);
        const files = format === FileFormat.PARQUET ? found.parquet : found.plainText;
        const instance = await DuckDBInstance.create(":memory:");
        const connection = await instance.connect();
        try {
            for (const statement of SESSION_SETUP) await connection.run(statement);
            let hive = false;
            let view: View;
            if (format === FileFormat.PARQUET) {
                hive = files.every((file) => HIVE_HOUR_FOLDERS.test(toSlashes(file)));
                view = await parquetView(connection, files, hive);
            } else {
                view = plainTextView(files);
            }
            await connection.run(view.view);
            return new LocalLake(instance, connection, format, files, hive, view.fields);
        } catch (err) {
            const unreadable = await unreadableFile(err, connection, format, files);
            connection.closeSync();
            instance.closeSync();
            throw unreadable ?? err;
        }
    }

    /**
     * Runs a named query: `params` by name, `now` standing in for current_timestamp. With a
     * `selection` (a predicate such as queries.ts selectionPredicate gives), the query runs over it
     * instead of its own window. A query (or selection) that reads a column the files' format lacks
     * is refused by name rather than answered with NULLs.
     */
    async query(
        named: NamedQuery,
        params: Readonly<Record<string, string>>,
        now: Date,
        selection?: string,
    ): Promise<QueryResult> {
        const present = new Set(this.fields.map(columnName));
        const missing = [
            ...new Set([...this.missingColumns(named), ...(selection === undefined ? [] : columnsRead(selection))]),
        ].filter((column) => !present.has(column));
        if (missing.length) {
            throw new LakeInputError(
                `query ${named.name} reads ${missing.join(", ")}, which the log format of these files lacks ` +
                    `(they carry ${this.fields.map(columnName).join(", ")}); the lake creates this query only for a format with those fields (lake.fields)`,
            );
        }
        const values = named.parameters.map((name) => {
            if (params[name] === undefined) throw new LakeInputError(`query ${named.name} needs --param ${name}=VALUE`);
            return params[name];
        });
        return this.sql(toDuckDb(selection === undefined ? named.sql : named.over(selection), now), values);
    }

    /** Runs DuckDB SQL against the view; values bind to `?` in order. */
    async sql(sql: string, values: readonly string[] = []): Promise<QueryResult> {
        const reader = await this.run(sql, values);
        const columns = reader.columnNames();
        const rows = reader.getRowObjects().map((row) => {
            const out: Record<string, string | number | null> = {};
            for (const column of columns) out[column] = toPlainValue(row[column], column);
            return out;
        });
        return { columns, rows, sql };
    }

    /** EXPLAIN ANALYZE of `sql`: the files DuckDB read, from its scan operator. */
    async filesRead(
        sql: string,
        values: readonly string[] = [],
    ): Promise<{ scanned: number; of: number; read: number }> {
        const reader = await this.run(`EXPLAIN (ANALYZE, FORMAT json) ${sql}`, values);
        const plan = JSON.parse(String(reader.getRows()[0][1]));
        const scans: Record<string, string>[] = [];
        const walk = (node: { operator_name?: string; extra_info?: Record<string, string>; children?: unknown[] }) => {
            if (node.extra_info && "Total Files Read" in node.extra_info) scans.push(node.extra_info);
            for (const child of node.children ?? []) walk(child as typeof node);
        };
        walk(plan);
        if (scans.length !== 1) throw new Error(`expected one file scan in the plan, found ${scans.length}`);
        const read = Number(scans[0]["Total Files Read"]);
        // DuckDB shows "Scanning Files: n/total" only when its filters skipped some.
        const skipped = scans[0]["Scanning Files"];
        const [scanned, of] =
            skipped === undefined ? [this.files.length, this.files.length] : skipped.split("/").map(Number);
        return { scanned, of, read };
    }

    close(): void {
        this.connection.closeSync();
        this.instance.closeSync();
    }

    /** Runs SQL; a file DuckDB cannot read is reported as a LakeInputError naming it. */
    private async run(sql: string, values: readonly string[]) {
        try {
            return await this.connection.runAndReadAll(sql, values.length ? [...values] : undefined);
        } catch (err) {
            throw (await unreadableFile(err, this.connection, this.format, this.files)) ?? err;
        }
    }
}

/**
 * DuckDB's error classes for data it could not read (a damaged file, a row that does not fit),
 * as opposed to a mistake in the SQL, which stays a bug.
 */
const DATA_ERROR = /^(Invalid Input Error|IO Error|Conversion Error|Invalid Error|Serialization Error): /;

/**
 * The file behind a DuckDB read error, as a LakeInputError naming it (and, for plain text, the
 * line DuckDB gives), or undefined when the error is not about the data or no file is to blame.
 * DuckDB names the file in most messages; when it does not (a Parquet file whose metadata is
 * garbled), each file is read on its own until one fails: slow, but only on the way to an error.
 */
async function unreadableFile(
    err: unknown,
    connection: DuckDBConnection,
    format: FileFormat,
    files: readonly string[],
): Promise<LakeInputError | undefined> {
    const message = err instanceof Error ? err.message : "";
    if (err instanceof LakeInputError || !DATA_ERROR.test(message)) return undefined;
    const named = files.find((file) => message.includes(file));
    if (named !== undefined) return readFailure(named, format, message);
    for (const file of files) {
        try {
            const source =
                format === FileFormat.PARQUET
                    ? `read_parquet(${sqlString(file)}, hive_partitioning = false)`
                    : plainTextSource([file], headerOf(file).split(/\s+/));
            await connection.runAndReadAll(`SELECT * FROM ${source}`);
        } catch (fileErr) {
            if (fileErr instanceof LakeInputError) return fileErr;
            const fileMessage = fileErr instanceof Error ? fileErr.message : String(fileErr);
            if (DATA_ERROR.test(fileMessage)) return readFailure(file, format, fileMessage);
        }
    }
    return undefined;
}

/** What to do about a file that cannot be read. */
const REPLACE_IT = "copy the object again from the bucket (aws s3 cp), or move the file out of the folder";

function readFailure(file: string, format: FileFormat, message: string): LakeInputError {
    // DuckDB's first line, without its class and the file name (the message names the file first).
    const first = message
        .split("\n")[0]
        .replace(DATA_ERROR, "")
        .replace(/\s*'[^']*'|\s*"[^"]*"/g, (quoted) => (quoted.includes(file) ? "" : quoted))
        // Garbled metadata puts raw bytes in the text ("don't know what type: \u000f").
        .replace(/[\u0000-\u001f\u007f]/g, "")
        .replace(/[\s:.]+$/, "");
    if (format === FileFormat.PARQUET) {
        const why = /too small to be a Parquet file/.test(first)
            ? `it is too small to be one (${fileSize(file)} bytes)`
            : /No magic bytes found at end of file/.test(first)
              ? "it has no Parquet footer at its end (cut short, or not Parquet)"
              : message.startsWith("Invalid Error: ")
                ? `its metadata cannot be decoded (DuckDB says: ${first})`
                : `DuckDB says: ${first}`;
        return new LakeInputError(`${file}: not a readable Parquet file: ${why}; ${REPLACE_IT}`);
    }
    const line = /CSV Error on Line: (\d+)/.exec(message)?.[1];
    const original = /\nOriginal Line: ?(.*)/.exec(message)?.[1];
    const columns = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
    const conversion = /Error when converting column "([^"]+)"\. (.*)/.exec(message);
    const what = columns
        ? `${columns[2]} fields where the header names ${columns[1]}`
        : conversion
          ? `field ${conversion[1]}: ${conversion[2].replace(/\.$/, "")}`
          : `DuckDB says: ${first}`;
    const shown =
        original === undefined
            ? ""
            : `: ${JSON.stringify(original.length > 200 ? `${original.slice(0, 200)}...` : original)}`;
    return new LakeInputError(
        `${file}: ${line === undefined ? "" : `line ${line}: `}not a flow log record of the header's fields: ${what}${shown}; ${REPLACE_IT}`,
    );
}

function fileSize(file: string): number {
    try {
        return fs.statSync(file).size;
    } catch {
        return 0;
    }
}

function toSlashes(file: string): string {
    return file.split(path.sep).join("/");
}

function chooseFormat(dir: string, found: LakeFiles, choice: FileFormatChoice): FileFormat {
    const counts = `${found.parquet.length} Parquet (.log.parquet) and ${found.plainText.length} plain-text (.log.gz)`;
    if (choice === FileFormat.PARQUET || choice === FileFormat.PLAIN_TEXT) {
        const files = choice === FileFormat.PARQUET ? found.parquet : found.plainText;
        if (files.length === 0)
            throw new LakeInputError(`--data ${dir}: no ${choice} flow log files (found ${counts})`);
        return choice;
    }
    if (found.parquet.length && found.plainText.length) {
        throw new LakeInputError(
            `--data ${dir} holds ${counts} flow log files; choose one with --file-format parquet or --file-format plain-text`,
        );
    }
    if (found.parquet.length) return FileFormat.PARQUET;
    if (found.plainText.length) return FileFormat.PLAIN_TEXT;
    throw new LakeInputError(
        `--data ${dir}: no flow log files; expected objects named like 123456789012_vpcflowlogs_us-east-1_fl-0123456789abcdef0_20261105T0705Z_1a2b3c4d.log.parquet (or .log.gz), as AWS delivers them to S3`,
    );
}

/** The Glue table's columns for these fields with their DuckDB types, and the field each comes from. */
function tableColumns(fields: readonly FlowLogField[]): { name: string; type: string; fieldName: string }[] {
    return lakeColumns(fields).map((column, i) => ({
        name: column.name,
        type: GLUE_TO_DUCKDB[column.type],
        fieldName: fields[i].name,
    }));
}

function partitionsFromName(): string {
    return PARTITION_KEYS.map(
        (key) =>
            `regexp_extract(filename, ${sqlString(OBJECT_NAME.source.replace("^", "(?:^|/)"))}, ${NAME_GROUPS[key.name]}) AS ${key.name}`,
    ).join(", ");
}

async function parquetView(connection: DuckDBConnection, files: readonly string[], hive: boolean): Promise<View> {
    const list = `[${files.map(sqlString).join(", ")}]`;
    // Files of different log formats have different columns: then match them by name (slower
    // to bind, so only when needed).
    const schemas = await connection.runAndReadAll(
        `SELECT count(DISTINCT columns) FROM (SELECT file_name, string_agg(name || ' ' || coalesce(type, ''), ',' ORDER BY name) AS columns ` +
            `FROM parquet_schema(${list}) GROUP BY file_name)`,
    );
    const unionByName = Number(schemas.getRows()[0][0]) > 1;
    await checkParquetColumns(connection, list);
    const source = hive
        ? `read_parquet(${list}, hive_partitioning = true, hive_types_autocast = false, union_by_name = ${unionByName})`
        : `read_parquet(${list}, hive_partitioning = false, union_by_name = ${unionByName}, filename = true)`;
    const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
    const present = new Set(described.getRowObjects().map((row) => String(row.column_name)));
    const fields = FLOW_LOG_FIELDS.filter((field) => present.has(columnName(field)));
    const select = tableColumns(fields).map(
        ({ name, type }) => `CAST(${quoteIdentifier(name)} AS ${type}) AS ${quoteIdentifier(name)}`,
    );
    // Hive folders name the region `aws-region`; the Glue partition key is aws_region.
    const partitions = hive
        ? PARTITION_KEYS.map((key) => `${quoteIdentifier(key.pathKey)} AS ${key.name}`).join(", ")
        : partitionsFromName();
    return {
        fields,
        view: `CREATE VIEW ${FLOW_LOG_TABLE} AS SELECT ${select.join(", ")}, ${partitions} FROM ${source}`,
    };
}

/** The Parquet physical types a column of each Glue type may have (AWS writes INT32, INT64, BYTE_ARRAY). */
const PARQUET_TYPES: Readonly<Record<string, readonly string[]>> = {
    int: ["INT32", "INT64"],
    bigint: ["INT32", "INT64"],
    string: ["BYTE_ARRAY"],
};

/**
 * Refuses a file named like a flow log object that is not one: none of the table's columns, or
 * one of them with a type that cannot be read as the table's (a string where a number belongs
 * would fail, or be skipped, only in the queries that read it, without naming the file).
 */
async function checkParquetColumns(connection: DuckDBConnection, list: string): Promise<void> {
    const columns = lakeColumns(LAKE_ALL_FIELDS);
    const names = columns.map((column) => sqlString(column.name)).join(", ");
    const allowed = columns
        .map(
            (column) =>
                `WHEN ${sqlString(column.name)} THEN type IN (${PARQUET_TYPES[column.type].map(sqlString).join(", ")})`,
        )
        .join(" ");
    const found = await connection.runAndReadAll(
        `SELECT file_name, count(*) FILTER (WHERE name IN (${names})) AS known, ` +
            `list(name || ' is ' || coalesce(type, 'a group') ORDER BY name) FILTER (WHERE name IN (${names}) AND NOT (CASE name ${allowed} END)) AS wrong ` +
            `FROM parquet_schema(${list}) GROUP BY file_name HAVING known = 0 OR len(wrong) > 0 ORDER BY file_name LIMIT 1`,
    );
    const row = found.getRowObjectsJS()[0];
    if (row === undefined) return;
    const file = String(row.file_name);
    if (Number(row.known) === 0) {
        throw new LakeInputError(
            `${file}: not a flow log Parquet file: it has none of the flow log columns (${columns
                .slice(0, 4)
                .map((c) => c.name)
                .join(", ")}, ...); ${REPLACE_IT}`,
        );
    }
    const wrong = (row.wrong as string[])[0];
    const name = wrong.split(" ")[0];
    const type = columns.find((column) => column.name === name)!.type;
    throw new LakeInputError(
        `${file}: not a flow log Parquet file: column ${wrong}, where the table's ${type} column takes ${PARQUET_TYPES[type].join(" or ")}; ${REPLACE_IT}`,
    );
}

/** The header (first line) of a gzip-compressed text object. */
export function headerOf(file: string): string {
    const fd = fs.openSync(file, "r");
    try {
        const buffer = new Uint8Array(64 * 1024);
        const length = fs.readSync(fd, buffer, 0, buffer.length, 0);
        const text = zlib
            .gunzipSync(buffer.subarray(0, length), { finishFlush: zlib.constants.Z_SYNC_FLUSH })
            .toString("utf8");
        const end = text.indexOf("\n");
        if (end < 0) throw new LakeInputError(`${file}: no header line in the first 64 KiB`);
        return text.slice(0, end).trim();
    } catch (err) {
        if (err instanceof LakeInputError) throw err;
        throw new LakeInputError(`${file}: not a gzip-compressed flow log (${(err as Error).message})`);
    } finally {
        fs.closeSync(fd);
    }
}

/** The view's statement and the fields (record columns) it has. */
interface View {
    readonly fields: readonly FlowLogField[];
    readonly view: string;
}

/** The DuckDB type a field is read as from text: the Glue type, so a bad value is reported with its line. */
const TEXT_TYPE: Readonly<Record<FieldKind, string>> = {
    [FieldKind.INT]: "INTEGER",
    [FieldKind.BIGINT]: "BIGINT",
    [FieldKind.STRING]: "VARCHAR",
};

/** read_csv of plain-text objects whose header names `names` (known flow log fields). */
function plainTextSource(files: readonly string[], names: readonly string[]): string {
    const known = new Map(FLOW_LOG_FIELDS.map((field) => [field.name, field]));
    const columns = names
        .map((name) => `${sqlString(name)}: ${sqlString(TEXT_TYPE[known.get(name)?.kind ?? FieldKind.STRING])}`)
        .join(", ");
    return (
        `read_csv([${files.map(sqlString).join(", ")}], delim = ' ', header = true, nullstr = '-', quote = '', escape = '', ` +
        `auto_detect = false, columns = {${columns}}, filename = true, hive_partitioning = false)`
    );
}

function plainTextView(files: readonly string[]): View {
    // Files of one log format share a header; each group is read with its own column list.
    const groups = new Map<string, string[]>();
    for (const file of files) {
        const header = headerOf(file);
        groups.set(header, [...(groups.get(header) ?? []), file]);
    }
    const known = new Map(FLOW_LOG_FIELDS.map((field) => [field.name, field]));
    for (const [header, group] of groups) {
        for (const name of header.split(/\s+/)) {
            if (!known.has(name))
                throw new LakeInputError(`${group[0]}: header field "${name}" is not a VPC flow log field`);
        }
    }
    const fields = inTableOrder([...groups.keys()].flatMap((header) => header.split(/\s+/).map((n) => known.get(n)!)));
    const parts = [...groups.entries()].map(([header, group]) => {
        const names = header.split(/\s+/);
        const source = plainTextSource(group, names);
        const present = new Set(names);
        // The header names fields as the log format does (`account-id`); columns are `account_id`.
        const select = tableColumns(fields).map(({ name, type, fieldName }) =>
            present.has(fieldName)
                ? `CAST(${quoteIdentifier(fieldName)} AS ${type}) AS ${quoteIdentifier(name)}`
                : `CAST(NULL AS ${type}) AS ${quoteIdentifier(name)}`,
        );
        return `SELECT ${select.join(", ")}, ${partitionsFromName()} FROM ${source}`;
    });
    return { fields, view: `CREATE VIEW ${FLOW_LOG_TABLE} AS ${parts.join(" UNION ALL ")}` };
}

/** DuckDB values as plain JSON-able values: integers as numbers, timestamps as Athena prints them. */
function toPlainValue(value: unknown, column: string): string | number | null {
    if (value === null || value === undefined) return null;
    if (typeof value === "number" || typeof value === "string") return value;
    if (typeof value === "bigint") {
        if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
            throw new Error(`column ${column}: ${value} is beyond the integers JavaScript holds exactly`);
        }
        return Number(value);
    }
    if (value instanceof DuckDBTimestampTZValue || value instanceof DuckDBTimestampValue) {
        return formatTimestamp(Number(value.micros / 1000n));
    }
    return String(value);
}

/** `2026-11-05 07:05:00.000 UTC`, as Athena prints a timestamp with time zone. */
export function formatTimestamp(millis: number): string {
    return new Date(millis).toISOString().replace("T", " ").replace("Z", " UTC");
}
