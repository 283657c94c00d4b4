/**
 * npm run generate -- --out DIR [--days N] [--seed S] [--end TIME] [--file-format parquet|plain-text|both] [--account ID]
 *
 * Writes sample flow logs for three VPCs in two regions, as AWS delivers them to the lake bucket
 * (Parquet, hive-compatible hourly folders; or plain-text gzip in the default layout), so the
 * named queries can be tried with `npm run query`. The records end at --end (default: the start
 * of the current hour, UTC); the same seed and end give the same files.
 *
 * Exit status: 0 written, 2 bad usage (nothing written).
 */
import * as path from "path";
import { parseArgs } from "util";
import { InputError } from "../files/inputError";
import { prepareOutputDir } from "../files/outputDir";
import { FileFormat } from "../lake/delivery";
import { DEFAULT_ACCOUNT_ID, MAX_DAYS } from "../lake/generator";
import { findFlowLogFiles } from "../lake/localLake";
import { SampleLakeSummary, writeSampleLake } from "../lake/sampleLake";

export const USAGE =
    "usage: npm run generate -- --out DIR [--days N] [--seed S] [--end TIME] [--file-format parquet|plain-text|both] [--account ID]";

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
    if (problems.length) throw new UsageError(`${problems.join("\n")}\n${USAGE}`);
    return {
        out: values.out,
        days,
        seed,
        end,
        fileFormat: values["file-format"] as FileFormatChoice,
        accountId: values.account!,
        endGiven: values.end !== undefined,
    };
}

/** Refuses an --out that is a file or already holds flow logs (the trees would mix). */
function checkOut(out: string): void {
    prepareOutputDir(out, "--out");
    const found = findFlowLogFiles(out);
    const count = found.parquet.length + found.plainText.length;
    if (count > 0)
        throw new UsageError(`--out ${out} already holds ${count} flow log files; choose a new or empty directory`);
}

export type GenerateSummary = SampleLakeSummary;

/** Generates and writes the sample tree, one day at a time. */
export async function generate(request: GenerateRequest): Promise<GenerateSummary> {
    checkOut(request.out);
    const formats = {
        parquet: [FileFormat.PARQUET],
        "plain-text": [FileFormat.PLAIN_TEXT],
        both: [FileFormat.PARQUET, FileFormat.PLAIN_TEXT],
    };
    const { seed, end, days, accountId } = request;
    return writeSampleLake(request.out, { seed, end, days, accountId }, formats[request.fileFormat]);
}

const utc = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC";

export function describe(request: GenerateRequest, summary: GenerateSummary): string {
    const { lake } = summary;
    const regions = new Set(lake.vpcs.map((vpc) => vpc.region));
    const lines = [
        `Generated ${summary.records} flow log records for ${lake.vpcs.length} VPCs in ${regions.size} regions, ` +
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
        if (
            err instanceof UsageError ||
            err instanceof InputError ||
            (err as { code?: string })?.code?.startsWith("ERR_PARSE_ARGS")
        ) {
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
