/**
 * npm run query -- NAME --data DIR [--param NAME=VALUE ...] [--format table|csv|json]
 *                   [--now TIME] [--file-format auto|parquet|plain-text]
 * npm run query -- --list
 *
 * Runs one of the lake's named Athena queries with DuckDB over a local copy of the flow log tree
 * (for instance `aws s3 sync s3://<lake-bucket>/vpc-flow-logs/ DIR`, or `npm run generate`):
 * Parquet as the lake receives it, or plain-text gzip. `current_timestamp` is the current time
 * unless --now fixes it. The table goes to stdout; what was read goes to stderr.
 *
 * Exit status: 0 done, 2 bad usage or input (bad directory, unknown query, missing parameter).
 */
import { parseArgs } from "util";
import { NAMED_QUERIES, NamedQuery } from "../../components/lake/queries";
import { FileFormat } from "../lake/delivery";
import { FileFormatChoice, LakeInputError, LocalLake } from "../lake/localLake";
import { OutputFormat, render, renderTable } from "../lake/render";

export const USAGE = [
    "usage: npm run query -- NAME --data DIR [--param NAME=VALUE ...] [--format table|csv|json] [--now TIME] [--file-format auto|parquet|plain-text]",
    "       npm run query -- --list",
].join("\n");

/** A usage or input problem: printed alone, exit status 2. */
export class UsageError extends Error {}

const FORMATS: readonly string[] = Object.values(OutputFormat);
const FILE_FORMATS: readonly string[] = ["auto", ...Object.values(FileFormat)];

export interface QueryRequest {
    readonly query: NamedQuery;
    readonly data: string;
    readonly params: Readonly<Record<string, string>>;
    readonly format: OutputFormat;
    readonly now: Date;
    readonly fileFormat: FileFormatChoice;
}

/** Parses and checks the arguments, before any file is read. */
export function parseRequest(argv: readonly string[], clock: () => Date = () => new Date()): QueryRequest | "list" {
    const { values, positionals } = parseArgs({
        args: [...argv],
        options: {
            data: { type: "string" },
            param: { type: "string", multiple: true },
            format: { type: "string", default: OutputFormat.TABLE },
            now: { type: "string" },
            "file-format": { type: "string", default: "auto" },
            list: { type: "boolean", default: false },
        },
        allowPositionals: true,
        strict: true,
    });
    if (values.list) {
        if (positionals.length) throw new UsageError(`--list takes no query name\n${USAGE}`);
        return "list";
    }
    if (positionals.length === 0)
        throw new UsageError(`give the name of a query (npm run query -- --list shows them)\n${USAGE}`);
    if (positionals.length > 1) throw new UsageError(`one query at a time; given ${positionals.join(", ")}\n${USAGE}`);
    const query = NAMED_QUERIES.find((q) => q.name === positionals[0]);
    if (!query) {
        throw new UsageError(
            `unknown query "${positionals[0]}"; known queries: ${NAMED_QUERIES.map((q) => q.name).join(", ")}`,
        );
    }
    if (!FORMATS.includes(values.format!))
        throw new UsageError(`--format ${values.format}: expected ${FORMATS.join(", ")}`);
    if (!FILE_FORMATS.includes(values["file-format"]!)) {
        throw new UsageError(`--file-format ${values["file-format"]}: expected ${FILE_FORMATS.join(", ")}`);
    }
    const params = parseParams(query, values.param ?? []);
    const now = values.now === undefined ? clock() : parseTime(values.now);
    if (values.data === undefined) {
        throw new UsageError(
            "--data DIR is required: the folder holding a local copy of the flow log tree (e.g. from npm run generate)",
        );
    }
    return {
        query,
        data: values.data,
        params,
        format: values.format as OutputFormat,
        now,
        fileFormat: values["file-format"] as FileFormatChoice,
    };
}

function parseParams(query: NamedQuery, given: readonly string[]): Record<string, string> {
    const params: Record<string, string> = {};
    for (const text of given) {
        const match = /^([A-Za-z][\w-]*)=(.*)$/s.exec(text);
        if (!match) throw new UsageError(`--param ${JSON.stringify(text)}: expected NAME=VALUE`);
        const [, name, value] = match;
        if (!query.parameters.includes(name)) {
            const takes = query.parameters.length ? `its parameters: ${query.parameters.join(", ")}` : "it takes none";
            throw new UsageError(`query ${query.name} has no parameter "${name}"; ${takes}`);
        }
        if (name in params) throw new UsageError(`--param ${name} is given twice`);
        params[name] = value;
    }
    const missing = query.parameters.filter((name) => !(name in params));
    if (missing.length) {
        throw new UsageError(`query ${query.name} needs ${missing.map((name) => `--param ${name}=VALUE`).join(" ")}`);
    }
    return params;
}

/** An ISO 8601 time with a zone, e.g. 2026-11-05T07:00:00Z. */
export function parseTime(text: string): Date {
    const time = new Date(text);
    if (
        !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ||
        Number.isNaN(time.getTime())
    ) {
        throw new UsageError(
            `--now ${JSON.stringify(text)}: expected an ISO 8601 time with its zone, e.g. 2026-11-05T07:00:00Z`,
        );
    }
    return time;
}

export function listQueries(): string {
    const rows = NAMED_QUERIES.map((q) => ({
        name: q.name,
        parameters: q.parameters.map((p) => `--param ${p}=VALUE`).join(" "),
        description: q.description,
    }));
    return renderTable(["name", "parameters", "description"], rows).replace(/\(\d+ rows\)\n$/, "");
}

export async function main(argv: string[], clock?: () => Date): Promise<number> {
    try {
        const request = parseRequest(argv, clock);
        if (request === "list") {
            process.stdout.write(listQueries());
            return 0;
        }
        const lake = await LocalLake.open(request.data, request.fileFormat);
        try {
            const result = await lake.query(request.query, request.params, request.now);
            process.stdout.write(render(result.columns, result.rows, request.format));
            const kind = lake.format === FileFormat.PARQUET ? "Parquet" : "plain-text";
            process.stderr.write(
                `${request.query.name}: ${result.rows.length} rows from ${lake.files.length} ${kind} files under ${request.data}; ` +
                    `current_timestamp = ${request.now.toISOString()}\n`,
            );
        } finally {
            lake.close();
        }
        return 0;
    } catch (err) {
        return reportFailure(err);
    }
}

/** Prints an expected failure without a stack trace and returns its exit status. */
export function reportFailure(err: unknown): number {
    if (
        err instanceof UsageError ||
        err instanceof LakeInputError ||
        (err as { code?: string })?.code?.startsWith("ERR_PARSE_ARGS")
    ) {
        process.stderr.write(`${(err as Error).message}\n`);
        return 2;
    }
    throw err;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (err) => {
            process.stderr.write(`${(err as Error).stack ?? err}\n`);
            process.exit(1);
        },
    );
}
