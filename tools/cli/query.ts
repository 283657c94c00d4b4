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
import { FileFormatChoice, LocalLake } from "../lake/localLake";
import { OutputFormat, render, renderQueryList } from "../lake/render";
import { Exit, InputError, print, runCli, runCommand, UsageError } from "./kit";

export const USAGE = [
    "usage: npm run query -- NAME --data DIR [--param NAME=VALUE ...] [--format table|csv|json] [--now TIME] [--file-format auto|parquet|plain-text]",
    "       npm run query -- --list",
].join("\n");

/*
 * A command line of the wrong shape is a UsageError (the usage line follows the message); a value
 * that cannot be used (a query, a format, a parameter, a time) is an InputError, whose message
 * says what is allowed.
 */
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
        if (positionals.length) throw new UsageError("--list takes no query name");
        return "list";
    }
    if (positionals.length === 0) throw new UsageError("give the name of a query (npm run query -- --list shows them)");
    if (positionals.length > 1) throw new UsageError(`one query at a time; given ${positionals.join(", ")}`);
    const query = NAMED_QUERIES.find((q) => q.name === positionals[0]);
    if (!query) {
        throw new InputError(
            `unknown query "${positionals[0]}"; known queries: ${NAMED_QUERIES.map((q) => q.name).join(", ")}`,
        );
    }
    if (!FORMATS.includes(values.format!))
        throw new InputError(`--format ${values.format}: expected ${FORMATS.join(", ")}`);
    if (!FILE_FORMATS.includes(values["file-format"]!)) {
        throw new InputError(`--file-format ${values["file-format"]}: expected ${FILE_FORMATS.join(", ")}`);
    }
    const params = parseParams(query, values.param ?? []);
    const now = values.now === undefined ? clock() : parseTime(values.now);
    if (values.data === undefined) {
        throw new InputError(
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
        if (!match) throw new InputError(`--param ${JSON.stringify(text)}: expected NAME=VALUE`);
        const [, name, value] = match;
        if (!query.parameters.includes(name)) {
            const takes = query.parameters.length ? `its parameters: ${query.parameters.join(", ")}` : "it takes none";
            throw new InputError(`query ${query.name} has no parameter "${name}"; ${takes}`);
        }
        if (name in params) throw new InputError(`--param ${name} is given twice`);
        params[name] = value;
    }
    const missing = query.parameters.filter((name) => !(name in params));
    if (missing.length) {
        throw new InputError(`query ${query.name} needs ${missing.map((name) => `--param ${name}=VALUE`).join(" ")}`);
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
        throw new InputError(
            `--now ${JSON.stringify(text)}: expected an ISO 8601 time with its zone, e.g. 2026-11-05T07:00:00Z`,
        );
    }
    return time;
}

export function main(argv: string[], clock?: () => Date): Promise<number> {
    return runCommand({ usage: USAGE }, async () => {
        const request = parseRequest(argv, clock);
        if (request === "list") {
            print(renderQueryList(NAMED_QUERIES));
            return Exit.OK;
        }
        const lake = await LocalLake.open(request.data, request.fileFormat);
        try {
            const result = await lake.query(request.query, request.params, request.now);
            print(render(result.columns, result.rows, request.format));
            const kind = lake.format === FileFormat.PARQUET ? "Parquet" : "plain-text";
            process.stderr.write(
                `${request.query.name}: ${result.rows.length} rows from ${lake.files.length} ${kind} files under ${request.data}; ` +
                    `current_timestamp = ${request.now.toISOString()}\n`,
            );
        } finally {
            lake.close();
        }
        return Exit.OK;
    });
}

if (require.main === module) void runCli(main);
