/**
 * One measurement of `npm run generate` (Parquet, the default) for N days: `ts-node
 * bench/generateOnce.ts N`. Peak RSS is this process's: Node, the generator and DuckDB together.
 * The lake is written one day at a time, so the peak should not grow with N.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { generate } from "../tools/lake/sampleLake";
import { LAKE_DEFAULT_FIELDS } from "../components/defaults";

async function main(): Promise<void> {
    const days = Number(process.argv[2]);
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "generate-bench-")), "lake");
    const started = process.hrtime.bigint();
    try {
        const summary = await generate({
            out,
            days,
            seed: 1,
            end: new Date("2026-11-05T07:00:00Z"),
            fileFormat: "parquet",
            accountId: "123456789012",
            endGiven: true,
            fields: LAKE_DEFAULT_FIELDS,
        });
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        process.stdout.write(
            JSON.stringify({
                days,
                records: summary.records,
                objects: summary.written[0].objects,
                seconds,
                peakRssMiB: process.resourceUsage().maxRSS / 1024,
            }) + "\n",
        );
    } finally {
        fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
}

void main();
