/**
 * Whether a CloudWatch alarm's comparison can hold for the datapoints a metric filter publishes
 * when rejected packets arrive. Pure: numbers in, a verdict out.
 *
 * The model (CloudWatch Logs user guide, "Filter and pattern syntax": the metric value "is
 * aggregated and reported every minute"): in a period with N >= 1 matching records of values
 * x1..xN, the alarm's statistic is Sum = x1 + ... + xN, SampleCount = N, and Average, Minimum,
 * Maximum and the percentile-like statistics lie between min(x) and max(x). A comparison "can
 * hold" when some N and some values the filter can publish make it true. N has no upper bound:
 * traffic can always be rejected more often.
 */
import { Published } from "@vpc-flow-monitor/flowlogs";

/** How a statistic grows with the number of records in a period. */
export const StatKind = { COUNT: "count", SUM: "sum", LEVEL: "level" } as const;
export type StatKind = (typeof StatKind)[keyof typeof StatKind];

/**
 * The kind of a `statistic` (SampleCount, Sum, Average, Minimum, Maximum) or `extendedStatistic`
 * (p99, p99.9, tm90, wm90, tc90, ts90, iqm, TM(10%:90%), ...); undefined for one it cannot place.
 */
export function statKind(statistic: string): StatKind | undefined {
    const s = statistic.trim();
    if (s === "SampleCount") return StatKind.COUNT;
    if (s === "Sum") return StatKind.SUM;
    if (["Average", "Minimum", "Maximum"].includes(s)) return StatKind.LEVEL;
    if (/^(p|tm|wm)\d+(\.\d+)?$/i.test(s) || /^iqm$/i.test(s) || /^(TM|WM)\(.*\)$/i.test(s)) return StatKind.LEVEL;
    if (/^tc\d+(\.\d+)?$/i.test(s) || /^TC\(.*\)$/i.test(s)) return StatKind.COUNT;
    if (/^ts\d+(\.\d+)?$/i.test(s) || /^TS\(.*\)$/i.test(s)) return StatKind.SUM;
    return undefined;
}

/** The values a statistic can take over periods with at least one record: [inf, sup]. */
export interface StatRange {
    readonly inf: number;
    readonly sup: number;
}

export function statRange(kind: StatKind, published: Exclude<Published, { kind: "none" }>): StatRange {
    const [lo, hi] =
        published.kind === "constant" ? [published.value, published.value] : [published.min, published.max];
    switch (kind) {
        case StatKind.COUNT:
            return { inf: 1, sup: Infinity };
        case StatKind.SUM:
            // N copies of the largest (smallest) value: unbounded once it is positive (negative).
            return { inf: lo < 0 ? -Infinity : lo, sup: hi > 0 ? Infinity : hi };
        default:
            return { inf: lo, sup: hi };
    }
}

export const Comparison = {
    GT: "GreaterThanThreshold",
    GE: "GreaterThanOrEqualToThreshold",
    LT: "LessThanThreshold",
    LE: "LessThanOrEqualToThreshold",
    OUTSIDE_BAND: "LessThanLowerOrGreaterThanUpperThreshold",
    ABOVE_BAND: "GreaterThanUpperThreshold",
    BELOW_BAND: "LessThanLowerThreshold",
} as const;
export const BAND_COMPARISONS: readonly string[] = [
    Comparison.OUTSIDE_BAND,
    Comparison.ABOVE_BAND,
    Comparison.BELOW_BAND,
];

/**
 * Whether `comparison` against `threshold` can hold for a statistic ranging over `range`; a
 * reason when it cannot. Band comparisons (anomaly detection) hold when rejected packets can push
 * the statistic above the band, which needs a statistic that moves with them (inf < sup); falling
 * below the band is never caused by a rejected packet.
 */
export function comparisonCanHold(
    comparison: string,
    threshold: number | undefined,
    range: StatRange,
): { readonly holds: true } | { readonly holds: false; readonly reason: string } {
    const show = (n: number) => (Number.isFinite(n) ? String(n) : n > 0 ? "unbounded" : "-unbounded");
    if (BAND_COMPARISONS.includes(comparison)) {
        if (comparison === Comparison.BELOW_BAND)
            return {
                holds: false,
                reason: `${comparison} fires when the metric falls below its band, which rejected packets never cause`,
            };
        return range.inf < range.sup
            ? { holds: true }
            : {
                  holds: false,
                  reason: `the statistic is always ${show(range.sup)} whatever is rejected, so it never leaves its band`,
              };
    }
    if (threshold === undefined || !Number.isFinite(threshold)) return { holds: false, reason: "it has no threshold" };
    const between = `the statistic ranges from ${show(range.inf)} to ${show(range.sup)} when rejected packets arrive`;
    const ok = (() => {
        switch (comparison) {
            case Comparison.GT:
                return range.sup > threshold;
            case Comparison.GE:
                return range.sup >= threshold;
            case Comparison.LT:
                return range.inf < threshold;
            case Comparison.LE:
                return range.inf <= threshold;
            default:
                return undefined;
        }
    })();
    if (ok === undefined) return { holds: false, reason: `${JSON.stringify(comparison)} is not a comparison operator` };
    return ok ? { holds: true } : { holds: false, reason: `${comparison} ${threshold} never holds: ${between}` };
}

// ---------------------------------------------------------------------------------------------
// metric math
// ---------------------------------------------------------------------------------------------

/** The identifiers a metric-math expression names (query ids, function names). */
export function identifiersOf(expression: string): string[] {
    return [...expression.replace(/"[^"]*"|'[^']*'/g, "").matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)].map((m) => m[0]);
}

/**
 * An arithmetic expression of one query id (`m1 * 60`, `(m1 + 1) / 2`, `FILL(m1, 0)`) as a
 * function of that query's value; undefined for anything else (other functions, other metrics),
 * which the pack does not evaluate.
 */
export function arithmeticOf(expression: string, id: string): ((x: number) => number) | undefined {
    const tokens = expression.match(/\d+(\.\d+)?([eE][+-]?\d+)?|[A-Za-z_][A-Za-z0-9_]*|[-+*/(),]|\S/g) ?? [];
    let pos = 0;
    const peek = () => tokens[pos];
    type Fn = (x: number) => number;
    const fail = (): never => {
        throw new Error("unsupported");
    };
    const primary = (): Fn => {
        const t = tokens[pos++];
        if (t === undefined) return fail();
        if (t === "(") {
            const inner = sum();
            if (tokens[pos++] !== ")") fail();
            return inner;
        }
        if (t === "-") {
            const inner = primary();
            return (x) => -inner(x);
        }
        if (/^\d/.test(t)) {
            const n = Number(t);
            return () => n;
        }
        if (t === id) return (x) => x;
        if (t.toUpperCase() === "FILL" && peek() === "(") {
            pos++;
            const inner = sum();
            if (tokens[pos++] !== ",") fail();
            sum();
            if (tokens[pos++] !== ")") fail();
            // FILL only supplies values for periods without data; a period with rejected records has data.
            return inner;
        }
        return fail();
    };
    const product = (): Fn => {
        let left = primary();
        while (peek() === "*" || peek() === "/") {
            const op = tokens[pos++];
            const l = left;
            const r = primary();
            left = op === "*" ? (x) => l(x) * r(x) : (x) => l(x) / r(x);
        }
        return left;
    };
    const sum = (): Fn => {
        let left = product();
        while (peek() === "+" || peek() === "-") {
            const op = tokens[pos++];
            const l = left;
            const r = product();
            left = op === "+" ? (x) => l(x) + r(x) : (x) => l(x) - r(x);
        }
        return left;
    };
    try {
        const fn = sum();
        return pos === tokens.length ? fn : undefined;
    } catch {
        return undefined;
    }
}

/**
 * The range of `fn(stat)` for a statistic in `range`, sampled at the ends, around zero and at large
 * values (enough for the sums, products and quotients of one variable `arithmeticOf` accepts).
 */
export function rangeThrough(fn: (x: number) => number, range: StatRange): StatRange {
    const points = new Set<number>();
    const clamp = (x: number) => Math.min(Math.max(x, range.inf), range.sup);
    for (const x of [range.inf, range.sup, 0, 1, -1, 2, 10, 1e3, 1e6, 1e9, 1e12, -1e3, -1e6, -1e9, -1e12]) {
        const c = clamp(x);
        if (Number.isFinite(c)) points.add(c);
    }
    const values = [...points].map(fn).filter((v) => !Number.isNaN(v));
    if (values.length === 0) return { inf: NaN, sup: NaN };
    // Growth beyond the sampled points: where the statistic is unbounded, so is a non-constant fn.
    let inf = Math.min(...values);
    let sup = Math.max(...values);
    if (range.sup === Infinity && fn(1e15) !== fn(1e12)) {
        if (fn(1e15) > fn(1e12)) sup = Infinity;
        else inf = -Infinity;
    }
    if (range.inf === -Infinity && fn(-1e15) !== fn(-1e12)) {
        if (fn(-1e15) > fn(-1e12)) sup = Infinity;
        else inf = -Infinity;
    }
    return { inf, sup };
}
