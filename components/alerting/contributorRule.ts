/**
 * Per-source rules: "any single source (or destination, or port) with at least N matching records
 * in P seconds", or "more than N distinct sources". A metric filter can only count a whole log
 * group, so these are Contributor Insights rules on the VPC's log group, keyed by the field, with
 * an alarm on INSIGHT_RULE_METRIC of the rule. Pure functions: the AlertingRule component turns
 * them into resources.
 */
import { FLOW_LOG_FIELDS, FlowLogField, clfPositions, columnName, fieldNamed } from "../../flowlogs/fields";
import { FLOW_MATCH_FIELDS, FlowMatch, PortMatch, matchFields } from "../../flowlogs/flowMatch";

/** What a per-source rule counts per: the FlowMatch property names, so the config reads the same as `match`. */
export const ContributorKey = { srcAddr: "srcAddr", dstAddr: "dstAddr", dstPort: "dstPort" } as const;
export type ContributorKey = (typeof ContributorKey)[keyof typeof ContributorKey];
export const CONTRIBUTOR_KEYS: readonly ContributorKey[] = Object.values(ContributorKey);

/**
 * - `maxContributorValue`: the busiest single key reaches the threshold (one source hammering).
 * - `uniqueContributors`: the number of distinct keys reaches it (many sources at once).
 */
export const ContributorStatistic = {
    maxContributorValue: "maxContributorValue",
    uniqueContributors: "uniqueContributors",
} as const;
export type ContributorStatistic = (typeof ContributorStatistic)[keyof typeof ContributorStatistic];
export const CONTRIBUTOR_STATISTICS: readonly ContributorStatistic[] = Object.values(ContributorStatistic);

/** INSIGHT_RULE_METRIC's metric names for each statistic. */
export const INSIGHT_METRIC_NAMES: Readonly<Record<ContributorStatistic, string>> = {
    maxContributorValue: "MaxContributorValue",
    uniqueContributors: "UniqueContributors",
};

/** Contributor Insights rule syntax: at most 4 filters (ANDed), at most 10 values in an `In` or `StartsWith`. */
export const MAX_INSIGHT_FILTERS = 4;
export const MAX_INSIGHT_FILTER_VALUES = 10;
/** PutInsightRule RuleDefinition: at most 8192 ASCII characters. */
export const MAX_INSIGHT_RULE_DEFINITION_LENGTH = 8192;
/** CloudWatch quota: 100 Contributor Insights rules per region per account (adjustable on request). */
export const MAX_INSIGHT_RULES_PER_REGION = 100;

export interface ContributorSpec {
    readonly by: ContributorKey;
    /** @default "maxContributorValue" */
    readonly statistic?: ContributorStatistic;
}

export type InsightFilter =
    | { readonly Match: string; readonly In: readonly string[] }
    | { readonly Match: string; readonly StartsWith: readonly string[] }
    | { readonly Match: string; readonly EqualTo: number }
    | { readonly Match: string; readonly GreaterThan: number }
    | { readonly Match: string; readonly LessThan: number };

/** The Contributor Insights filters that select what `match` selects (each property one filter, a range two). */
export function insightFilters(match: FlowMatch): InsightFilter[] {
    const filters: InsightFilter[] = [];
    for (const key of Object.keys(FLOW_MATCH_FIELDS) as (keyof FlowMatch)[]) {
        const value = match[key];
        if (value === undefined) continue;
        const column = columnName(fieldNamed(FLOW_MATCH_FIELDS[key]));
        if (key === "srcPort" || key === "dstPort") {
            filters.push(...portFilters(column, value as PortMatch));
        } else if (key === "protocol") {
            filters.push({ Match: column, EqualTo: value as number });
        } else if ((key === "srcAddr" || key === "dstAddr") && String(value).endsWith("*")) {
            // `10.0.*` is a prefix of whole octets: StartsWith the text before the `*`.
            filters.push({ Match: column, StartsWith: [String(value).slice(0, -1)] });
        } else {
            filters.push({ Match: column, In: [String(value)] });
        }
    }
    return filters;
}

function portFilters(column: string, ports: PortMatch): InsightFilter[] {
    if (typeof ports === "number") return [{ Match: column, EqualTo: ports }];
    if (Array.isArray(ports)) return [{ Match: column, In: [...new Set(ports)].map(String) }];
    const range = ports as { from: number; to: number };
    // Only GreaterThan/LessThan exist: an inclusive range is (from - 1, to + 1), two filters.
    return [
        { Match: column, GreaterThan: range.from - 1 },
        { Match: column, LessThan: range.to + 1 },
    ];
}

/** Why `match` cannot be a Contributor Insights rule's filters, or nothing. */
export function insightFilterProblems(match: FlowMatch): string[] {
    const filters = insightFilters(match);
    const problems: string[] = [];
    if (filters.length > MAX_INSIGHT_FILTERS) {
        problems.push(
            `needs ${filters.length} Contributor Insights filters (a port range takes two) and a rule allows at most ${MAX_INSIGHT_FILTERS}: match on fewer fields`,
        );
    }
    for (const filter of filters) {
        const values = "In" in filter ? filter.In : "StartsWith" in filter ? filter.StartsWith : [];
        if (values.length > MAX_INSIGHT_FILTER_VALUES) {
            problems.push(
                `${filter.Match} lists ${values.length} values and a Contributor Insights filter allows at most ${MAX_INSIGHT_FILTER_VALUES}: use a port range`,
            );
        }
    }
    return problems;
}

/** The flow log field (AWS name) a key reads. */
export function keyField(by: ContributorKey): FlowLogField {
    return fieldNamed(FLOW_MATCH_FIELDS[by]);
}

/**
 * The fields a per-source rule reads, in FLOW_LOG_FIELDS order: the match's and the key's. The
 * CloudWatch format must carry them; it needs nothing more for this rule.
 */
export function fieldsRead(rule: { readonly match: FlowMatch; readonly by?: ContributorKey }): FlowLogField[] {
    const names = new Set([...matchFields(rule.match).map((field) => field.name)]);
    if (rule.by !== undefined) names.add(FLOW_MATCH_FIELDS[rule.by]);
    return FLOW_LOG_FIELDS.filter((field) => names.has(field.name));
}

/**
 * The rule body (CLF: flow log records are space-delimited, fields counted from 1). Positions come
 * from `fields`, the format the log group receives, and every filter and key uses the alias
 * `Fields` gives it.
 */
export function contributorRuleDefinition(
    rule: { readonly match: FlowMatch; readonly by: ContributorKey },
    logGroupNames: readonly string[],
    fields: readonly FlowLogField[],
): object {
    return {
        Schema: { Name: "CloudWatchLogRule", Version: 1 },
        LogGroupNames: logGroupNames,
        LogFormat: "CLF",
        Fields: clfPositions(
            fields,
            fieldsRead(rule).map((field) => field.name),
        ),
        Contribution: { Keys: [columnName(keyField(rule.by))], Filters: insightFilters(rule.match) },
        AggregateOn: "Count",
    };
}

/** The metric-math expression an alarm reads; both arguments quoted, as CloudWatch requires. */
export function insightRuleMetric(ruleName: string, statistic: ContributorStatistic): string {
    return `INSIGHT_RULE_METRIC('${ruleName}', '${INSIGHT_METRIC_NAMES[statistic]}')`;
}
