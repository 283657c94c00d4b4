/**
 * Which alarms a set of flow log records would fire: CloudWatch's metric filter and alarm
 * evaluation, replayed offline. Pure: records in, firings out.
 *
 * What CloudWatch does, and so what this does:
 * - the metric filter runs the rule's RENDERED pattern on each raw log event (parsePattern +
 *   matchesPattern, not evaluateMatch), and each matching event adds 1 to the rule's metric;
 * - the event time is the record's `start` (flow logs in CloudWatch Logs: "timestamp = start");
 * - the alarm reads the metric's Sum per period, periods aligned to multiples of the period length
 *   since the epoch;
 * - a period breaches when its Sum >= threshold; the alarm goes to ALARM when the last
 *   `evaluationPeriods` periods all breach (datapointsToAlarm = evaluationPeriods); a period with no
 *   data counts as not breaching (treatMissingData: notBreaching), and any period that does not
 *   breach brings it back to OK, so a later run of breaching periods fires it again.
 *
 * A firing's time (`at`) is the END of the period that completes the run: the earliest moment
 * CloudWatch can evaluate that period. The notification itself comes later, by the delivery delay of
 * the flow log (about 5 minutes to CloudWatch Logs, best effort) plus the alarm's evaluation delay.
 */
import { AlertRule } from "../../components/alerting/rules";
import { FlowMatchError, matchesPattern, ParsedPattern, parsePattern, renderPattern } from "../../flowlogs";
import { columnName, FlowLogField, parseRecord } from "../../flowlogs/fields";
import { ContributorStatistic, keyField } from "../../components/alerting/contributorRule";

/** One event the metric filter sees: the raw line and its time (epoch seconds). */
export interface FlowEvent {
    readonly text: string;
    readonly start: number;
}

export interface Firing {
    /** Epoch seconds: the end of the last period of the breaching run. */
    readonly at: number;
    /** Start of that last period (epoch seconds). */
    readonly periodStart: number;
    /** The Sum in that last period (a per-key rule: the busiest key's count, or the number of distinct keys). */
    readonly sum: number;
    /** A per-key rule: the busiest keys of that period and their matching records, busiest first (at most 10). */
    readonly contributors?: readonly Contributor[];
}

export interface Contributor {
    readonly key: string;
    readonly records: number;
}

export interface RuleEvaluation {
    readonly rule: AlertRule;
    /** The pattern the metric filter would carry for this format; undefined when the format lacks a field the rule reads. */
    readonly pattern?: string;
    /** Why the rule cannot be evaluated on records of this format. */
    readonly unavailable?: string;
    /** Records the pattern matched, over the whole file. */
    readonly matchedRecords: number;
    /** The period with the highest Sum (the earliest of equals), if any record matched. */
    readonly peak?: { readonly periodStart: number; readonly sum: number };
    /** Every transition to ALARM, in time order. */
    readonly firings: readonly Firing[];
}

/** Evaluates one rule over records of the format `fields`. */
export function evaluateRule(
    rule: AlertRule,
    events: readonly FlowEvent[],
    fields: readonly FlowLogField[],
): RuleEvaluation {
    let pattern: string;
    try {
        pattern = renderPattern(rule.match, fields);
    } catch (err) {
        if (!(err instanceof FlowMatchError)) throw err;
        return { rule, unavailable: err.problems.join("; "), matchedRecords: 0, firings: [] };
    }
    const parsed = parsePattern(pattern);
    const perKey = rule.by === undefined ? undefined : periodContributors(parsed, events, rule, fields);
    const sums = perKey === undefined ? periodSums(parsed, events, rule.periodSeconds) : perKey.values;
    let matchedRecords = 0;
    let peak: { periodStart: number; sum: number } | undefined;
    for (const [periodStart, sum] of [...sums].sort(([a], [b]) => a - b)) {
        matchedRecords += sum;
        if (peak === undefined || sum > peak.sum) peak = { periodStart, sum };
    }
    if (perKey !== undefined) matchedRecords = perKey.matchedRecords;
    const firings = alarmFirings(sums, rule).map((firing) =>
        perKey === undefined ? firing : { ...firing, contributors: perKey.top.get(firing.periodStart) ?? [] },
    );
    return { rule, pattern, matchedRecords, peak, firings };
}

/**
 * What Contributor Insights computes for a per-key rule, per epoch-aligned period: the matching
 * records per key, the value the alarm reads (MaxContributorValue: the busiest key's count;
 * UniqueContributors: the number of keys), and the top keys (GetInsightRuleReport's answer).
 */
export function periodContributors(
    pattern: ParsedPattern,
    events: readonly FlowEvent[],
    rule: AlertRule,
    fields: readonly FlowLogField[],
): { values: Map<number, number>; top: Map<number, Contributor[]>; matchedRecords: number } {
    const column = columnName(keyField(rule.by!));
    const counts = new Map<number, Map<string, number>>();
    let matchedRecords = 0;
    for (const event of events) {
        if (!matchesPattern(pattern, event.text).matched) continue;
        const key = parseRecord(event.text, fields)[column];
        if (key === null || key === undefined) continue;
        matchedRecords += 1;
        const periodStart = Math.floor(event.start / rule.periodSeconds) * rule.periodSeconds;
        const perKey = counts.get(periodStart) ?? new Map<string, number>();
        perKey.set(String(key), (perKey.get(String(key)) ?? 0) + 1);
        counts.set(periodStart, perKey);
    }
    const values = new Map<number, number>();
    const top = new Map<number, Contributor[]>();
    for (const [periodStart, perKey] of counts) {
        const ranked = [...perKey]
            .map(([key, records]) => ({ key, records }))
            .sort((a, b) => b.records - a.records || a.key.localeCompare(b.key));
        values.set(
            periodStart,
            rule.statistic === ContributorStatistic.uniqueContributors ? ranked.length : ranked[0].records,
        );
        top.set(periodStart, ranked.slice(0, 10));
    }
    return { values, top, matchedRecords };
}

/** Sum of the metric (1 per matching event) per epoch-aligned period. */
export function periodSums(
    pattern: ParsedPattern,
    events: readonly FlowEvent[],
    periodSeconds: number,
): Map<number, number> {
    const sums = new Map<number, number>();
    for (const event of events) {
        if (!matchesPattern(pattern, event.text).matched) continue;
        const periodStart = Math.floor(event.start / periodSeconds) * periodSeconds;
        sums.set(periodStart, (sums.get(periodStart) ?? 0) + 1);
    }
    return sums;
}

/**
 * The transitions to ALARM for per-period sums: whenever `evaluationPeriods` consecutive periods
 * have Sum >= threshold, counted from the last OK (a gap, i.e. a period without data, is OK).
 */
export function alarmFirings(
    sums: ReadonlyMap<number, number>,
    rule: Pick<AlertRule, "threshold" | "periodSeconds" | "evaluationPeriods">,
): Firing[] {
    const breaching = [...sums].filter(([, sum]) => sum >= rule.threshold).sort(([a], [b]) => a - b);
    const firings: Firing[] = [];
    let run = 0;
    let previous: number | undefined;
    for (const [periodStart, sum] of breaching) {
        run = previous !== undefined && periodStart === previous + rule.periodSeconds ? run + 1 : 1;
        previous = periodStart;
        // Exactly N: the alarm is already in ALARM for the N+1st breaching period in a row.
        if (run === rule.evaluationPeriods) {
            firings.push({ at: periodStart + rule.periodSeconds, periodStart, sum });
        }
    }
    return firings;
}

/** ISO 8601 in UTC, to the second: `2024-05-01T10:05:00Z`. */
export function isoSeconds(epochSeconds: number): string {
    return new Date(epochSeconds * 1000).toISOString().replace(/\.000Z$/, "Z");
}
