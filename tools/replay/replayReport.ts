/**
 * How `npm run rules` prints what would fire: for people, as JSON, and the lines of the records
 * file that were skipped.
 */
import { alarmName } from "../../components/naming";
import { FormatSource, RecordsFile } from "../files/recordsFile";
import { isoSeconds } from "./ruleEvaluation";
import { VpcEvaluation } from "./stackReplay";

/** The shape of `npm run rules -- --json`. */
export interface RulesJson {
    readonly alarms: readonly {
        readonly vpc: string;
        readonly rule: string;
        readonly state: "ALARM";
        readonly at: string;
    }[];
}

/** `npm run rules -- --json`: only the alarms that would fire, in time order. */
export function replayJson(evaluations: readonly VpcEvaluation[]): RulesJson {
    const alarms = evaluations.flatMap(({ vpc, rules }, vpcIndex) =>
        rules.flatMap(({ rule, firings }, ruleIndex) =>
            firings.map((firing) => ({ vpc, rule: rule.name, at: firing.at, order: [vpcIndex, ruleIndex] })),
        ),
    );
    alarms.sort((a, b) => a.at - b.at || a.order[0] - b.order[0] || a.order[1] - b.order[1]);
    return { alarms: alarms.map(({ vpc, rule, at }) => ({ vpc, rule, state: "ALARM" as const, at: isoSeconds(at) })) };
}

/** `npm run rules`, for people: the records read, then per VPC each rule's verdict, then the count. */
export function renderReplay(
    stack: string,
    records: RecordsFile,
    source: string,
    evaluations: readonly VpcEvaluation[],
    vpcOption: string | undefined,
): string {
    const out: string[] = [];
    // A loop, not Math.min(...times): spreading a million records would overflow the call stack.
    let first = Infinity;
    let last = -Infinity;
    for (const { start } of records.records) {
        first = Math.min(first, start);
        last = Math.max(last, start);
    }
    out.push(
        `What would fire: ${source} against the alerting rules of stack "${stack}" (CloudWatch's evaluation replayed offline; nothing deployed)`,
    );
    out.push(
        `Records: ${records.records.length} valid, ${records.skipped.length} skipped; ${describeFormat(records)}; start times ${isoSeconds(first)} to ${isoSeconds(last)}`,
    );
    out.push(
        vpcOption === undefined
            ? `The same records are evaluated against each VPC's rules, as if each VPC's alarm log group had received them (--vpc NAME for one VPC).`
            : `Evaluated against the rules of VPC ${vpcOption} only.`,
    );
    let fired = 0;
    let quiet = 0;
    for (const { vpc, region, rules } of evaluations) {
        out.push("", `${vpc} (${region}): ${plural(rules.length, "rule")}`);
        const width = Math.max(...rules.map((r) => r.rule.name.length));
        for (const evaluation of rules) {
            const { rule } = evaluation;
            const name = rule.name.padEnd(width);
            const window = `${rule.evaluationPeriods > 1 ? `${rule.evaluationPeriods} periods in a row of ` : ""}>= ${rule.threshold} in ${rule.periodSeconds} s`;
            if (evaluation.unavailable !== undefined) {
                out.push(`  n/a    ${name}  not evaluated: ${evaluation.unavailable}`);
                continue;
            }
            if (evaluation.firings.length === 0) {
                quiet++;
                const peak = evaluation.peak
                    ? `at most ${plural(evaluation.peak.sum, "matching record")} in a period (from ${isoSeconds(evaluation.peak.periodStart)})`
                    : "no matching record";
                out.push(`  OK     ${name}  ${peak} (alarm: ${window})`);
                continue;
            }
            fired += evaluation.firings.length;
            evaluation.firings.forEach((firing, i) => {
                const label = i === 0 ? name : " ".repeat(width);
                const value =
                    rule.by === undefined
                        ? plural(firing.sum, "matching record")
                        : rule.statistic === "uniqueContributors"
                          ? plural(firing.sum, `distinct ${rule.by}`)
                          : `${plural(firing.sum, "matching record")} from one ${rule.by}`;
                out.push(
                    `  ALARM  ${label}  at ${isoSeconds(firing.at)}: ${value} in the period from ${isoSeconds(firing.periodStart)} (alarm: ${window})`,
                );
                // Who: the period's top contributors, as GetInsightRuleReport would list them.
                for (const contributor of (firing.contributors ?? []).slice(0, 3)) {
                    out.push(
                        `         ${" ".repeat(width)}    ${contributor.key}: ${plural(contributor.records, "matching record")}`,
                    );
                }
            });
            out.push(`         ${" ".repeat(width)}  alarm ${alarmName(stack, vpc, rule.name)}`);
        }
    }
    const stay = `${plural(quiet, "rule")} stay${quiet === 1 ? "s" : ""} OK`;
    out.push("", fired === 0 ? `No alarm would fire (${stay}).` : `${plural(fired, "transition")} to ALARM; ${stay}.`);
    return out.join("\n");
}

function plural(n: number, noun: string): string {
    return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function describeFormat(records: RecordsFile): string {
    const names = `${records.fields.length} fields`;
    switch (records.formatSource) {
        case FormatSource.DEFAULT:
            return `default version-2 format (${names})${records.gzip ? ", gzip" : ""}`;
        case FormatSource.HEADER:
            return `format from the file's header line (${names})${records.gzip ? ", gzip" : ""}`;
        case FormatSource.OPTION:
            return `format from --format (${names})${records.gzip ? ", gzip" : ""}`;
        default:
            return `the alarm log group's format (${names})${records.gzip ? ", gzip" : ""}`;
    }
}

/** The skipped lines of a records file, one warning each up to `limit`, then a count of the rest. */
export function skippedLines(file: string, records: Pick<RecordsFile, "skipped">, limit: number): string[] {
    const lines = records.skipped.slice(0, limit).map((line) => `${file}:${line.lineNumber}: skipped: ${line.reason}`);
    const more = records.skipped.length - limit;
    if (more > 0) lines.push(`${file}: ${more} more malformed lines skipped (not listed)`);
    return lines;
}
