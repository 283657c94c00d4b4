/**
 * npm run generate -- --out DIR [--days N] [--seed S] [--end TIME] [--file-format parquet|plain-text|both] [--account ID]
 *                      [--fields default|all|NAME,NAME,...]
 *
 * Writes sample flow logs for three VPCs in two regions, as AWS delivers them to the lake bucket
 * (Parquet, hive-compatible hourly folders; or plain-text gzip in the default layout), so the
 * named queries can be tried with `npm run query`. The records end at --end (default: the start
 * of the current hour, UTC); the same seed and end give the same files. --fields is the lake format
 * to write, as the stack's `lake.fields` says it (default: the lake's default format).
 *
 * Exit status: 0 written, 2 bad usage (nothing written).
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { deliver, FileFormat } from "../lake/delivery";
import { DEFAULT_ACCOUNT_ID, generateLake, GeneratedLake, MAX_DAYS } from "../lake/generator";
import { findFlowLogFiles } from "../lake/localLake";
import { writeParquetObjects, writePlainTextObjects } from "../lake/writer";
import { FlowLogField } from "../../flowlogs/fields";
import { LakeFieldsChoice } from "../../components/defaults";
import { lakeFieldsProblems, resolveLakeFields } from "../../components/lake/layout";

export const USAGE =
    "usage: npm run generate -- --out DIR [--days N] [--seed S] [--end TIME] [--file-format parquet|plain-text|both] [--account ID] [--fields default|all|NAME,NAME,...]";

/** A usage problem: printed alone, exit status 2. */
export class UsageError extends Error {}

const FILE_FORMATS = ["parquet", "plain-text", "both"] as const;
type FileFormatChoice = (typeof FILE_FORMATS)[number];

export interface GenerateRequest {
    readonly out: string;
    readonly days: number;
    readonly seed: number;
    readonly end: Date;
    readonly fileFormat: FileFormatChoice;
    readonly accountId: string;
    /** Whether --end was given (the "try" hint then fixes --now). */
    readonly endGiven: boolean;
    /** The lake format the objects carry. */
    readonly fields: readonly FlowLogField[];
}

/** `default`, `all`, or a comma-separated list of field names, as `lake.fields` takes them. */
export function parseFieldsOption(text: string): LakeFieldsChoice {
    return text === LakeFieldsChoice.DEFAULT || text === LakeFieldsChoice.ALL ? text : text.split(",");
}

/** The start of the hour `now` is in, UTC. */
export function currentHour(now: Date): Date {
    return new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
}

export function parseRequest(argv: readonly string[], clock: () => Date = () => new Date()): GenerateRequest {
    const { values, positionals } = parseArgs({
        args: [...argv],
        options: {
            out: { type: "string" },
            days: { type: "string", default: "3" },
            seed: { type: "string", default: "1" },
            end: { type: "string" },
            "file-format": { type: "string", default: "parquet" },
            account: { type: "string", default: DEFAULT_ACCOUNT_ID },
            fields: { type: "string", default: LakeFieldsChoice.DEFAULT },
        },
        allowPositionals: true,
        strict: true,
    });
    if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}\n${USAGE}`);
    if (values.out === undefined)
        throw new UsageError(`--out DIR is required: where to write the flow log tree\n${USAGE}`);
    const problems: string[] = [];
    const days = Number(values.days);
    if (!/^\d+$/.test(values.days!) || days < 1 || days > MAX_DAYS)
        problems.push(`--days ${values.days}: expected a whole number from 1 to ${MAX_DAYS}`);
    const seed = Number(values.seed);
    if (!/^\d+$/.test(values.seed!) || seed > 0xffffffff)
        problems.push(`--seed ${values.seed}: expected a whole number from 0 to 4294967295`);
    let end = currentHour(clock());
    if (values.end !== undefined) {
        end = new Date(values.end);
        const iso = /^\d{4}-\d{2}-\d{2}T\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})$/.test(values.end);
        if (!iso || Number.isNaN(end.getTime()) || end.getTime() % 3_600_000 !== 0) {
            problems.push(
                `--end ${values.end}: expected a whole hour in ISO 8601 with its zone, e.g. 2026-11-05T07:00:00Z`,
            );
        }
    }
    if (!(FILE_FORMATS as readonly string[]).includes(values["file-format"]!)) {
        problems.push(`--file-format ${values["file-format"]}: expected ${FILE_FORMATS.join(", ")}`);
    }
    if (!/^\d{12}$/.test(values.account!))
        problems.push(`--account ${values.account}: expected a 12-digit AWS account id`);
    const fields = parseFieldsOption(values.fields!);
    problems.push(
        ...lakeFieldsProblems(fields).map(
            (p) => `--fields ${values.fields}: ${p.what}; given ${JSON.stringify(p.given)}. Allowed: ${p.allowed}`,
        ),
    );
    if (problems.length) throw new UsageError(`${problems.join("\n")}\n${USAGE}`);
    return {
        out: values.out,
        days,
        seed,
        end,
        fileFormat: values["file-format"] as FileFormatChoice,
        accountId: values.account!,
        endGiven: values.end !== undefined,
        fields: resolveLakeFields(fields),
    };
}

/** Refuses an --out that is a file or already holds flow logs (the trees would mix). */
function checkOut(out: string): void {
    if (!fs.existsSync(out)) return;
    if (!fs.statSync(out).isDirectory()) throw new UsageError(`--out ${out} is a file, not a directory`);
    const found = findFlowLogFiles(out);
    const count = found.parquet.length + found.plainText.length;
    if (count > 0)
        throw new UsageError(`--out ${out} already holds ${count} flow log files; choose a new or empty directory`);
}

export interface GenerateSummary {
    readonly lake: GeneratedLake;
    readonly written: { readonly format: FileFormat; readonly objects: number; readonly root: string }[];
}

/** Generates and writes the sample tree. */
export async function generate(request: GenerateRequest): Promise<GenerateSummary> {
    checkOut(request.out);
    const lake = generateLake({
        seed: request.seed,
        end: request.end,
        days: request.days,
        accountId: request.accountId,
    });
    fs.mkdirSync(request.out, { recursive: true });
    const written: GenerateSummary["written"] = [];
    if (request.fileFormat !== "plain-text") {
        const objects = deliver(lake, FileFormat.PARQUET);
        await writeParquetObjects(request.out, objects, request.fields);
        written.push({
            format: FileFormat.PARQUET,
            objects: objects.length,
            root: commonRoot(objects.map((o) => o.key)),
        });
    }
    if (request.fileFormat !== "parquet") {
        const objects = deliver(lake, FileFormat.PLAIN_TEXT);
        writePlainTextObjects(request.out, objects, request.fields);
        written.push({
            format: FileFormat.PLAIN_TEXT,
            objects: objects.length,
            root: commonRoot(objects.map((o) => o.key)),
        });
    }
    return { lake, written };
}

/** The longest common folder of keys, ending in `/`. */
function commonRoot(keys: readonly string[]): string {
    const parts = keys.map((key) => key.split("/").slice(0, -1));
    const first = parts[0] ?? [];
    let n = 0;
    while (n < first.length && parts.every((p) => p[n] === first[n])) n++;
    return first
        .slice(0, n)
        .map((p) => p + "/")
        .join("");
}

const utc = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC";

export function describe(request: GenerateRequest, summary: GenerateSummary): string {
    const { lake } = summary;
    const regions = new Set(lake.vpcs.map((vpc) => vpc.region));
    const lines = [
        `Generated ${lake.records.length} flow log records for ${lake.vpcs.length} VPCs in ${regions.size} regions, ` +
            `${utc(lake.startSeconds)} to ${utc(lake.endSeconds)} (${request.days} ${request.days === 1 ? "day" : "days"}), seed ${request.seed}:`,
    ];
    const width = Math.max(...lake.vpcs.map((vpc) => vpc.region.length));
    const nameWidth = Math.max(...lake.vpcs.map((vpc) => vpc.name.length));
    for (const vpc of lake.vpcs) {
        const notes = [
            `${vpc.interfaces.length} interfaces`,
            vpc.cidr,
            ...(vpc.ipv6Cidr ? [vpc.ipv6Cidr] : []),
            ...(vpc.blockPublicAccess ? ["Block Public Access"] : []),
        ];
        lines.push(
            `  ${vpc.region.padEnd(width)}  ${vpc.name.padEnd(nameWidth)}  ${vpc.id}  ${vpc.flowLogId}  ${notes.join(", ")}`,
        );
    }
    const scan = lake.scenario.portScan;
    lines.push(
        `Port scan of ${scan.target} (TCP 1-1024) from ${scan.source} at ${utc(scan.startedAt)}; ` +
            `SSH/RDP brute force from ${lake.scenario.bruteForce.join(", ")}.`,
    );
    for (const w of summary.written) {
        const kind = w.format === FileFormat.PARQUET ? "Parquet" : "plain-text (gzip)";
        lines.push(`Wrote ${w.objects} ${kind} objects under ${path.join(request.out, w.root)}`);
    }
    const fileFormat = request.fileFormat === "both" ? " --file-format parquet" : "";
    const now = request.endGiven ? ` --now ${request.end.toISOString()}` : "";
    lines.push(`Try: npm run query -- top-rejected-sources --data ${request.out}${fileFormat}${now}`);
    return lines.join("\n") + "\n";
}

export async function main(argv: string[], clock?: () => Date): Promise<number> {
    try {
        const request = parseRequest(argv, clock);
        const summary = await generate(request);
        process.stdout.write(describe(request, summary));
        return 0;
    } catch (err) {
        if (err instanceof UsageError || (err as { code?: string })?.code?.startsWith("ERR_PARSE_ARGS")) {
            process.stderr.write(`${(err as Error).message}\n`);
            return 2;
        }
        throw err;
    }
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
