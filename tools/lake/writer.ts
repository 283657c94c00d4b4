/**
 * Writes delivered objects to a local folder exactly as AWS writes them to S3: Parquet (written by
 * DuckDB) or gzip-compressed plain text with a header line.
 */
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { columnName, FieldKind, FlowLogField, FlowLogRecord } from "../../flowlogs/fields";
import { LAKE_DEFAULT_FIELDS } from "../../components/defaults";
import { DeliveredObject } from "./delivery";

/**
 * The Parquet type of each column in AWS's files. It follows the field kind (the Glue type),
 * except where AWS's field table gives a narrower physical type: `protocol` is INT_32 in the
 * file and `bigint` in AWS's DDL (reference/aws-flow-logs.md §1.3); Athena widens it on read.
 */
export function parquetType(field: FlowLogField): "INTEGER" | "BIGINT" | "VARCHAR" {
    if (field.name === "protocol") return "INTEGER";
    switch (field.kind) {
        case FieldKind.INT:
            return "INTEGER";
        case FieldKind.BIGINT:
            return "BIGINT";
        case FieldKind.STRING:
            return "VARCHAR";
    }
}

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const sqlString = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * How many objects one COPY writes. A partitioned COPY keeps a Parquet writer open, with its
 * buffers, for every partition (object) until it ends: at about 0.3 MiB each in DuckDB's
 * accounting, the 21,000 objects of a month of sample data ran it out of memory. In batches the
 * memory stays flat whatever the count, and the time is the same (each file's own cost dominates).
 */
export const OBJECTS_PER_COPY = 32;

/** Writes delivered objects as Parquet files (GZIP-compressed, as AWS does) under `outDir`, a batch at a time. */
export class ParquetObjectWriter {
    private batches = 0;

    private constructor(
        private readonly outDir: string,
        private readonly fields: readonly FlowLogField[],
        private readonly instance: DuckDBInstance,
        private readonly connection: DuckDBConnection,
        /** A hidden folder in `outDir` (same file system: files are renamed out of it). */
        private readonly staging: string,
    ) {}

    static async open(
        outDir: string,
        fields: readonly FlowLogField[] = LAKE_DEFAULT_FIELDS,
    ): Promise<ParquetObjectWriter> {
        // One thread: rows keep their order and the files come out byte-for-byte the same every time.
        const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
        const connection = await instance.connect();
        const staging = fs.mkdtempSync(path.join(outDir, ".parquet-staging-"));
        return new ParquetObjectWriter(outDir, fields, instance, connection, staging);
    }

    async write(objects: readonly DeliveredObject[]): Promise<void> {
        for (let first = 0; first < objects.length; first += OBJECTS_PER_COPY) {
            await this.writeBatch(objects.slice(first, first + OBJECTS_PER_COPY));
        }
    }

    private async writeBatch(objects: readonly DeliveredObject[]): Promise<void> {
        const columns = this.fields.map((field) => `${quoteIdentifier(columnName(field))} ${parquetType(field)}`);
        await this.connection.run(
            `CREATE OR REPLACE TABLE staged (object_index INTEGER, row_index INTEGER, ${columns.join(", ")})`,
        );
        await appendRecords(this.connection, objects, this.fields);
        // One partitioned COPY writes a folder per object; each file then moves to its AWS key.
        const folder = path.join(this.staging, String(this.batches++));
        await this.connection.run(
            `COPY (SELECT * EXCLUDE (row_index) FROM staged ORDER BY object_index, row_index) TO ${sqlString(folder)} ` +
                `(FORMAT parquet, COMPRESSION gzip, PARTITION_BY (object_index))`,
        );
        objects.forEach((object, index) => {
            const partition = path.join(folder, `object_index=${index}`);
            const written = fs.readdirSync(partition);
            if (written.length !== 1)
                throw new Error(`DuckDB wrote ${written.length} files for ${object.key}, expected one`);
            const target = path.join(this.outDir, ...object.key.split("/"));
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.renameSync(path.join(partition, written[0]), target);
        });
        fs.rmSync(folder, { recursive: true, force: true });
    }

    close(): void {
        fs.rmSync(this.staging, { recursive: true, force: true });
        this.connection.closeSync();
        this.instance.closeSync();
    }
}

/** Writes every object as a Parquet file (GZIP-compressed, as AWS does) under `outDir`. */
export async function writeParquetObjects(
    outDir: string,
    objects: readonly DeliveredObject[],
    fields: readonly FlowLogField[] = LAKE_DEFAULT_FIELDS,
): Promise<void> {
    if (objects.length === 0) return;
    const writer = await ParquetObjectWriter.open(outDir, fields);
    try {
        await writer.write(objects);
    } finally {
        writer.close();
    }
}

async function appendRecords(
    connection: DuckDBConnection,
    objects: readonly DeliveredObject[],
    fields: readonly FlowLogField[],
): Promise<void> {
    const appender = await connection.createAppender("staged");
    const types = fields.map(parquetType);
    const names = fields.map(columnName);
    objects.forEach((object, objectIndex) => {
        object.records.forEach((record, rowIndex) => {
            appender.appendInteger(objectIndex);
            appender.appendInteger(rowIndex);
            names.forEach((name, i) => {
                const value = record[name];
                if (value === null || value === undefined) appender.appendNull();
                else if (types[i] === "VARCHAR") appender.appendVarchar(String(value));
                else if (types[i] === "INTEGER") appender.appendInteger(Number(value));
                else appender.appendBigInt(BigInt(value));
            });
            appender.endRow();
        });
    });
    appender.closeSync();
}

/**
 * The text of a plain-text object: a header line naming the fields of the log format, then one
 * space-separated record per line, `-` for no value. AWS's Athena DDL for these files skips one
 * header line (reference §3.2); that the header spells the format's field names (`account-id`,
 * hyphenated) is how such files are commonly shown, not quoted from AWS documentation.
 */
export function plainText(
    records: readonly FlowLogRecord[],
    fields: readonly FlowLogField[] = LAKE_DEFAULT_FIELDS,
): string {
    const names = fields.map(columnName);
    const lines = [fields.map((field) => field.name).join(" ")];
    for (const record of records) {
        lines.push(
            names
                .map((name) => (record[name] === null || record[name] === undefined ? "-" : String(record[name])))
                .join(" "),
        );
    }
    return lines.join("\n") + "\n";
}

/** Writes every object as a gzip-compressed plain-text file under `outDir`. */
export function writePlainTextObjects(
    outDir: string,
    objects: readonly DeliveredObject[],
    fields: readonly FlowLogField[] = LAKE_DEFAULT_FIELDS,
): void {
    for (const object of objects) {
        const target = path.join(outDir, ...object.key.split("/"));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        // mtime 0 in the gzip header (Node's default): the same records give the same bytes.
        // A plain Uint8Array: @types/node 20.9's Buffer does not satisfy TypeScript 5.9's typed-array generics.
        fs.writeFileSync(target, new Uint8Array(zlib.gzipSync(plainText(object.records, fields))));
    }
}
