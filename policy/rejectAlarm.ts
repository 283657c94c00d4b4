/**
 * Whether a VPC has a REJECT alarm: a rejected packet in it can reach a person. Every link of
 * every candidate chain is followed and judged:
 *
 *   VPC <- flow log (REJECT or ALL, to CloudWatch Logs)
 *       -> log group (same name, account and region)
 *       <- metric filter (its pattern can match a REJECT record of the format delivered and
 *          matches no other record; its metric value is published for those records)
 *       <- metric alarm (same metric, account and region; the filter's dimensions exactly; a
 *          unit the filter publishes; a statistic and comparison that can hold; for metric
 *          math, a returned expression that uses the filter's metric)
 *       -> an action that reaches a person (SNS, Lambda, OpsItem, Incident Manager)
 *
 * A value not known to the pack is judged by where it comes from: a resource the engine has not
 * created yet (`pulumi preview`) is decided at `pulumi up`, where the engine runs the policy again,
 * so the chain counts; an encrypted secret of a stack export (`opts.additionalSecretOutputs`, set
 * by the offline audit), or an unknown left in a resource that exists, cannot be judged: the chain
 * is "unjudged", which vpc-reject-alarm-verifiable reports as advisory.
 */
import type { PolicyResource } from "@pulumi/policy";
import {
    DEFAULT_FORMAT_FIELDS,
    FilterPattern,
    FlowAction,
    FlowLogField,
    Published,
    RecordKind,
    parseLogFormat,
    PatternKind,
    publishedValue,
    renderPattern,
    slotAccepts,
} from "@vpc-flow-monitor/flowlogs";
import {
    BAND_COMPARISONS,
    arithmeticOf,
    comparisonCanHold,
    identifiersOf,
    rangeThrough,
    statKind,
    statRange,
} from "./alarmMath";
import { StackGraph, placementLabel } from "./graph";
import {
    LogGroupRef,
    alarmActionsOf,
    alarmsOn,
    destinationType,
    filterSelects,
    filtersOn,
    flowLogsByVpc,
    logGroupOfFlowLog,
    metricOfFilter,
    trafficType,
    transformationOf,
} from "./links";
import { DestinationType, TrafficType } from "./types";
import { Maybe, UNKNOWN, read, readArray, readBoolean, readNumber, readString, show } from "./values";

/** Why a value is not known. */
export type Cause = "pending" | "secret" | "unknown";

export type AlarmVerdict =
    | { readonly status: "ok" }
    | { readonly status: "missing"; readonly problem: string; readonly fix: string }
    | { readonly status: "unjudged"; readonly reasons: readonly string[] };

/** A link's verdict: holds, broken (with how far the chain got), or not decidable from the values seen. */
type Step =
    | { readonly ok: true }
    | { readonly ok: false; readonly stage: number; readonly problem: string; readonly fix: string }
    | { readonly ok: "unjudged"; readonly why: string };

const OK: Step = { ok: true };

/** The verdict for one VPC, computed once per graph. */
export function rejectAlarmVerdict(graph: StackGraph, vpc: PolicyResource): AlarmVerdict {
    return graph.memo(`rejectAlarm:${vpc.urn}`, () => judgeVpc(graph, vpc));
}

/** Why a value of `resource` at `property` (a top-level property) is not known. */
export function unknownCause(graph: StackGraph, resource: PolicyResource, property: string): Cause {
    const secrets = readArray(resource.opts as unknown, "additionalSecretOutputs");
    if (Array.isArray(secrets) && secrets.includes(property)) return "secret";
    const id = graph.value(resource, "id");
    return id === UNKNOWN || id === undefined || id === "" ? "pending" : "unknown";
}

function describeCause(cause: Cause): string {
    return cause === "secret"
        ? "is an encrypted secret in this stack export (export it with --show-secrets to judge it)"
        : "is not known (a value left unknown in the stack's state, or one the next deployment computes)";
}

/** A step for an unknown value: counts while the resource is still to be created, otherwise unjudged. */
function unknownStep(graph: StackGraph, resource: PolicyResource, property: string, what: string): Step {
    const cause = unknownCause(graph, resource, property);
    return cause === "pending" ? OK : { ok: "unjudged", why: `${what} ${describeCause(cause)}` };
}

function judgeVpc(graph: StackGraph, vpc: PolicyResource): AlarmVerdict {
    const vpcId = readString(vpc.props, "id");
    const vpcRef = typeof vpcId === "string" ? vpcId : `the id of "${vpc.name}"`;
    const fullFix = `add a flow log (aws.ec2.FlowLog) with vpcId ${vpcRef} and trafficType REJECT into a CloudWatch log group, a metric filter on that group selecting action = REJECT, and a metric alarm on its metric with an SNS topic in alarmActions`;
    const flowLogs = flowLogsByVpc(graph).get(vpc.urn) ?? [];
    if (flowLogs.length === 0) return { status: "missing", problem: "no flow log refers to it", fix: fullFix };

    const unjudged: string[] = [];
    const toCloudWatch = flowLogs.filter((f) => {
        const destination = destinationType(graph, f);
        if (destination !== UNKNOWN) return destination === DestinationType.CLOUDWATCH;
        const step = unknownStep(graph, f, "logDestinationType", `the destination type of flow log "${f.name}"`);
        if (step.ok === "unjudged") unjudged.push(step.why);
        return step.ok === true;
    });
    if (toCloudWatch.length === 0) {
        if (unjudged.length > 0) return { status: "unjudged", reasons: unjudged };
        const where = flowLogs
            .map((f) => `"${f.name}" -> ${show(readString(f.props, "logDestinationType"))}`)
            .join(", ");
        return {
            status: "missing",
            problem: `its flow logs do not deliver to CloudWatch Logs (${where}); an alarm needs a flow log into a CloudWatch log group`,
            fix: fullFix,
        };
    }
    const capturing = toCloudWatch.filter((f) => {
        const traffic = trafficType(graph, f);
        if (traffic !== UNKNOWN) return traffic === TrafficType.REJECT || traffic === TrafficType.ALL;
        const step = unknownStep(graph, f, "trafficType", `the traffic type of flow log "${f.name}"`);
        if (step.ok === "unjudged") unjudged.push(step.why);
        return step.ok === true;
    });
    if (capturing.length === 0) {
        if (unjudged.length > 0) return { status: "unjudged", reasons: unjudged };
        const what = toCloudWatch
            .map((f) => `"${f.name}" captures ${show(readString(f.props, "trafficType"))}`)
            .join(", ");
        return {
            status: "missing",
            problem: `its CloudWatch flow logs capture no REJECT records (${what})`,
            fix: `set trafficType to REJECT (or ALL) on ${toCloudWatch.map((f) => `"${f.name}"`).join(", ")}`,
        };
    }

    let best: { stage: number; problem: string; fix: string } = { stage: -1, problem: "", fix: "" };
    const note = (step: Step): boolean => {
        if (step.ok === true) return true;
        if (step.ok === "unjudged") unjudged.push(step.why);
        else if (step.stage > best.stage) best = step;
        return false;
    };
    for (const flowLog of capturing) {
        if (judgeFlowLog(graph, flowLog, note)) return { status: "ok" };
    }
    if (unjudged.length > 0) return { status: "unjudged", reasons: [...new Set(unjudged)] };
    return { status: "missing", problem: best.problem, fix: best.fix };
}

/** Follows one flow log's chains; true as soon as one reaches a person. */
function judgeFlowLog(graph: StackGraph, flowLog: PolicyResource, note: (step: Step) => boolean): boolean {
    const group = logGroupOfFlowLog(graph, flowLog);
    if (!group) {
        return note({
            ok: false,
            stage: 1,
            problem: `the log group flow log "${flowLog.name}" delivers to cannot be told from ${JSON.stringify(readString(flowLog.props, "logDestination") ?? null)}`,
            fix: `set its logDestination to the ARN of a CloudWatch log group`,
        });
    }
    const { example } = formatOf(graph, flowLog);
    const where = groupLabel(group);
    const filters = filtersOn(graph, group);
    if (filters.length === 0) {
        return note({
            ok: false,
            stage: 2,
            problem: `no metric filter reads log group ${where}, which flow log "${flowLog.name}" delivers to`,
            fix: `add a metric filter on log group ${where} selecting action = REJECT (pattern ${example}, metricValue 1), and a metric alarm on its metric (Sum >= 1) with an SNS topic in alarmActions`,
        });
    }
    for (const filter of filters) {
        const judged = judgeFilter(graph, filter, flowLog, where, example);
        if (!note(judged.step)) continue;
        const alarms = alarmsOn(graph, filter);
        if (alarms.length === 0) {
            note({
                ok: false,
                stage: 4,
                problem: `metric filter "${filter.name}" on log group ${where} selects REJECT records, but no metric alarm watches its metric ${metricLabel(graph, filter)}`,
                fix: `add a metric alarm on metric ${metricLabel(graph, filter)} in ${placementLabel(group.account, group.region) || "the filter's account and region"} (Sum >= 1 over 60 s) with an SNS topic in alarmActions`,
            });
            continue;
        }
        for (const alarm of alarms) {
            if (!note(judgeAlarm(graph, filter, alarm, judged))) continue;
            const actions = alarmActionsOf(alarm.props);
            if (actions.has && actions.unknown && readArray(alarm.props, "alarmActions") !== UNKNOWN) {
                // Some actions unknown, none known to notify: decided by where the unknown comes from.
                if (note(unknownStep(graph, alarm, "alarmActions", `the alarm actions of "${alarm.name}"`)))
                    return true;
                continue;
            }
            if (actions.has && actions.unknown) {
                if (note(unknownStep(graph, alarm, "alarmActions", `the alarm actions of "${alarm.name}"`)))
                    return true;
                continue;
            }
            if (actions.has) return true;
            note({
                ok: false,
                stage: 6,
                problem: `metric alarm "${alarm.name}" watches the REJECT metric ${metricLabel(graph, filter)} of filter "${filter.name}", but ${actions.reason}`,
                fix: `add an SNS topic's ARN to its alarmActions${readBoolean(alarm.props, "actionsEnabled") === false ? " and set actionsEnabled to true" : ""}`,
            });
        }
    }
    return false;
}

const examples = new Map<string, { fields?: readonly FlowLogField[]; example: string }>();

/**
 * The fields of the format a flow log delivers (undefined when not known or not parsable), and
 * the pattern a fix would suggest for it; once per format string.
 */
function formatOf(graph: StackGraph, flowLog: PolicyResource): { fields?: readonly FlowLogField[]; example: string } {
    const format = graph.value(flowLog, "logFormat");
    const key = format === UNKNOWN ? "\u0000unknown" : (format ?? "");
    let known = examples.get(key);
    if (!known) {
        let fields: readonly FlowLogField[] | undefined;
        if (format === undefined || format === "") fields = DEFAULT_FORMAT_FIELDS;
        else if (format !== UNKNOWN) {
            try {
                fields = parseLogFormat(format);
            } catch {
                fields = undefined;
            }
        }
        let example = "[..., action = REJECT, log_status]";
        try {
            if (fields) example = renderPattern({ action: FlowAction.REJECT }, fields);
        } catch {
            // A format without the action field: keep the generic example.
        }
        known = { fields, example };
        if (examples.size > 1_000) examples.clear();
        examples.set(key, known);
    }
    return known;
}

/** What a filter was found to publish, for the alarm checks. */
interface FilterJudgement {
    readonly step: Step;
    /** Undefined when the pattern or format is not known yet (then the value checks are skipped). */
    readonly pattern?: FilterPattern;
    readonly fields?: readonly FlowLogField[];
    readonly metricValue?: string;
    readonly dimensions?: Readonly<Record<string, string>>;
    readonly unit?: string;
    /** False when the transformation is not known yet: the alarm checks that need it are skipped. */
    readonly known: boolean;
}

function judgeFilter(
    graph: StackGraph,
    filter: PolicyResource,
    flowLog: PolicyResource,
    where: string,
    example: string,
): FilterJudgement {
    const broken = (problem: string, fix: string): FilterJudgement => ({
        step: {
            ok: false,
            stage: 3,
            problem: `no metric filter on log group ${where} selects REJECT records ("${filter.name}": ${problem})`,
            fix,
        },
        known: false,
    });
    const verdict = filterSelects(graph, filter, flowLog);
    if (!verdict.selects)
        return broken(
            verdict.reason,
            `give it a pattern that selects action = REJECT in that format, such as ${example}`,
        );
    if (verdict.unknown === "pattern")
        return {
            step: unknownStep(graph, filter, "pattern", `the pattern of metric filter "${filter.name}"`),
            known: false,
        };
    if (verdict.unknown === "logFormat")
        return {
            step: unknownStep(graph, flowLog, "logFormat", `the log format of flow log "${flowLog.name}"`),
            known: false,
        };
    const pattern = verdict.pattern!;
    const fields = verdict.fields!;
    const transformation = transformationOf(graph, filter);
    if (transformation === UNKNOWN)
        return {
            step: unknownStep(graph, filter, "metricTransformation", `the metric transformation of "${filter.name}"`),
            known: false,
        };
    const value = read(transformation, "value");
    if (value === UNKNOWN)
        return {
            step: unknownStep(graph, filter, "metricTransformation", `the metric value of "${filter.name}"`),
            known: false,
        };
    if (typeof value !== "string" || value.trim() === "")
        return broken("its metric transformation has no value", "set metricTransformation.value to 1");
    const dims = read(transformation, "dimensions");
    if (dims === UNKNOWN || containsUnknown(dims))
        return {
            step: unknownStep(graph, filter, "metricTransformation", `the dimensions of "${filter.name}"`),
            known: false,
        };
    const dimensions = stringRecord(dims);
    const published = publishedValue(pattern, value, fields, RecordKind.REJECT);
    if (published.kind === "none") {
        return broken(
            `its metric value publishes nothing for REJECT records: ${published.reason}`,
            "set metricTransformation.value to 1 (or a numeric field of the pattern, such as $packets)",
        );
    }
    const unit = read(transformation, "unit");
    return {
        step: OK,
        pattern,
        fields,
        metricValue: value,
        dimensions,
        unit: typeof unit === "string" && unit !== "" ? unit : "None",
        known: true,
    };
}

// ---------------------------------------------------------------------------------------------
// the alarm
// ---------------------------------------------------------------------------------------------

/** One metric the alarm reads: the alarm's own, or a metric query's. */
interface WatchedMetric {
    readonly dimensions: Maybe<Readonly<Record<string, string>>>;
    readonly unit: Maybe<string>;
    readonly statistic: Maybe<string>;
}

function judgeAlarm(graph: StackGraph, filter: PolicyResource, alarm: PolicyResource, judged: FilterJudgement): Step {
    const label = `metric alarm "${alarm.name}" on metric ${metricLabel(graph, filter)}`;
    const broken = (problem: string, fix: string): Step => ({
        ok: false,
        stage: 5,
        problem: `${label}: ${problem}`,
        fix,
    });
    const unknown = (property: string, what: string) =>
        unknownStep(graph, alarm, property, `the ${what} of "${alarm.name}"`);
    const queries = readArray(alarm.props, "metricQueries");
    if (queries === UNKNOWN) return unknown("metricQueries", "metric queries");
    // graph.value: an older engine's empty preview outputs read as unknown.
    const comparison = graph.value(alarm, "comparisonOperator");
    if (comparison === UNKNOWN) return unknown("comparisonOperator", "comparison");
    if (comparison === undefined || comparison === "")
        return broken(
            "it has no comparisonOperator",
            "set comparisonOperator to GreaterThanOrEqualToThreshold and threshold to 1",
        );
    const threshold = readNumber(alarm.props, "threshold");
    if (threshold === UNKNOWN) return unknown("threshold", "threshold");
    const band = BAND_COMPARISONS.includes(comparison);

    if (queries && queries.length > 0)
        return judgeMathAlarm(graph, filter, alarm, judged, queries, comparison, threshold, broken, unknown);

    const own: WatchedMetric = {
        dimensions: recordOrUnknown(read(alarm.props, "dimensions")),
        unit: readString(alarm.props, "unit"),
        statistic: statisticOf(read(alarm.props, "statistic"), read(alarm.props, "extendedStatistic")),
    };
    if (band)
        return broken(
            `${comparison} needs an anomaly detection band (metricQueries with thresholdMetricId)`,
            "use GreaterThanOrEqualToThreshold with a threshold",
        );
    return judgeWatched(own, judged, comparison, threshold, broken, unknown, (r) => r);
}

function judgeMathAlarm(
    graph: StackGraph,
    filter: PolicyResource,
    alarm: PolicyResource,
    judged: FilterJudgement,
    queries: unknown[],
    comparison: string,
    threshold: number | undefined,
    broken: (problem: string, fix: string) => Step,
    unknown: (property: string, what: string) => Step,
): Step {
    if (queries.some((q) => q === UNKNOWN || containsUnknown(q))) return unknown("metricQueries", "metric queries");
    const metric = metricOfFilter(graph, filter);
    const list = queries.map((q) => ({
        id: readString(q, "id"),
        expression: readString(q, "expression"),
        returnData: readBoolean(q, "returnData"),
        namespace: readString(q, "metric", "namespace"),
        name: readString(q, "metric", "metricName"),
        metric: read(q, "metric"),
    }));
    const thresholdId = readString(alarm.props, "thresholdMetricId");
    const ours = new Set(
        list
            .filter((q) => q.namespace === metric.namespace && q.name === metric.name && typeof q.id === "string")
            .map((q) => q.id as string),
    );
    const flagged = list.filter((q) => q.returnData === true && q.id !== thresholdId);
    const returned = flagged.length > 0 ? flagged : list.length === 1 ? list : [];
    if (returned.length !== 1)
        return broken(
            `${returned.length === 0 ? "none" : "more than one"} of its metric queries returns data`,
            "set returnData: true on exactly one query",
        );
    const result = returned[0];
    const byId = new Map(list.filter((q) => typeof q.id === "string").map((q) => [q.id as string, q]));
    // The query ids the returned one reads, through other expressions.
    const reached = new Set<string>();
    const visit = (id: string) => {
        if (reached.has(id)) return;
        reached.add(id);
        const q = byId.get(id);
        if (typeof q?.expression === "string")
            for (const name of identifiersOf(q.expression)) if (byId.has(name)) visit(name);
    };
    if (typeof result.id === "string") visit(result.id);
    const used = [...ours].filter((id) => reached.has(id));
    if (used.length === 0) {
        const what =
            typeof result.expression === "string"
                ? `expression ${JSON.stringify(result.expression)}`
                : `query ${JSON.stringify(result.id)}`;
        return broken(
            `its returned ${what} does not use the filter's metric`,
            `return an expression of the query on ${metricLabel(graph, filter)}`,
        );
    }
    const metricQuery = byId.get(used[0])!;
    const watched: WatchedMetric = {
        dimensions: recordOrUnknown(read(metricQuery.metric, "dimensions")),
        unit: readString(metricQuery.metric, "unit"),
        statistic: statisticOf(read(metricQuery.metric, "stat"), undefined),
    };
    const band = BAND_COMPARISONS.includes(comparison);
    if (band && (typeof thresholdId !== "string" || !byId.has(thresholdId)))
        return broken(
            `${comparison} needs thresholdMetricId naming its ANOMALY_DETECTION_BAND query`,
            "set thresholdMetricId",
        );
    // The returned series as a function of the filter's metric.
    let through: (range: ReturnType<typeof statRange>) => ReturnType<typeof statRange>;
    if (result.id === used[0]) through = (r) => r;
    else {
        const fn =
            typeof result.expression === "string" && used.length === 1
                ? arithmeticOf(result.expression, used[0])
                : undefined;
        if (!fn) {
            return {
                ok: "unjudged",
                why: `the comparison of metric-math alarm "${alarm.name}" cannot be judged: the pack evaluates only arithmetic of one metric query, not ${JSON.stringify(result.expression)}`,
            };
        }
        through = (r) => rangeThrough(fn, r);
    }
    return judgeWatched(watched, judged, comparison, threshold, broken, unknown, through);
}

function judgeWatched(
    watched: WatchedMetric,
    judged: FilterJudgement,
    comparison: string,
    threshold: number | undefined,
    broken: (problem: string, fix: string) => Step,
    unknown: (property: string, what: string) => Step,
    through: (range: ReturnType<typeof statRange>) => ReturnType<typeof statRange>,
): Step {
    if (watched.statistic === UNKNOWN) return unknown("statistic", "statistic");
    if (watched.dimensions === UNKNOWN) return unknown("dimensions", "dimensions");
    if (watched.unit === UNKNOWN) return unknown("unit", "unit");
    if (watched.statistic === undefined) return broken("it has no statistic", "set statistic to Sum");
    const kind = statKind(watched.statistic);
    if (kind === undefined)
        return broken(`${JSON.stringify(watched.statistic)} is not a statistic the pack knows`, "set statistic to Sum");
    if (!judged.known || !judged.pattern || !judged.fields) return OK;

    // CloudWatch: a metric is its namespace, name AND dimensions; a filter with dimensions publishes only the dimensioned series.
    const published = judged.dimensions ?? {};
    const asked = watched.dimensions ?? {};
    const publishedKeys = Object.keys(published).sort();
    const askedKeys = Object.keys(asked).sort();
    if (publishedKeys.join("\u0000") !== askedKeys.join("\u0000")) {
        const p = publishedKeys.length === 0 ? "no dimensions" : `dimensions ${publishedKeys.join(", ")}`;
        const a = askedKeys.length === 0 ? "no dimensions" : `dimensions ${askedKeys.join(", ")}`;
        return broken(
            `it asks for the series with ${a}, and the filter publishes the series with ${p} only`,
            publishedKeys.length === 0
                ? "remove the alarm's dimensions"
                : `give the alarm the dimensions ${publishedKeys.join(", ")} with values REJECT records carry`,
        );
    }
    const fixed: Record<string, string> = {};
    for (const key of publishedKeys) {
        const source = published[key].trim();
        const wanted = asked[key];
        const slot = /^\$([A-Za-z_][A-Za-z0-9_-]*)$/.exec(source)?.[1];
        if (!slot) {
            if (source !== wanted)
                return broken(
                    `dimension ${key} is ${JSON.stringify(wanted)}, and the filter publishes ${JSON.stringify(source)}`,
                    `set dimension ${key} to ${JSON.stringify(source)}`,
                );
            continue;
        }
        if (
            judged.pattern.kind === PatternKind.TERMS ||
            !slotAccepts(judged.pattern, slot, wanted, judged.fields, RecordKind.REJECT)
        ) {
            return broken(
                `dimension ${key} = ${JSON.stringify(wanted)} is never published: ${source} never has that value in a REJECT record the pattern matches`,
                `set dimension ${key} to a value ${source} takes in REJECT records`,
            );
        }
        if (judged.pattern.kind === PatternKind.SPACE_DELIMITED) fixed[slot] = wanted;
    }
    const unit = watched.unit;
    if (unit !== undefined && unit !== "" && unit !== judged.unit) {
        return broken(
            `it asks for unit ${unit}, and the filter publishes unit ${judged.unit}: the alarm sees no data`,
            `set the alarm's unit to ${judged.unit} or leave it out`,
        );
    }
    const value: Published = publishedValue(
        judged.pattern,
        judged.metricValue!,
        judged.fields,
        RecordKind.REJECT,
        fixed,
    );
    if (value.kind === "none")
        return broken(
            `with its dimensions, the filter publishes nothing: ${value.reason}`,
            "set metricTransformation.value to 1",
        );
    const range = through(statRange(kind, value));
    if (Number.isNaN(range.inf) || Number.isNaN(range.sup))
        return broken("its expression has no value", "return the filter's metric");
    const verdict = comparisonCanHold(comparison, threshold, range);
    if (verdict.holds) return OK;
    return broken(
        `${watched.statistic} of ${describeValue(value)}: ${verdict.reason}`,
        "alarm on Sum with GreaterThanOrEqualToThreshold 1 (metricValue 1 counts rejected records)",
    );
}

function describeValue(value: Exclude<Published, { kind: "none" }>): string {
    return value.kind === "constant"
        ? `the metric value ${value.value}`
        : `$${value.name} (${value.min} to ${value.max})`;
}

function statisticOf(statistic: unknown, extended: unknown): Maybe<string> {
    if (statistic === UNKNOWN || extended === UNKNOWN) return UNKNOWN;
    if (typeof statistic === "string" && statistic !== "") return statistic;
    if (typeof extended === "string" && extended !== "") return extended;
    return undefined;
}

function recordOrUnknown(value: unknown): Maybe<Readonly<Record<string, string>>> {
    if (value === UNKNOWN || containsUnknown(value)) return UNKNOWN;
    return stringRecord(value);
}

function stringRecord(value: unknown): Record<string, string> | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    const out: Record<string, string> = {};
    for (const key of Object.keys(value)) {
        const v = read(value, key);
        if (typeof v === "string" || typeof v === "number") out[key] = String(v);
    }
    return Object.keys(out).length > 0 ? out : undefined;
}

function containsUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (typeof value !== "object" || value === null) return false;
    return Object.keys(value).some((key) => containsUnknown(read(value, key)));
}

export function groupLabel(group: LogGroupRef): string {
    if (group.name) return JSON.stringify(group.name);
    return group.resource ? `"${group.resource.name}"` : "(unknown)";
}

export function metricLabel(graph: StackGraph, filter: PolicyResource): string {
    const { namespace, name } = metricOfFilter(graph, filter);
    return `${JSON.stringify(show(name))} (namespace ${JSON.stringify(show(namespace))})`;
}
