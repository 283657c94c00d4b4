/**
 * A file of VPC flow log records, as the offline tools read it: plain text or gzip (`.gz`, or any
 * file that starts with the gzip magic bytes), one space-separated record per line, in the format
 * the file's header line names (S3 plain-text delivery writes one), the format given with
 * `--format`, or else the default version-2 format when a record has its 14 fields and the format
 * the stack configures for the alarm log group otherwise.
 *
 * A line that is not a record of that format is skipped with its line number and the reason, never
 * thrown: a file of real records is the input, and input must not crash the run. Blank lines and
 * lines starting with `#` (comments in hand-written fixtures; AWS never writes one) are ignored.
 *
 * `parseRecordsText` is pure; `readRecordsFile` adds the file system and gzip.
 */
import * as fs from "fs";
import * as zlib from "zlib";
import { InputError } from "./inputError";
import {
    DEFAULT_FORMAT_FIELDS,
    FLOW_LOG_FIELDS,
    FlowLogField,
    RecordParseError,
    parseLogFormat,
    parseRecord,
} from "../../flowlogs/fields";

/** The file cannot be read, is not gzip although it says so, has no records, or its format cannot be used. */
export class RecordsFileError extends InputError {}

/** Where the format of the records came from. */
export const FormatSource = {
    OPTION: "--format",
    HEADER: "header line",
    DEFAULT: "default",
    ALARM: "alarm log group",
} as const;
export type FormatSource = (typeof FormatSource)[keyof typeof FormatSource];

export interface RecordLine {
    /** 1-based line number in the (decompressed) file. */
    readonly lineNumber: number;
    /** The line as read, without its line break: what CloudWatch would receive as the log event. */
    readonly text: string;
    /** The record's `start` (epoch seconds): CloudWatch Logs takes it as the event time. */
    readonly start: number;
}

export interface SkippedLine {
    readonly lineNumber: number;
    readonly reason: string;
}

export interface RecordsText {
    readonly fields: readonly FlowLogField[];
    readonly formatSource: FormatSource;
    readonly records: readonly RecordLine[];
    readonly skipped: readonly SkippedLine[];
}

export interface RecordsFile extends RecordsText {
    readonly path: string;
    readonly gzip: boolean;
}

export interface RecordsOptions {
    /** The records' format, when the user says it (`--format`). */
    readonly format?: readonly FlowLogField[];
    /** The format the alarm log group receives (monitoredVpc.ts ALARM_LOG_FIELDS). */
    readonly alarmFields: readonly FlowLogField[];
    /** The most bytes of records read, decompressed. @default MAX_RECORDS_BYTES */
    readonly maxBytes?: number;
}

/**
 * The most a records file may hold, decompressed: 128 MiB, about 1.2 million records of the
 * default format. The replay holds every line and its parse in memory (64 MiB of records peaked
 * at 420 MiB RSS), so a larger file would exhaust a small machine's heap; a file that size is
 * a job for Athena over the lake, or for `split` and one replay per part.
 */
export const MAX_RECORDS_BYTES = 128 * 2 ** 20;

/** The last second `Date` can print (9999-12-31T23:59:59Z); a later `start` is not a real time. */
const MAX_START_SECONDS = 253402300799;
const GZIP_MAGIC = [0x1f, 0x8b];
const FIELD_NAMES: ReadonlySet<string> = new Set(FLOW_LOG_FIELDS.map((field) => field.name));

export function readRecordsFile(file: string, options: RecordsOptions): RecordsFile {
    const maxBytes = options.maxBytes ?? MAX_RECORDS_BYTES;
    const bytes = readCapped(file, maxBytes);
    const gzip = bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
    if (!gzip && file.endsWith(".gz") && bytes.length > 0) {
        throw new RecordsFileError(`${file}: named .gz but not gzip-compressed (no gzip header)`);
    }
    let text: string;
    try {
        // maxOutputLength caps the inflation itself: zlib stops once the output passes it, so a
        // small file that inflates to gigabytes (a gzip bomb) costs at most the limit.
        // The cast: @types/node 20.9's Buffer does not satisfy TypeScript 5.9's generic Uint8Array (a type-only mismatch).
        text = (
            gzip ? zlib.gunzipSync(bytes as unknown as zlib.InputType, { maxOutputLength: maxBytes }) : bytes
        ).toString("utf8");
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
            throw new RecordsFileError(
                `${file}: inflates to more than ${mib(maxBytes)} MiB; the limit is ${mib(maxBytes)} MiB of records (decompressed): ${SPLIT_HINT}`,
            );
        }
        throw new RecordsFileError(`${file}: not a valid gzip file: ${(err as Error).message}`);
    }
    try {
        return { path: file, gzip, ...parseRecordsText(text, options) };
    } catch (err) {
        if (err instanceof RecordsFileError) throw new RecordsFileError(`${file}: ${err.message}`);
        throw err;
    }
}

const SPLIT_HINT = "replay a part of it (split -l 1000000 FILE part-), or query the lake with Athena";

const mib = (bytes: number) => {
    const value = bytes / 2 ** 20;
    return Number.isInteger(value) ? String(value) : value.toFixed(1);
};

/**
 * The file's bytes, at most `maxBytes` of them: a larger regular file is refused by its size
 * before it is read; anything else (a pipe, /dev/zero) is read until it passes the limit.
 */
function readCapped(file: string, maxBytes: number): Buffer {
    const cannot = (err: unknown): RecordsFileError => {
        const code = (err as NodeJS.ErrnoException).code;
        const why =
            code === "ENOENT"
                ? "no such file"
                : code === "EISDIR"
                  ? "it is a directory"
                  : code === "EACCES"
                    ? "permission denied (EACCES)"
                    : (code ?? String(err));
        return new RecordsFileError(`cannot read records file ${file}: ${why}`);
    };
    let fd: number;
    try {
        fd = fs.openSync(file, "r");
    } catch (err) {
        throw cannot(err);
    }
    try {
        const stat = fs.fstatSync(fd);
        if (stat.isDirectory()) throw cannot(Object.assign(new Error(), { code: "EISDIR" }));
        if (stat.isFile() && stat.size > maxBytes) {
            throw new RecordsFileError(
                `${file}: ${mib(stat.size)} MiB; the limit is ${mib(maxBytes)} MiB of records: ${SPLIT_HINT}`,
            );
        }
        // Uint8Array, not Buffer: @types/node 20.9's Buffer does not satisfy TypeScript 5.9's typed-array generics.
        const chunks: Uint8Array[] = [];
        let total = 0;
        for (;;) {
            const chunk = new Uint8Array(Math.min(1 << 20, maxBytes + 1 - total));
            let read: number;
            try {
                read = fs.readSync(fd, chunk, 0, chunk.length, null);
            } catch (err) {
                throw cannot(err);
            }
            if (read === 0) break;
            chunks.push(chunk.subarray(0, read));
            total += read;
            if (total > maxBytes) {
                throw new RecordsFileError(
                    `${file}: more than ${mib(maxBytes)} MiB; the limit is ${mib(maxBytes)} MiB of records: ${SPLIT_HINT}`,
                );
            }
        }
        return Buffer.concat(chunks);
    } finally {
        fs.closeSync(fd);
    }
}

/** Splits, recognises the format and parses every line; throws RecordsFileError only when nothing can be evaluated. */
export function parseRecordsText(text: string, options: RecordsOptions): RecordsText {
    const lines = text.split(/\r\n|\n|\r/);
    const content = lines
        .map((line, i) => ({ lineNumber: i + 1, text: line.trim() }))
        .filter((line) => line.text !== "" && !line.text.startsWith("#"));
    if (content.length === 0) {
        throw new RecordsFileError("empty: no flow log records (only blank or # comment lines)");
    }

    let body = content;
    let header: FlowLogField[] | undefined;
    if (isHeaderLine(content[0].text)) {
        header = headerFields(content[0].text);
        body = content.slice(1);
    }
    const { fields, formatSource } = chooseFormat(options, header, body[0]?.text);
    if (!fields.some((field) => field.name === "start")) {
        throw new RecordsFileError(
            `the format (${fields.map((f) => f.name).join(" ")}) has no "start" field: CloudWatch Logs takes a record's start as its event time, so the periods cannot be placed`,
        );
    }
    if (body.length === 0) {
        throw new RecordsFileError("empty: a header line and no records");
    }

    const records: RecordLine[] = [];
    const skipped: SkippedLine[] = [];
    for (const line of body) {
        const result = parseLine(line.text, fields);
        if (typeof result === "string") {
            skipped.push({ lineNumber: line.lineNumber, reason: result });
        } else {
            records.push({ lineNumber: line.lineNumber, text: line.text, start: result });
        }
    }
    if (records.length === 0) {
        const hint =
            formatSource === FormatSource.OPTION
                ? ""
                : `; if the records are in another format, say which with --format "<log format>"`;
        throw new RecordsFileError(
            `no valid flow log record in ${skipped.length} line${skipped.length === 1 ? "" : "s"} (format: ${fields.length} fields, ${fields.map((f) => f.name).join(" ")}); first problem, line ${skipped[0].lineNumber}: ${skipped[0].reason}${hint}`,
        );
    }
    return { fields, formatSource, records, skipped };
}

/** S3 plain-text files start with the field names: `version account-id interface-id ...`. */
function isHeaderLine(line: string): boolean {
    return line.split(/\s+/).every((token) => FIELD_NAMES.has(token));
}

function headerFields(line: string): FlowLogField[] {
    try {
        return parseLogFormat(
            line
                .split(/\s+/)
                .map((name) => "${" + name + "}")
                .join(" "),
        );
    } catch (err) {
        throw new RecordsFileError(`the header line is not a flow log format: ${(err as Error).message}`);
    }
}

function chooseFormat(
    options: RecordsOptions,
    header: readonly FlowLogField[] | undefined,
    firstRecord: string | undefined,
): { fields: readonly FlowLogField[]; formatSource: FormatSource } {
    if (options.format !== undefined) {
        if (header !== undefined && !sameFields(header, options.format)) {
            throw new RecordsFileError(
                `the header line names the fields "${header.map((f) => f.name).join(" ")}" but --format says "${options.format.map((f) => f.name).join(" ")}": leave --format out, or fix one of them`,
            );
        }
        return { fields: options.format, formatSource: FormatSource.OPTION };
    }
    if (header !== undefined) return { fields: header, formatSource: FormatSource.HEADER };
    // The default format is recognised by its field count (its order cannot change); anything else is
    // read as the format the stack gives the alarm log group, which is what CloudWatch would receive.
    const count = firstRecord === undefined ? 0 : firstRecord.split(/\s+/).length;
    if (count === DEFAULT_FORMAT_FIELDS.length)
        return { fields: DEFAULT_FORMAT_FIELDS, formatSource: FormatSource.DEFAULT };
    return { fields: options.alarmFields, formatSource: FormatSource.ALARM };
}

function sameFields(a: readonly FlowLogField[], b: readonly FlowLogField[]): boolean {
    return a.length === b.length && a.every((field, i) => field.name === b[i].name);
}

/** The record's start time, or why the line is not a usable record. */
function parseLine(line: string, fields: readonly FlowLogField[]): number | string {
    let start: unknown;
    try {
        start = parseRecord(line, fields).start;
    } catch (err) {
        if (err instanceof RecordParseError) return err.message;
        throw err;
    }
    if (start === null) return `no start time ("-"): the record cannot be placed in a period`;
    if (typeof start !== "number" || start > MAX_START_SECONDS) {
        const raw = line.split(/\s+/)[fields.findIndex((field) => field.name === "start")];
        return `start ${raw} is not a time (epoch seconds up to ${MAX_START_SECONDS})`;
    }
    return start;
}
