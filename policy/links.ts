/**
 * The links the stack policies follow, on top of the generic graph:
 *
 *   VPC <- flow log -> log group <- metric filter <- alarm (-> actions)
 *                   -> S3 bucket <- public access block / encryption / bucket policy
 *                   -> delivery role <- role policies
 *
 * Each link is decided by value when the values are known and through (property) dependencies
 * when they are not; every lookup goes through an index built once per graph.
 */
import type { PolicyResource } from "@pulumi/policy";
import {
    DEFAULT_FORMAT_FIELDS,
    FlowAction,
    FlowLogField,
    ParsedPattern,
    parseLogFormat,
    parsePattern,
    selectsAction,
} from "@vpc-flow-monitor/flowlogs";
import { StackGraph, bucketNameFromArn, parseLogGroupArn, sameRegion } from "./graph";
import { BUCKET_TYPES, DestinationType, TYPES } from "./types";
import { Maybe, UNKNOWN, readArray, readBoolean, readString, unproxied } from "./values";

// ---------------------------------------------------------------------------------------------
// VPC <- flow log
// ---------------------------------------------------------------------------------------------

/** Every flow log of each VPC (by URN): `vpcId` == the VPC's id, or the VPC it depends on for `vpcId`. */
export function flowLogsByVpc(graph: StackGraph): ReadonlyMap<string, readonly PolicyResource[]> {
    return graph.memo("flowLogsByVpc", () => {
        const vpcsById = graph.indexBy("vpcById", [TYPES.Vpc], (vpc) => [known(readString(vpc.props, "id"))]);
        const out = new Map<string, PolicyResource[]>();
        for (const flowLog of graph.ofType(TYPES.FlowLog)) {
            const { targets } = graph.resolve(flowLog, "vpcId", (id) => vpcsById.get(id) ?? [], [TYPES.Vpc]);
            for (const vpc of targets) add(out, vpc.urn, flowLog);
        }
        return out;
    });
}

/** Where a flow log delivers; AWS defaults to CloudWatch Logs when `logDestinationType` is not given. */
export function destinationType(graph: StackGraph, flowLog: PolicyResource): Maybe<string> {
    const type = graph.value(flowLog, "logDestinationType");
    return type === undefined ? DestinationType.CLOUDWATCH : type;
}

export function trafficType(graph: StackGraph, flowLog: PolicyResource): Maybe<string> {
    return graph.value(flowLog, "trafficType");
}

// ---------------------------------------------------------------------------------------------
// flow log -> log group <- metric filter
// ---------------------------------------------------------------------------------------------

/**
 * A log group as both ends of the link see it. With a known name the key is the name (the group
 * may even live outside the stack); with an unknown one, the URN of the LogGroup resource.
 */
export interface LogGroupRef {
    readonly key: string;
    readonly name?: string;
    readonly region?: string;
    readonly resource?: PolicyResource;
}

function refOfLogGroup(graph: StackGraph, logGroup: PolicyResource): LogGroupRef {
    const name = graph.value(logGroup, "name");
    return typeof name === "string"
        ? { key: `name:${name}`, name, region: graph.region(logGroup), resource: logGroup }
        : { key: `urn:${logGroup.urn}`, region: graph.region(logGroup), resource: logGroup };
}

function logGroupsByName(graph: StackGraph): Map<string, PolicyResource[]> {
    return graph.indexBy("logGroupByName", [TYPES.LogGroup], (lg) => [known(graph.value(lg, "name"))]);
}

/** The log group a CloudWatch flow log delivers to; undefined when it cannot be told. */
export function logGroupOfFlowLog(graph: StackGraph, flowLog: PolicyResource): LogGroupRef | undefined {
    const destination = graph.value(flowLog, "logDestination");
    if (typeof destination === "string") {
        const parsed = parseLogGroupArn(destination);
        if (!parsed) return undefined;
        const resource = (logGroupsByName(graph).get(parsed.name) ?? []).find((lg) =>
            sameRegion(graph.region(lg), parsed.region),
        );
        return {
            key: `name:${parsed.name}`,
            name: parsed.name,
            region: parsed.region || graph.region(flowLog),
            resource,
        };
    }
    // `logGroupName`: the pre-v6 way to name the destination; still in old stack exports.
    const legacyName = graph.value(flowLog, "logGroupName");
    if (typeof legacyName === "string") {
        const region = graph.region(flowLog);
        const resource = (logGroupsByName(graph).get(legacyName) ?? []).find((lg) =>
            sameRegion(graph.region(lg), region),
        );
        return { key: `name:${legacyName}`, name: legacyName, region, resource };
    }
    if (destination === UNKNOWN || legacyName === UNKNOWN) {
        const logGroup = graph.soleDependency(flowLog, ["logDestination", "logGroupName"], [TYPES.LogGroup]);
        return logGroup ? refOfLogGroup(graph, logGroup) : undefined;
    }
    return undefined;
}

/** The log group a metric filter reads. */
function logGroupOfFilter(graph: StackGraph, filter: PolicyResource): LogGroupRef | undefined {
    const name = graph.value(filter, "logGroupName");
    if (typeof name === "string") return { key: `name:${name}`, name, region: graph.region(filter) };
    if (name === UNKNOWN) {
        const logGroup = graph.soleDependency(filter, ["logGroupName"], [TYPES.LogGroup]);
        return logGroup ? refOfLogGroup(graph, logGroup) : undefined;
    }
    return undefined;
}

/** The metric filters on a log group. */
export function filtersOn(graph: StackGraph, ref: LogGroupRef): readonly PolicyResource[] {
    const byKey = graph.memo("filtersByLogGroup", () => {
        const index = new Map<string, { filter: PolicyResource; region?: string }[]>();
        for (const filter of graph.ofType(TYPES.LogMetricFilter)) {
            const group = logGroupOfFilter(graph, filter);
            if (!group) continue;
            add(index, group.key, { filter, region: group.region });
        }
        return index;
    });
    return (byKey.get(ref.key) ?? [])
        .filter((entry) => sameRegion(entry.region, ref.region))
        .map((entry) => entry.filter);
}

// ---------------------------------------------------------------------------------------------
// metric filter pattern: does it select REJECT records of this flow log's format?
// ---------------------------------------------------------------------------------------------

export type Verdict =
    { readonly selects: true; readonly unknown: boolean } | { readonly selects: false; readonly reason: string };

const parsedPatterns = new Map<string, ParsedPattern | Error>();
const parsedFormats = new Map<string, readonly FlowLogField[] | Error>();
const selections = new Map<string, boolean>();

/**
 * Whether `filter` counts only `action` records of the format `flowLog` delivers, decided by the
 * pattern engine (flowlogs/filterPattern.ts), not by looking for the word in the pattern. A
 * pattern that does not parse selects nothing; an unknown pattern or format is left to `up`.
 */
export function filterSelects(
    graph: StackGraph,
    filter: PolicyResource,
    flowLog: PolicyResource,
    action: FlowAction = FlowAction.REJECT,
): Verdict {
    const pattern = graph.value(filter, "pattern");
    const format = graph.value(flowLog, "logFormat");
    if (pattern === UNKNOWN || format === UNKNOWN) return { selects: true, unknown: true };
    if (pattern === undefined) return { selects: false, reason: "it has no pattern" };
    const parsed = cached(parsedPatterns, pattern, () => parsePattern(pattern));
    if (parsed instanceof Error) return { selects: false, reason: `its pattern does not parse (${parsed.message})` };
    const fields =
        format === undefined ? DEFAULT_FORMAT_FIELDS : cached(parsedFormats, format, () => parseLogFormat(format));
    if (fields instanceof Error)
        return { selects: false, reason: `the flow log's format does not parse (${fields.message})` };
    const key = `${action}\u0000${pattern}\u0000${format ?? ""}`;
    let selects = selections.get(key);
    if (selects === undefined) {
        selects = selectsAction(parsed, action, fields);
        selections.set(key, selects);
    }
    return selects
        ? { selects: true, unknown: false }
        : { selects: false, reason: `its pattern ${JSON.stringify(pattern)} does not select only ${action} records` };
}

function cached<T>(map: Map<string, T | Error>, key: string, compute: () => T): T | Error {
    let value = map.get(key);
    if (value === undefined) {
        try {
            value = compute();
        } catch (err) {
            value = err instanceof Error ? err : new Error(String(err));
        }
        if (map.size > 10_000) map.clear();
        map.set(key, value);
    }
    return value;
}

// ---------------------------------------------------------------------------------------------
// metric filter <- alarm
// ---------------------------------------------------------------------------------------------

export interface MetricRef {
    readonly namespace: Maybe<string>;
    readonly name: Maybe<string>;
}

export function metricOfFilter(graph: StackGraph, filter: PolicyResource): MetricRef {
    if (graph.value(filter, "metricTransformation") === UNKNOWN) return { namespace: UNKNOWN, name: UNKNOWN };
    return {
        namespace: readString(filter.props, "metricTransformation", "namespace"),
        name: readString(filter.props, "metricTransformation", "name"),
    };
}

/** The metrics an alarm watches: its own namespace/metricName, or those of its metric-math queries. */
function metricsOfAlarm(graph: StackGraph, alarm: PolicyResource): { known: string[]; unknown: boolean } {
    const namespace = graph.value(alarm, "namespace");
    const name = graph.value(alarm, "metricName");
    const known: string[] = [];
    let unknown = namespace === UNKNOWN || name === UNKNOWN;
    if (typeof namespace === "string" && typeof name === "string") known.push(metricKey(namespace, name));
    const queries = readArray(alarm.props, "metricQueries");
    if (queries === UNKNOWN) unknown = true;
    else if (queries) {
        for (let i = 0; i < queries.length; i++) {
            const qNamespace = readString(queries, i, "metric", "namespace");
            const qName = readString(queries, i, "metric", "metricName");
            if (qNamespace === UNKNOWN || qName === UNKNOWN) unknown = true;
            else if (qNamespace !== undefined && qName !== undefined) known.push(metricKey(qNamespace, qName));
        }
    }
    return { known, unknown };
}

function metricKey(namespace: string, name: string): string {
    return `${namespace}\u0000${name}`;
}

/** The alarms on a filter's metric: same namespace and name (same region), or, with unknowns, the alarms that depend on the filter. */
export function alarmsOn(graph: StackGraph, filter: PolicyResource): readonly PolicyResource[] {
    const { byMetric, byFilter } = graph.memo("alarmIndex", () => {
        const byMetric = new Map<string, PolicyResource[]>();
        const byFilter = new Map<string, PolicyResource[]>();
        for (const alarm of graph.ofType(TYPES.MetricAlarm)) {
            const metrics = metricsOfAlarm(graph, alarm);
            for (const key of metrics.known) add(byMetric, key, alarm);
            const sole = graph.soleDependency(
                alarm,
                ["namespace", "metricName", "metricQueries"],
                [TYPES.LogMetricFilter],
            );
            if (sole) add(byFilter, sole.urn, alarm);
        }
        return { byMetric, byFilter };
    });
    const metric = metricOfFilter(graph, filter);
    const dependents = byFilter.get(filter.urn) ?? [];
    if (metric.namespace === UNKNOWN || metric.name === UNKNOWN) return dependents;
    if (metric.namespace === undefined || metric.name === undefined) return [];
    const region = graph.region(filter);
    const found = new Set(
        (byMetric.get(metricKey(metric.namespace, metric.name)) ?? []).filter((alarm) =>
            sameRegion(graph.region(alarm), region),
        ),
    );
    // An alarm whose metric is not known yet counts when it depends on this very filter.
    for (const alarm of dependents) if (metricsOfAlarm(graph, alarm).unknown) found.add(alarm);
    return [...found];
}

/** Whether an alarm notifies anyone: alarm actions set (unknown ARNs count) and actions not disabled. */
export function alarmActionsOf(props: unknown): { has: boolean; unknown: boolean; reason?: string } {
    // No properties at all: an older engine's preview of a resource being created.
    const plain = unproxied(props);
    if (typeof plain === "object" && plain !== null && Object.keys(plain).length === 0)
        return { has: true, unknown: true };
    const enabled = readBoolean(props, "actionsEnabled");
    if (enabled === false)
        return { has: false, unknown: false, reason: "its actions are disabled (actionsEnabled: false)" };
    const actions = readArray(props, "alarmActions");
    if (actions === UNKNOWN) return { has: true, unknown: true };
    if (actions && actions.length > 0) return { has: true, unknown: actions.includes(UNKNOWN) };
    return { has: false, unknown: false, reason: "it has no alarm actions" };
}

// ---------------------------------------------------------------------------------------------
// flow log -> S3 bucket <- settings resources
// ---------------------------------------------------------------------------------------------

function bucketsByName(graph: StackGraph): Map<string, PolicyResource[]> {
    return graph.indexBy("bucketByName", BUCKET_TYPES, (bucket) => [
        known(graph.value(bucket, "bucket")),
        known(graph.value(bucket, "id")),
    ]);
}

/** The bucket an S3 flow log delivers to (in this stack). */
export function bucketsOfFlowLog(graph: StackGraph, flowLog: PolicyResource): readonly PolicyResource[] {
    const byName = bucketsByName(graph);
    return graph.resolve(
        flowLog,
        "logDestination",
        (arn) => byName.get(bucketNameFromArn(arn) ?? "") ?? [],
        BUCKET_TYPES,
    ).targets;
}

/** Resources of `types` attached to each bucket through their `bucket` property (by name, or by dependency). */
export function attachedToBucket(
    graph: StackGraph,
    bucket: PolicyResource,
    types: readonly string[],
): readonly PolicyResource[] {
    const index = graph.memo(`attachedToBucket:${types.join(",")}`, () => {
        const byName = bucketsByName(graph);
        const out = new Map<string, PolicyResource[]>();
        for (const attached of graph.ofType(...types)) {
            const { targets } = graph.resolve(attached, "bucket", (name) => byName.get(name) ?? [], BUCKET_TYPES);
            for (const target of targets) add(out, target.urn, attached);
        }
        return out;
    });
    return index.get(bucket.urn) ?? [];
}

// ---------------------------------------------------------------------------------------------
// flow log -> delivery role <- policies
// ---------------------------------------------------------------------------------------------

function rolesByRef(graph: StackGraph): Map<string, PolicyResource[]> {
    // RolePolicy.role takes the role's name (its id); iamRoleArn takes the ARN.
    return graph.indexBy("roleByRef", [TYPES.Role], (role) => [
        known(graph.value(role, "arn")),
        known(graph.value(role, "name")),
        known(graph.value(role, "id")),
    ]);
}

export function roleOfFlowLog(graph: StackGraph, flowLog: PolicyResource): PolicyResource | undefined {
    const byRef = rolesByRef(graph);
    return graph.resolve(flowLog, "iamRoleArn", (arn) => byRef.get(arn) ?? [], [TYPES.Role]).targets[0];
}

/** The RolePolicy and RolePolicyAttachment resources on a role. */
export function policiesOnRole(graph: StackGraph, role: PolicyResource): readonly PolicyResource[] {
    const index = graph.memo("policiesOnRole", () => {
        const byRef = rolesByRef(graph);
        const out = new Map<string, PolicyResource[]>();
        for (const attached of graph.ofType(TYPES.RolePolicy, TYPES.RolePolicyAttachment)) {
            const { targets } = graph.resolve(attached, "role", (ref) => byRef.get(ref) ?? [], [TYPES.Role]);
            for (const target of targets) add(out, target.urn, attached);
        }
        return out;
    });
    return index.get(role.urn) ?? [];
}

/** The customer-managed policy a RolePolicyAttachment attaches, when it is in the stack. */
export function attachedPolicy(graph: StackGraph, attachment: PolicyResource): PolicyResource | undefined {
    const byArn = graph.indexBy("iamPolicyByArn", [TYPES.IamPolicy], (policy) => [
        known(graph.value(policy, "arn")),
        known(graph.value(policy, "id")),
    ]);
    return graph.resolve(attachment, "policyArn", (arn) => byArn.get(arn) ?? [], [TYPES.IamPolicy]).targets[0];
}

function known(value: Maybe<string>): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}

function add<V>(map: Map<string, V[]>, key: string, value: V): void {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
}
