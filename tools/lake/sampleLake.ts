/**
 * A sample flow log tree on disk, and the summary `npm run generate` prints of it: three VPCs in
 * two regions, delivered as AWS delivers them to the lake bucket (Parquet, hive-compatible hourly
 * folders; or plain-text gzip in the default layout), written one day at a time: one day of
 * records is held in memory (and DuckDB writes a few dozen files at a time), so a month takes no
 * more memory than a day (bench/generateOnce.ts measures it).
 */
import * as path from "path";
import { prepareOutputDir } from "../files/outputDir";
import { DeliveredObject, deliver, FileFormat } from "./delivery";
import { GeneratorOptions, LakeSpan, streamLake } from "./generator";
import { findFlowLogFiles, LakeInputError } from "./localLake";
import { ParquetObjectWriter, writePlainTextObjects } from "./writer";
import { FlowLogField } from "../../flowlogs/fields";
import { LAKE_DEFAULT_FIELDS } from "../../components/defaults";

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
    /** The lake format the objects carry (default: the lake's default format). */
    readonly fields: readonly FlowLogField[];
}

/** Refuses an --out that is not a usable folder, or already holds flow logs (the trees would mix). */
function checkOut(out: string): void {
    prepareOutputDir(out, "--out");
    const found = findFlowLogFiles(out);
    const count = found.parquet.length + found.plainText.length;
    if (count > 0)
        throw new LakeInputError(`--out ${out} already holds ${count} flow log files; choose a new or empty directory`);
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
    return writeSampleLake(request.out, { seed, end, days, accountId }, formats[request.fileFormat], request.fields);
}

export interface WrittenTree {
    readonly format: FileFormat;
    readonly objects: number;
    /** The longest common folder of the objects' keys, ending in `/`. */
    readonly root: string;
}

export interface SampleLakeSummary {
    readonly lake: LakeSpan;
    /** How many records were generated (and written in each format). */
    readonly records: number;
    readonly written: readonly WrittenTree[];
}

/**
 * Generates the lake of `options` and writes it under `outDir` (which exists) in each of `formats`,
 * each object carrying the lake format `fields`.
 */
export async function writeSampleLake(
    outDir: string,
    options: GeneratorOptions,
    formats: readonly FileFormat[],
    fields: readonly FlowLogField[] = LAKE_DEFAULT_FIELDS,
): Promise<SampleLakeSummary> {
    const stream = streamLake(options);
    const trees = formats.map((format) => ({ format, objects: 0, root: undefined as string | undefined }));
    const parquet = formats.includes(FileFormat.PARQUET) ? await ParquetObjectWriter.open(outDir, fields) : undefined;
    // Every object lies in one day; a key seen twice would overwrite a file written earlier.
    const keys = new Set<string>();
    let records = 0;
    try {
        for (const day of stream.days()) {
            records += day.length;
            for (const tree of trees) {
                const objects = deliver({ ...stream, records: day }, tree.format);
                for (const object of objects) {
                    if (keys.has(object.key)) throw new Error(`object ${object.key} delivered twice`);
                    keys.add(object.key);
                }
                if (tree.format === FileFormat.PARQUET) await parquet!.write(objects);
                else writePlainTextObjects(outDir, objects, fields);
                tree.objects += objects.length;
                tree.root = commonRoot(objects, tree.root);
            }
        }
    } finally {
        parquet?.close();
    }
    const { days: _days, ...lake } = stream;
    return {
        lake,
        records,
        written: trees.map(({ format, objects, root }) => ({ format, objects, root: root ?? "" })),
    };
}

/** The longest common folder of the objects' keys and of `root` (a folder ending in `/`, when given). */
export function commonRoot(objects: readonly DeliveredObject[], root?: string): string {
    // A key's folders are all its parts but the last (the file name); so are a folder's ("a/b/" -> a, b, "").
    const folders = [...(root === undefined ? [] : [root]), ...objects.map((o) => o.key)].map((key) =>
        key.split("/").slice(0, -1),
    );
    const first = folders[0] ?? [];
    let n = 0;
    while (n < first.length && folders.every((p) => p[n] === first[n])) n++;
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
