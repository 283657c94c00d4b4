/**
 * The whole estimate of a plan: the stack's items priced, the formats they were priced from, the
 * seed designs beside it, and which figures are estimates. What the formatters print.
 */
import { Plan } from "../plan/offlinePlan";
import { Traffic, recordsPerVpcMonth, storedBytesPerRecord } from "./billableItems";
import { assumptionValues, estimateDeployment, estimatedAssumptions, Priced } from "./estimate";
import { Deployment, readDeployment, TrafficType } from "./planModel";
import { Assumption, Price, PriceTable } from "./priceTable";
import { textBytesPerRecord, unmodelledFields } from "./recordSize";
import { estimateSeeds, SeedEstimate } from "./seeds";
import { DEFAULT_FORMAT_FIELDS } from "../../flowlogs/fields";

export interface FormatSummary {
    readonly flowLogs: number;
    readonly trafficType: TrafficType;
    readonly destination: string;
    readonly fields: number;
    /** The format, as `${field}` tokens. */
    readonly logFormat: string;
    readonly textBytesPerRecord: number;
    /** At rest in S3 (Parquet or gzip text); undefined for CloudWatch Logs. */
    readonly storedBytesPerRecord?: number;
    /** Fields the size model has no figures for (priced as average columns). */
    readonly unmodelledFields: readonly string[];
}

export interface CostReport {
    readonly stack: string;
    readonly traffic: Traffic;
    readonly vpcs: number;
    readonly regions: number;
    /** Records per VPC and month, and the bytes of a version-2 record they were counted with. */
    readonly recordsPerVpcMonth: number;
    readonly v2BytesPerRecord: number;
    readonly formats: readonly FormatSummary[];
    readonly estimate: Priced & { readonly notes: readonly string[] };
    readonly seeds: readonly SeedEstimate[];
    readonly estimatedPrices: readonly Price[];
    readonly estimatedAssumptions: readonly Assumption[];
    readonly priceTable: { readonly file: string; readonly region: string };
}

export function costReport(plan: Plan, traffic: Traffic, table: PriceTable, homeRegion?: string): CostReport {
    return costReportOf(readDeployment(plan, homeRegion), traffic, table);
}

export function costReportOf(deployment: Deployment, traffic: Traffic, table: PriceTable): CostReport {
    const estimate = estimateDeployment(deployment, traffic, table);
    const seeds = estimateSeeds(deployment, traffic, table);
    const used = new Map<string, Price>();
    for (const p of [estimate, ...seeds].flatMap((e) => e.estimatedPrices)) used.set(p.key, p);
    return {
        stack: deployment.stack,
        traffic,
        vpcs: deployment.vpcs.length,
        regions: deployment.regions.length,
        recordsPerVpcMonth: recordsPerVpcMonth(traffic),
        v2BytesPerRecord: textBytesPerRecord(DEFAULT_FORMAT_FIELDS),
        formats: formatSummaries(deployment, table),
        estimate,
        seeds,
        estimatedPrices: [...used.values()],
        estimatedAssumptions: estimatedAssumptions(table),
        priceTable: { file: table.file, region: table.region },
    };
}

function formatSummaries(deployment: Deployment, table: PriceTable): FormatSummary[] {
    const assumptions = assumptionValues(table);
    const byKey = new Map<string, FormatSummary>();
    for (const f of deployment.flowLogs) {
        const d = f.destination;
        const destination =
            d.kind === "s3"
                ? `S3 ${d.fileFormat === "parquet" ? "Parquet" : "plain text"}`
                : d.kind === "cloud-watch-logs"
                  ? "CloudWatch Logs"
                  : "Firehose";
        const logFormat = f.fields.map((field) => "${" + field.name + "}").join(" ");
        const key = `${f.trafficType}|${destination}|${logFormat}`;
        const seen = byKey.get(key);
        if (seen) {
            byKey.set(key, { ...seen, flowLogs: seen.flowLogs + 1 });
            continue;
        }
        byKey.set(key, {
            flowLogs: 1,
            trafficType: f.trafficType,
            destination,
            fields: f.fields.length,
            logFormat,
            textBytesPerRecord: textBytesPerRecord(f.fields),
            storedBytesPerRecord: d.kind === "s3" ? storedBytesPerRecord(f, assumptions) : undefined,
            unmodelledFields: unmodelledFields(f.fields),
        });
    }
    return [...byKey.values()];
}
