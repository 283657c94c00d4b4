/**
 * Billable items x the price table = the monthly estimate: lines, fixed and variable totals, the
 * variable cost per TB of version-2-format traffic, and which figures are estimates.
 */
import {
    Assumption,
    AssumptionKey,
    ASSUMPTION_KEYS,
    firstRate,
    Price,
    PriceKey,
    PriceTable,
    tieredCost,
} from "./priceTable";
import { Assumptions, BillableItem, billableItems, ItemKind, Scope, Traffic } from "./billableItems";
import { Deployment } from "./planModel";

/** A TB of traffic, as the per-TB figures count it: 1,024 GB. */
export const GB_PER_TB = 1024;

export interface PricedLine {
    readonly item: string;
    readonly price: PriceKey;
    readonly kind: ItemKind;
    readonly scope?: Scope;
    /** In `unit`. */
    readonly quantity: number;
    readonly unit: string;
    /** US dollars per unit, averaged over the tiers the quantity reaches. */
    readonly unitPrice: number;
    readonly monthly: number;
    readonly detail?: string;
    /** The price, or the quantity, is an estimate. */
    readonly estimate: boolean;
}

export interface Totals {
    readonly fixed: number;
    readonly variable: number;
    readonly total: number;
}

export interface Priced {
    readonly lines: readonly PricedLine[];
    readonly monthly: Totals;
    /** Variable cost per 1,024 GB of version-2-format traffic. */
    readonly perTb: number;
    /** Fixed cost per VPC (the fixed total over the number of VPCs). */
    readonly fixedPerVpc: number;
    /** The fixed cost split by what it is there for: per VPC, per region, once per stack. */
    readonly fixedByScope: { readonly perVpc: number; readonly perRegion: number; readonly perStack: number };
    /** Prices that are estimates and were used. */
    readonly estimatedPrices: readonly Price[];
}

export function assumptionValues(table: PriceTable): Assumptions {
    return Object.fromEntries(ASSUMPTION_KEYS.map((k) => [k, table.assumptions[k].value])) as Record<
        AssumptionKey,
        number
    >;
}

/** The assumptions of the table that are estimates. */
export function estimatedAssumptions(table: PriceTable): Assumption[] {
    return ASSUMPTION_KEYS.map((k) => table.assumptions[k]).filter((a) => a.estimate);
}

/**
 * Prices items. Tiers apply to the month's total per price (AWS counts tiers per account and
 * month): the items sharing a price split its tiered cost in proportion to their quantities.
 */
export function priceItems(
    items: readonly BillableItem[],
    table: PriceTable,
    context: { vpcs: number; regions: number; gbPerVpcMonth: number },
): Priced {
    const merged = mergeItems(items);
    const totals = new Map<PriceKey, number>();
    for (const item of merged) totals.set(item.price, (totals.get(item.price) ?? 0) + item.quantity);
    const costs = new Map([...totals].map(([key, quantity]) => [key, tieredCost(table.prices[key], quantity)]));
    const used = new Set<PriceKey>();
    const lines = merged.map((item): PricedLine => {
        const price = table.prices[item.price];
        const total = totals.get(item.price)!;
        const cost = costs.get(item.price)!;
        const monthly = total > 0 ? (cost.usd * item.quantity) / total : 0;
        if (price.estimate || cost.estimate) used.add(item.price);
        return {
            item: item.item,
            price: item.price,
            kind: item.kind,
            scope: item.scope,
            quantity: item.quantity,
            unit: price.unit,
            unitPrice: item.quantity > 0 ? monthly / item.quantity : firstRate(price),
            monthly,
            detail: item.detail,
            estimate: price.estimate || cost.estimate || item.estimate !== undefined,
        };
    });
    const sum = (kind: ItemKind) => lines.filter((l) => l.kind === kind).reduce((n, l) => n + l.monthly, 0);
    const fixed = sum(ItemKind.FIXED);
    const variable = sum(ItemKind.VARIABLE);
    const gb = context.vpcs * context.gbPerVpcMonth;
    const scoped = (scope: Scope) =>
        lines
            .filter((l) => l.kind === ItemKind.FIXED && (l.scope ?? Scope.STACK) === scope)
            .reduce((n, l) => n + l.monthly, 0);
    return {
        lines,
        monthly: { fixed, variable, total: fixed + variable },
        perTb: gb > 0 ? (variable / gb) * GB_PER_TB : 0,
        fixedPerVpc: context.vpcs > 0 ? fixed / context.vpcs : 0,
        fixedByScope: {
            perVpc: context.vpcs > 0 ? scoped(Scope.VPC) / context.vpcs : 0,
            perRegion: context.regions > 0 ? scoped(Scope.REGION) / context.regions : 0,
            perStack: scoped(Scope.STACK),
        },
        estimatedPrices: [...used].map((key) => table.prices[key]),
    };
}

/** Adds up items with the same text, price and kind, keeping the first one's detail. */
function mergeItems(items: readonly BillableItem[]): BillableItem[] {
    const byKey = new Map<string, BillableItem>();
    for (const item of items) {
        const key = `${item.kind}|${item.price}|${item.scope ?? ""}|${item.item}`;
        const seen = byKey.get(key);
        byKey.set(key, seen ? { ...seen, quantity: seen.quantity + item.quantity } : item);
    }
    return [...byKey.values()];
}

/** A deployment priced at a traffic. */
export function estimateDeployment(
    deployment: Deployment,
    traffic: Traffic,
    table: PriceTable,
): Priced & { readonly notes: readonly string[] } {
    const { items, notes: itemNotes } = billableItems(deployment, traffic, assumptionValues(table));
    const notes = [...itemNotes];
    const elsewhere = deployment.regions.filter((r) => r !== table.region);
    if (elsewhere.length > 0) {
        notes.push(
            `${elsewhere.join(", ")}: priced at ${table.region} prices, as the whole table is; most other regions list somewhat higher`,
        );
    }
    return {
        ...priceItems(items, table, {
            vpcs: deployment.vpcs.length,
            regions: deployment.regions.length,
            gbPerVpcMonth: traffic.gbPerVpcMonth,
        }),
        notes: [...new Set(notes)],
    };
}
