/**
 * The price table: tools/cost/prices.yaml, read and checked, and the tiered arithmetic over it.
 *
 * The data lives in YAML so a price can be updated without touching code; the code fixes what
 * each entry is (its key and unit), so an edit that changes a unit is refused instead of silently
 * changing what a figure means. Every entry carries its public source, the date it was read, and
 * whether the figure is confirmed there (`estimate: false`) or not.
 */
import { InputError } from "../files/inputError";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { z } from "zod";

export const PRICES_FILE = path.join(__dirname, "prices.yaml");

/** Every price the engine uses, with the unit its quantities are counted in. */
export const PRICE_UNITS = {
    vendedLogsToCloudWatchLogs: "GB",
    vendedLogsToCloudWatchLogsInfrequentAccess: "GB",
    vendedLogsToS3: "GB",
    parquetConversion: "GB",
    cloudWatchLogsStorage: "GB-month",
    customMetrics: "metric-month",
    standardAlarmMetrics: "alarm metric-month",
    highResolutionAlarmMetrics: "alarm metric-month",
    compositeAlarms: "alarm-month",
    contributorInsightsRules: "rule-month",
    contributorInsightsEvents: "million events",
    dashboards: "dashboard-month",
    athenaScans: "TB",
    s3StorageStandard: "GB-month",
    s3StorageStandardIa: "GB-month",
    s3StorageGlacierIr: "GB-month",
    s3PutRequests: "thousand requests",
    s3TransitionsToStandardIa: "thousand requests",
    s3TransitionsToGlacierIr: "thousand requests",
    snsEmailNotifications: "hundred thousand notifications",
    glueCatalogObjects: "hundred thousand objects-month",
    lambdaRequests: "million requests",
    lambdaDuration: "GB-second",
    firehoseIngestion: "GB",
    firehoseFormatConversion: "GB",
    kinesisAnalyticsKpu: "KPU-hour",
} as const;
export type PriceKey = keyof typeof PRICE_UNITS;

/** Metering rules and factors, sourced like the prices. */
export const ASSUMPTION_KEYS = [
    "cloudWatchLogsArchiveShare",
    "parquetShareOfGzipText",
    "flowLogObjectsPerHour",
    "alarmMetricsPerAnomalyBand",
    "hoursPerMonth",
] as const;
export type AssumptionKey = (typeof ASSUMPTION_KEYS)[number];

const url = z.string().regex(/^https:\/\/\S+$/, "a public https:// URL");
const date = z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, "a date written YYYY-MM or YYYY-MM-DD");
const usd = z.number().nonnegative().finite();

const sourced = {
    what: z.string().min(1),
    source: url,
    seeAlso: url.optional(),
    note: z.string().optional(),
    date,
    estimate: z.boolean(),
};

const tierSchema = z.strictObject({ upTo: z.number().positive().optional(), usd, estimate: z.boolean().optional() });

const priceSchema = z
    .strictObject({ ...sourced, unit: z.string(), usd: usd.optional(), tiers: z.array(tierSchema).min(1).optional() })
    .superRefine((entry, ctx) => {
        if ((entry.usd === undefined) === (entry.tiers === undefined)) {
            ctx.addIssue({ code: "custom", message: "give exactly one of usd (one rate) or tiers" });
        }
        const tiers = entry.tiers ?? [];
        tiers.forEach((tier, i) => {
            const last = i === tiers.length - 1;
            if (last !== (tier.upTo === undefined)) {
                ctx.addIssue({
                    code: "custom",
                    path: ["tiers", i],
                    message: last
                        ? "the last tier has no upTo (it has no upper bound)"
                        : "every tier but the last needs upTo",
                });
            }
            if (i > 0 && tier.upTo !== undefined && tier.upTo <= (tiers[i - 1].upTo ?? Infinity)) {
                ctx.addIssue({
                    code: "custom",
                    path: ["tiers", i, "upTo"],
                    message: "upTo must grow from tier to tier",
                });
            }
        });
    });

const assumptionSchema = z.strictObject({ ...sourced, value: z.number().positive().finite() });

const fileSchema = z.strictObject({
    region: z.string(),
    currency: z.literal("USD"),
    prices: z.record(z.string(), priceSchema),
    assumptions: z.record(z.string(), assumptionSchema),
});

export interface Tier {
    /** Cumulative quantity up to which this rate applies; undefined for the last tier. */
    readonly upTo?: number;
    readonly usd: number;
    readonly estimate: boolean;
}

export interface Price {
    readonly key: PriceKey;
    readonly what: string;
    readonly unit: string;
    readonly tiers: readonly Tier[];
    readonly source: string;
    readonly seeAlso?: string;
    readonly note?: string;
    readonly date: string;
    readonly estimate: boolean;
}

export interface Assumption {
    readonly key: AssumptionKey;
    readonly what: string;
    readonly value: number;
    readonly source: string;
    readonly note?: string;
    readonly date: string;
    readonly estimate: boolean;
}

export interface PriceTable {
    readonly region: string;
    readonly file: string;
    readonly prices: Readonly<Record<PriceKey, Price>>;
    readonly assumptions: Readonly<Record<AssumptionKey, Assumption>>;
}

/** A price table that cannot be read or does not hold what the engine needs; exit status 2. */
export class PriceTableError extends InputError {}

export function loadPriceTable(file: string = PRICES_FILE): PriceTable {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new PriceTableError(`cannot read price table ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
    let raw: unknown;
    try {
        raw = YAML.parse(text);
    } catch (err) {
        throw new PriceTableError(`${file}: not valid YAML: ${(err as Error).message.split("\n")[0]}`);
    }
    return parsePriceTable(raw, file);
}

/** Checks a decoded price table; every problem in one error, each naming its key. */
export function parsePriceTable(raw: unknown, file: string): PriceTable {
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `  - ${issue.path.join(".") || "(top)"}: ${issue.message}`);
        throw new PriceTableError(`${file}: ${problems.length} problem(s)\n${problems.join("\n")}`);
    }
    const problems: string[] = [];
    const prices = {} as Record<PriceKey, Price>;
    for (const [key, unit] of Object.entries(PRICE_UNITS) as [PriceKey, string][]) {
        const entry = parsed.data.prices[key];
        if (!entry) {
            problems.push(`  - prices.${key}: missing (${unit})`);
            continue;
        }
        if (entry.unit !== unit) {
            problems.push(
                `  - prices.${key}.unit: given ${JSON.stringify(entry.unit)}; the engine counts this in "${unit}"`,
            );
        }
        const tiers = entry.tiers ?? [{ usd: entry.usd! }];
        prices[key] = {
            key,
            what: entry.what,
            unit,
            tiers: tiers.map((t) => ({ upTo: t.upTo, usd: t.usd, estimate: t.estimate ?? entry.estimate })),
            source: entry.source,
            seeAlso: entry.seeAlso,
            note: entry.note,
            date: entry.date,
            estimate: entry.estimate,
        };
    }
    for (const key of Object.keys(parsed.data.prices)) {
        if (!(key in PRICE_UNITS)) problems.push(`  - prices.${key}: not a price the engine uses`);
    }
    const assumptions = {} as Record<AssumptionKey, Assumption>;
    for (const key of ASSUMPTION_KEYS) {
        const entry = parsed.data.assumptions[key];
        if (!entry) problems.push(`  - assumptions.${key}: missing`);
        else assumptions[key] = { key, ...entry };
    }
    for (const key of Object.keys(parsed.data.assumptions)) {
        if (!(ASSUMPTION_KEYS as readonly string[]).includes(key))
            problems.push(`  - assumptions.${key}: not an assumption the engine uses`);
    }
    if (problems.length) throw new PriceTableError(`${file}: ${problems.length} problem(s)\n${problems.join("\n")}`);
    return { region: parsed.data.region, file, prices, assumptions };
}

/** The cost of `quantity` units at a tiered (or single) rate, and whether an estimated tier was used. */
export function tieredCost(price: Price, quantity: number): { usd: number; estimate: boolean } {
    let remaining = quantity;
    let below = 0;
    let usdTotal = 0;
    let estimate = false;
    for (const tier of price.tiers) {
        if (remaining <= 0) break;
        const width = tier.upTo === undefined ? remaining : Math.min(remaining, tier.upTo - below);
        usdTotal += width * tier.usd;
        estimate ||= tier.estimate && width > 0;
        remaining -= width;
        below = tier.upTo ?? below;
    }
    return { usd: usdTotal, estimate };
}

/** The first-tier rate, for showing a unit price. */
export function firstRate(price: Price): number {
    return price.tiers[0].usd;
}
