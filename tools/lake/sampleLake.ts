/**
 * A sample flow log tree on disk: three VPCs in two regions, delivered as AWS delivers them to the
 * lake bucket (Parquet, hive-compatible hourly folders; or plain-text gzip in the default layout),
 * and the summary `npm run generate` prints of it.
 */
import * as fs from "fs";
import * as path from "path";
import { deliver, FileFormat } from "./delivery";
import { generateLake, GeneratedLake } from "./generator";
import { findFlowLogFiles, LakeInputError } from "./localLake";
import { writeParquetObjects, writePlainTextObjects } from "./writer";

/** Which trees to write. */
export const SAMPLE_FILE_FORMATS = ["parquet", "plain-text", "both"] as const;
export type SampleFileFormat = (typeof SAMPLE_FILE_FORMATS)[number];

export interface GenerateRequest {
    readonly out: string;
    readonly days: number;
    readonly seed: number;
    readonly end: Date;
    readonly fileFormat: SampleFileFormat;
    readonly accountId: string;
    /** Whether --end was given (the "try" hint then fixes --now). */
    readonly endGiven: boolean;
}

/** Refuses an --out that is a file or already holds flow logs (the trees would mix). */
function checkOut(out: string): void {
    if (!fs.existsSync(out)) return;
    if (!fs.statSync(out).isDirectory()) throw new LakeInputError(`--out ${out} is a file, not a directory`);
    const found = findFlowLogFiles(out);
    const count = found.parquet.length + found.plainText.length;
    if (count > 0)
        throw new LakeInputError(`--out ${out} already holds ${count} flow log files; choose a new or empty directory`);
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
        await writeParquetObjects(request.out, objects);
        written.push({
            format: FileFormat.PARQUET,
            objects: objects.length,
            root: commonRoot(objects.map((o) => o.key)),
        });
    }
    if (request.fileFormat !== "parquet") {
        const objects = deliver(lake, FileFormat.PLAIN_TEXT);
        writePlainTextObjects(request.out, objects);
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

/** What `npm run generate` prints: the VPCs, the scenario, the objects written, a query to try. */
export function describeSampleLake(request: GenerateRequest, summary: GenerateSummary): string {
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
