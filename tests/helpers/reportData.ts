/**
 * The lake the report specs share: what `npm run generate -- --out D --days 2 --seed 7` writes
 * (with --end fixed, so every run is the same), a stack config over its VPCs, and the report built
 * from them once per test run. Used by the number checks (report.spec.ts) and the browser test
 * (reportBrowser.spec.ts), so Chromium looks at the very report whose numbers were checked.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { generate, GenerateSummary } from "../../tools/lake/sampleLake";
import { generateLake, GeneratedLake } from "../../tools/lake/generator";
import { deliver, DeliveredObject, FileFormat } from "../../tools/lake/delivery";
import { validateStackConfig } from "../../program/stackConfig";
import { loadStackFile } from "../../tools/files/stackFile";
import { buildReport, Report } from "../../tools/report/report";
import { LAKE_ALL_FIELDS } from "../../components/defaults";

export const SEVEN_END = new Date("2026-11-23T10:00:00Z");

export interface SevenFixture {
    readonly dir: string;
    /** What `generate` printed a summary of, with the same lake generated at once (every record in memory). */
    readonly summary: GenerateSummary & { readonly lake: GeneratedLake };
    readonly parquet: readonly DeliveredObject[];
    /** A stack config adopting two of the generated VPCs by id (prod, prod-eu) and creating one (sandbox). */
    readonly configFile: string;
    /** The report of the whole tree with that stack's alarms. */
    readonly report: Report;
}

let fixture: Promise<SevenFixture> | undefined;

/** A stack config for the generated lake: written, so the CLI can read it with --config. */
export function investigationConfig(summary: GenerateSummary): object {
    const [prod, , prodEu] = summary.lake.vpcs;
    return {
        config: {
            "aws:region": "us-east-1",
            "vpc-flow-monitor:regions": [
                {
                    region: prod.region,
                    vpcs: [
                        { name: "prod", vpcId: prod.id },
                        { name: "sandbox", cidrBlock: "10.99.0.0/16" },
                    ],
                },
                { region: prodEu.region, vpcs: [{ name: "prod-eu", vpcId: prodEu.id }] },
            ],
        },
    };
}

export function sevenFixture(): Promise<SevenFixture> {
    fixture ??= (async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vpc-flow-monitor-report-"));
        process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
        const lakeDir = path.join(dir, "lake");
        const written = await generate({
            out: lakeDir,
            days: 2,
            seed: 7,
            end: SEVEN_END,
            fileFormat: "parquet",
            accountId: "123456789012",
            endGiven: true,
            // Every field, so --vpc and per-VPC alarms have vpc_id (the default format has none;
            // report.spec.ts also reports a default-format lake).
            fields: LAKE_ALL_FIELDS,
        });
        // `generate` writes a day at a time and keeps no records; the expectations need them all.
        const lake = generateLake({ seed: 7, end: SEVEN_END, days: 2, accountId: "123456789012" });
        const summary = { ...written, lake };
        const configFile = path.join(dir, "Pulumi.investigation.yaml");
        fs.writeFileSync(configFile, YAML.stringify(investigationConfig(summary)));
        const stack = loadStackFile(configFile);
        const report = await buildReport(
            {
                data: lakeDir,
                fileFormat: "auto",
                stack: { name: stack.stack, config: validateStackConfig(stack.config) },
            },
            { generatedAt: new Date("2026-11-23T10:30:00Z"), command: "npm run report -- (test)" },
        );
        return { dir: lakeDir, summary, parquet: deliver(summary.lake, FileFormat.PARQUET), configFile, report };
    })();
    return fixture;
}
