/**
 * Writes a generated sample lake to a folder, as AWS delivers flow logs to the lake bucket, one
 * day at a time: one day of records is held in memory (and DuckDB writes a few dozen files at a
 * time), so a month takes no more memory than a day (bench/generateOnce.ts measures it).
 */
import { DeliveredObject, deliver, FileFormat } from "./delivery";
import { GeneratorOptions, LakeSpan, streamLake } from "./generator";
import { ParquetObjectWriter, writePlainTextObjects } from "./writer";

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

/** Generates the lake of `options` and writes it under `outDir` (which exists) in each of `formats`. */
export async function writeSampleLake(
    outDir: string,
    options: GeneratorOptions,
    formats: readonly FileFormat[],
): Promise<SampleLakeSummary> {
    const stream = streamLake(options);
    const trees = formats.map((format) => ({ format, objects: 0, root: undefined as string | undefined }));
    const parquet = formats.includes(FileFormat.PARQUET) ? await ParquetObjectWriter.open(outDir) : undefined;
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
                else writePlainTextObjects(outDir, objects);
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
