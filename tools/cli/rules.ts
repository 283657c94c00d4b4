/**
 * npm run rules -- (--stack NAME | --config FILE) --records FILE [--vpc NAME] [--format "<log format>"] [--json]
 *
 * What would fire: replays a file of flow log records through the alerting rules of every VPC of a
 * stack (or of one, with --vpc) the way CloudWatch evaluates metric filters and alarms
 * (tools/replay/ruleEvaluation.ts), and prints which alarms would go to ALARM and when. Offline: the
 * stack config is validated and each VPC's rules are resolved exactly as the program does it, with
 * no Pulumi runtime, credentials or CLI.
 *
 * Exit status: 0 evaluated (alarms that would fire are a result, not an error); 2 bad usage, an
 * invalid stack config, or a records file that is unreadable, empty or has no valid record.
 */
import * as path from "path";
import { parseArgs } from "util";
import { AlertRule, effectiveRules } from "../../components/alerting/rules";
import { FlowLogField, parseLogFormat } from "../../flowlogs/fields";
import { cloudWatchFields } from "../../components/alerting/cloudWatchFormat";
import { alarmName } from "../../components/naming";
import { ConfigError, formatProblems, StackConfig, validateStackConfig } from "../../program/stackConfig";
import { FormatSource, readRecordsFile, RecordsFile, RecordsFileError } from "../files/recordsFile";
import { evaluateRule, isoSeconds, RuleEvaluation } from "../replay/ruleEvaluation";
import { resolveStackFile, UsageError } from "./plan";
import { StackFileError } from "../files/stackFile";

export const USAGE =
    'usage: npm run rules -- (--stack NAME | --config FILE) --records FILE [--vpc NAME] [--format "<log format>"] [--json]';

/** Malformed lines reported one by one; beyond this, only counted (a wrong file must not flood the terminal). */
export const MAX_REPORTED_LINES = 100;

/** A usage or input problem: printed alone, exit status 2. */
export class RulesUsageError extends Error {}

export interface VpcEvaluation {
    readonly vpc: string;
    readonly region: string;
    readonly rules: readonly RuleEvaluation[];
}

/** `--json`: only the alarms that would fire, in time order. */
export interface RulesJson {
    readonly alarms: readonly {
        readonly vpc: string;
        readonly rule: string;
        readonly state: "ALARM";
        readonly at: string;
    }[];
}

/**
 * The format the stack's alarm log groups receive (of the named VPC's region, or of every
 * region when they agree): what a records file without a header is read as.
 */
export function alarmFieldsOf(config: StackConfig, vpcName?: string): readonly FlowLogField[] {
    const regions = config.regions.filter(
        (region) => vpcName === undefined || region.vpcs.some((vpc) => vpc.name === vpcName),
    );
    const formats = new Map<string, readonly FlowLogField[]>();
    for (const region of regions.length ? regions : config.regions) {
        const fields = cloudWatchFields(
            region.vpcs.flatMap((vpc) =>
                effectiveRules({
                    defaultRules: config.alerts.defaultRules,
                    stackRules: config.alerts.rules,
                    vpcRules: vpc.rules,
                }),
            ),
        );
        formats.set(fields.map((f) => f.name).join(" "), fields);
    }
    if (formats.size > 1) {
        throw new RulesUsageError(
            `the stack's regions give their alarm log groups different formats (${[...formats.keys()].map((f) => `"${f}"`).join(", ")}): name the records' VPC with --vpc, or their format with --format`,
        );
    }
    return [...formats.values()][0];
}

/** Every VPC of the stack (or the one named), with the rules the program would give it, evaluated over the records. */
export function evaluateStack(
    config: StackConfig,
    records: Pick<RecordsFile, "records" | "fields">,
    vpcName?: string,
): VpcEvaluation[] {
    const vpcs = config.regions.flatMap((region) => region.vpcs.map((vpc) => ({ region: region.region, vpc })));
    const selected = vpcName === undefined ? vpcs : vpcs.filter(({ vpc }) => vpc.name === vpcName);
    if (selected.length === 0) {
        throw new RulesUsageError(
            `--vpc ${JSON.stringify(vpcName)}: no such VPC in the stack; its VPCs: ${vpcs.map(({ vpc }) => vpc.name).join(", ")}`,
        );
    }
    return selected.map(({ region, vpc }) => {
        const rules: AlertRule[] = effectiveRules({
            defaultRules: config.alerts.defaultRules,
            stackRules: config.alerts.rules,
            vpcRules: vpc.rules,
        });
        return {
            vpc: vpc.name,
            region,
            rules: rules.map((rule) => evaluateRule(rule, records.records, records.fields)),
        };
    });
}

export function toJson(evaluations: readonly VpcEvaluation[]): RulesJson {
    const alarms = evaluations.flatMap(({ vpc, rules }, vpcIndex) =>
        rules.flatMap(({ rule, firings }, ruleIndex) =>
            firings.map((firing) => ({ vpc, rule: rule.name, at: firing.at, order: [vpcIndex, ruleIndex] })),
        ),
    );
    alarms.sort((a, b) => a.at - b.at || a.order[0] - b.order[0] || a.order[1] - b.order[1]);
    return { alarms: alarms.map(({ vpc, rule, at }) => ({ vpc, rule, state: "ALARM" as const, at: isoSeconds(at) })) };
}

export function renderText(
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
                out.push(
                    `  ALARM  ${label}  at ${isoSeconds(firing.at)}: ${plural(firing.sum, "matching record")} in the period from ${isoSeconds(firing.periodStart)} (alarm: ${window})`,
                );
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

function formatOption(text: string | undefined): readonly FlowLogField[] | undefined {
    if (text === undefined) return undefined;
    try {
        return parseLogFormat(text);
    } catch (err) {
        throw new RulesUsageError(
            `--format ${JSON.stringify(text)}: ${(err as Error).message}; write the fields as the flow log's logFormat does, e.g. "\${version} \${srcaddr} \${start} \${action}"`,
        );
    }
}

export async function main(argv: string[]): Promise<number> {
    let source: string | undefined;
    try {
        const { values } = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                config: { type: "string" },
                records: { type: "string" },
                vpc: { type: "string" },
                format: { type: "string" },
                json: { type: "boolean", default: false },
            },
            strict: true,
        });
        const format = formatOption(values.format);
        const stackFile = resolveStackFile(values, USAGE);
        if (values.records === undefined)
            throw new RulesUsageError(
                `--records FILE is required: a file of flow log records (plain text or .gz)\n${USAGE}`,
            );
        source = path.relative(process.cwd(), stackFile.path) || stackFile.path;
        const config = validateStackConfig(stackFile.config);
        const records = readRecordsFile(values.records, { format, alarmFields: alarmFieldsOf(config, values.vpc) });
        const evaluations = evaluateStack(config, records, values.vpc);

        reportSkipped(values.records, records);
        for (const { vpc, rules } of evaluations) {
            for (const { rule, unavailable } of rules) {
                if (unavailable !== undefined)
                    process.stderr.write(`warning: rule ${rule.name} of VPC ${vpc} not evaluated: ${unavailable}\n`);
            }
        }
        if (values.json) {
            process.stdout.write(JSON.stringify(toJson(evaluations), null, 2) + "\n");
        } else {
            process.stdout.write(renderText(stackFile.stack, records, values.records, evaluations, values.vpc) + "\n");
        }
        return 0;
    } catch (err) {
        return reportRulesFailure(err, source);
    }
}

function reportSkipped(file: string, records: RecordsFile): void {
    for (const line of records.skipped.slice(0, MAX_REPORTED_LINES)) {
        process.stderr.write(`${file}:${line.lineNumber}: skipped: ${line.reason}\n`);
    }
    const more = records.skipped.length - MAX_REPORTED_LINES;
    if (more > 0) process.stderr.write(`${file}: ${more} more malformed lines skipped (not listed)\n`);
}

/** Prints an expected failure without a stack trace and returns its exit status (2). */
export function reportRulesFailure(err: unknown, source?: string): number {
    if (err instanceof ConfigError) {
        process.stderr.write(formatProblems(err.problems, source) + "\nNo records were evaluated.\n");
        return 2;
    }
    if ((err as { code?: string })?.code?.startsWith("ERR_PARSE_ARGS")) {
        process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
        return 2;
    }
    if (
        err instanceof RulesUsageError ||
        err instanceof UsageError ||
        err instanceof StackFileError ||
        err instanceof RecordsFileError
    ) {
        process.stderr.write(`${(err as Error).message}\n`);
        return 2;
    }
    throw err;
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code));
}
