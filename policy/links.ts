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
import { FilterPattern, TermPattern, analyzeSelection, parseFilterPattern } from "@vpc-flow-monitor/flowlogs";
import { sameAccount } from "./graph";
import { VPC_TYPES } from "./types";
import { read } from "./values";

// ---------------------------------------------------------------------------------------------
// VPC <- flow log
// ---------------------------------------------------------------------------------------------

/** Every flow log of each VPC or default VPC (by URN): `vpcId` == the VPC's id, or the VPC it depends on for `vpcId`. */
export function flowLogsByVpc(graph: StackGraph): ReadonlyMap<string, readonly PolicyResource[]> {
    return graph.memo("flowLogsByVpc", () => {
        const vpcsById = graph.indexBy("vpcById", VPC_TYPES, (vpc) => [known(readString(vpc.props, "id"))]);
        const out = new Map<string, PolicyResource[]>();
        for (const flowLog of graph.ofType(TYPES.FlowLog)) {
            const { targets } = graph.resolve(flowLog, "vpcId", (id) => vpcsById.get(id) ?? [], VPC_TYPES);
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
    readonly account?: string;
    readonly resource?: PolicyResource;
}

function refOfLogGroup(graph: StackGraph, logGroup: PolicyResource): LogGroupRef {
    const name = graph.value(logGroup, "name");
    const placement = { region: graph.region(logGroup), account: graph.account(logGroup), resource: logGroup };
    return typeof name === "string"
        ? { key: `name:${name}`, name, ...placement }
        : { key: `urn:${logGroup.urn}`, ...placement };
}

/** Log group names are unique per account and region only: a match by name must agree on both. */
function samePlace(
    graph: StackGraph,
    resource: PolicyResource,
    place: { readonly region?: string; readonly account?: string },
): boolean {
    return sameRegion(graph.region(resource), place.region) && sameAccount(graph.account(resource), place.account);
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
        const place = {
            region: parsed.region || graph.region(flowLog),
            account: accountOfLogGroupArn(destination) ?? graph.account(flowLog),
        };
        const resource = (logGroupsByName(graph).get(parsed.name) ?? []).find((lg) => samePlace(graph, lg, place));
        return { key: `name:${parsed.name}`, name: parsed.name, ...place, resource };
    }
    // `logGroupName`: the pre-v6 way to name the destination; still in old stack exports.
    const legacyName = graph.value(flowLog, "logGroupName");
    if (typeof legacyName === "string") {
        const place = { region: graph.region(flowLog), account: graph.account(flowLog) };
        const resource = (logGroupsByName(graph).get(legacyName) ?? []).find((lg) => samePlace(graph, lg, place));
        return { key: `name:${legacyName}`, name: legacyName, ...place, resource };
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
    if (typeof name === "string")
        return { key: `name:${name}`, name, region: graph.region(filter), account: graph.account(filter) };
    if (name === UNKNOWN) {
        const logGroup = graph.soleDependency(filter, ["logGroupName"], [TYPES.LogGroup]);
        return logGroup ? refOfLogGroup(graph, logGroup) : undefined;
    }
    return undefined;
}

/** The metric filters on a log group. */
export function filtersOn(graph: StackGraph, ref: LogGroupRef): readonly PolicyResource[] {
    const byKey = graph.memo("filtersByLogGroup", () => {
        const index = new Map<string, { filter: PolicyResource; region?: string; account?: string }[]>();
        for (const filter of graph.ofType(TYPES.LogMetricFilter)) {
            const group = logGroupOfFilter(graph, filter);
            if (!group) continue;
            add(index, group.key, { filter, region: group.region, account: group.account });
        }
        return index;
    });
    return (byKey.get(ref.key) ?? [])
        .filter((entry) => sameRegion(entry.region, ref.region) && sameAccount(entry.account, ref.account))
        .map((entry) => entry.filter);
}

// ---------------------------------------------------------------------------------------------
// metric filter pattern: does it select REJECT records of this flow log's format?
// ---------------------------------------------------------------------------------------------

export type Verdict =
    | {
          readonly selects: true;
          /** Set when the pattern or the format is not known (preview, a secret): nothing was decided. */
          readonly unknown?: "pattern" | "logFormat";
          readonly pattern?: FilterPattern;
          readonly fields?: readonly FlowLogField[];
      }
    | { readonly selects: false; readonly reason: string };

const parsedPatterns = new Map<string, ParsedPattern | TermPattern | Error>();
const parsedFormats = new Map<string, readonly FlowLogField[] | Error>();

/**
 * Whether `filter` counts exactly the `action` records of the format `flowLog` delivers: its
 * pattern can match such a record and matches no other (REJECT, ACCEPT, NODATA, SKIPDATA), decided
 * by the kernel over the fields' value domains (flowlogs/patternAnalysis.ts), not by looking for
 * the word in the pattern. A pattern that does not parse selects nothing.
 */
export function filterSelects(
    graph: StackGraph,
    filter: PolicyResource,
    flowLog: PolicyResource,
    action: FlowAction = FlowAction.REJECT,
): Verdict {
    const pattern = graph.value(filter, "pattern");
    const format = graph.value(flowLog, "logFormat");
    if (pattern === UNKNOWN) return { selects: true, unknown: "pattern" };
    if (format === UNKNOWN) return { selects: true, unknown: "logFormat" };
    if (pattern === undefined) return { selects: false, reason: "it has no pattern" };
    const parsed = cached(parsedPatterns, pattern, () =>
        pattern.trimStart().startsWith("[") ? parsePattern(pattern) : parseFilterPattern(pattern),
    );
    if (parsed instanceof Error) return { selects: false, reason: `its pattern does not parse (${parsed.message})` };
    const fields =
        format === undefined || format === ""
            ? DEFAULT_FORMAT_FIELDS
            : cached(parsedFormats, format, () => parseLogFormat(format));
    if (fields instanceof Error)
        return { selects: false, reason: `the flow log's format does not parse (${fields.message})` };
    if (selectsAction(parsed, action, fields)) return { selects: true, pattern: parsed, fields };
    const selection = analyzeSelection(parsed, action, fields);
    const detail = selection.leak
        ? selection.reason
        : selection.unanalysable
          ? `the pack cannot judge it: ${selection.reason}`
          : `it can never match a ${action} record of the format flow log "${flowLog.name}" delivers: ${selection.reason}`;
    return {
        selects: false,
        reason: `its pattern ${JSON.stringify(pattern)} does not select only ${action} records: ${detail}`,
    };
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

/** The filter's whole metric transformation (the fields the judging reads), UNKNOWN when it is unknown as a whole. */
export function transformationOf(graph: StackGraph, filter: PolicyResource): unknown {
    return graph.value(filter, "metricTransformation") === UNKNOWN
        ? UNKNOWN
        : read(filter.props, "metricTransformation");
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
    // Metrics, like log groups, are per account and region.
    const place = { region: graph.region(filter), account: graph.account(filter) };
    const found = new Set(
        (byMetric.get(metricKey(metric.namespace, metric.name)) ?? []).filter((alarm) =>
            samePlace(graph, alarm, place),
        ),
    );
    // An alarm whose metric is not known yet counts when it depends on this very filter.
    for (const alarm of dependents) if (metricsOfAlarm(graph, alarm).unknown) found.add(alarm);
    return [...found];
}

/** What an alarm action does when the alarm goes to ALARM. */
export const ActionKind = { NOTIFY: "notify", ACT: "act", INVALID: "invalid", UNKNOWN: "unknown" } as const;
export type ActionKind = (typeof ActionKind)[keyof typeof ActionKind];

const PARTITION = "arn:aws(?:-[a-z]+)*";
/**
 * The alarm actions CloudWatch accepts (PutMetricAlarm AlarmActions), and which of them reach a
 * person: an SNS topic (email, SMS, chat, paging), a Lambda function (code of your own; the pack
 * cannot see what it does, and counts it), a Systems Manager OpsItem or an Incident Manager
 * response plan. EC2 actions (stop, terminate, reboot, recover) and Auto Scaling policies act on
 * resources and tell no one.
 */
const ACTION_FORMS: readonly { readonly re: RegExp; readonly kind: ActionKind; readonly what: string }[] = [
    {
        re: new RegExp(`^${PARTITION}:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$`),
        kind: "notify",
        what: "an SNS topic",
    },
    {
        re: new RegExp(`^${PARTITION}:lambda:[a-z0-9-]+:\\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$`),
        kind: "notify",
        what: "a Lambda function",
    },
    {
        re: new RegExp(`^${PARTITION}:ssm:[a-z0-9-]+:\\d{12}:opsitem:\\d+(#CATEGORY=[A-Za-z]+)?$`),
        kind: "notify",
        what: "a Systems Manager OpsItem",
    },
    {
        re: new RegExp(`^${PARTITION}:ssm-incidents::\\d{12}:response-plan/[A-Za-z0-9_-]+$`),
        kind: "notify",
        what: "an Incident Manager response plan",
    },
    {
        re: new RegExp(`^${PARTITION}:automate:[a-z0-9-]+:ec2:(stop|terminate|reboot|recover)$`),
        kind: "act",
        what: "an EC2 action, which acts on the instance and tells no one",
    },
    {
        re: new RegExp(`^${PARTITION}:swf:[a-z0-9-]+:\\d{12}:action/actions/AWS_EC2\\.InstanceId\\.[A-Za-z]+/1\\.0$`),
        kind: "act",
        what: "an EC2 action, which acts on the instance and tells no one",
    },
    {
        re: new RegExp(`^${PARTITION}:autoscaling:[a-z0-9-]+:\\d{12}:scalingPolicy:`),
        kind: "act",
        what: "an Auto Scaling policy, which scales and tells no one",
    },
];

/** What one alarm action is. */
export function classifyAction(action: unknown): { readonly kind: ActionKind; readonly what: string } {
    if (action === UNKNOWN) return { kind: ActionKind.UNKNOWN, what: "not known yet" };
    if (typeof action !== "string")
        return { kind: ActionKind.INVALID, what: `${JSON.stringify(action)} (not a string)` };
    if (action.trim() === "") return { kind: ActionKind.INVALID, what: `${JSON.stringify(action)} (an empty string)` };
    const form = ACTION_FORMS.find((f) => f.re.test(action));
    return form
        ? { kind: form.kind, what: form.what }
        : {
              kind: ActionKind.INVALID,
              what: `${JSON.stringify(action)} (not the ARN of an SNS topic, Lambda function, OpsItem or response plan)`,
          };
}

/**
 * Whether an alarm notifies anyone: actions enabled and at least one alarm action that reaches a
 * person (./links.ts ACTION_FORMS), or one not known yet.
 */
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
    if (!actions || actions.length === 0) return { has: false, unknown: false, reason: "it has no alarm actions" };
    const kinds = actions.map(classifyAction);
    if (kinds.some((k) => k.kind === ActionKind.NOTIFY)) return { has: true, unknown: false };
    if (kinds.some((k) => k.kind === ActionKind.UNKNOWN)) return { has: true, unknown: true };
    return {
        has: false,
        unknown: false,
        reason: `none of its alarm actions reaches a person: ${kinds.map((k) => k.what).join("; ")}`,
    };
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

/** The RolePolicy, RolePolicyAttachment and PolicyAttachment resources on a role. */
export function policiesOnRole(graph: StackGraph, role: PolicyResource): readonly PolicyResource[] {
    const index = graph.memo("policiesOnRole", () => {
        const byRef = rolesByRef(graph);
        const out = new Map<string, PolicyResource[]>();
        for (const attached of graph.ofType(TYPES.RolePolicy, TYPES.RolePolicyAttachment)) {
            const { targets } = graph.resolve(attached, "role", (ref) => byRef.get(ref) ?? [], [TYPES.Role]);
            for (const target of targets) add(out, target.urn, attached);
        }
        // aws.iam.PolicyAttachment attaches one policy to many roles (and users, groups): `roles` is a list of names.
        for (const attached of graph.ofType(TYPES.PolicyAttachment)) {
            const roles = readArray(attached.props, "roles");
            const targets = new Set<PolicyResource>();
            const unknown = roles === UNKNOWN || (Array.isArray(roles) && roles.includes(UNKNOWN));
            if (Array.isArray(roles))
                for (const ref of roles)
                    if (typeof ref === "string") for (const r of byRef.get(ref) ?? []) targets.add(r);
            if (unknown) for (const r of graph.dependedOn(attached, ["roles"], [TYPES.Role])) targets.add(r);
            for (const target of targets) add(out, target.urn, attached);
        }
        return out;
    });
    return index.get(role.urn) ?? [];
}

/** The customer-managed policy (aws.iam.Policy in the stack) with this ARN. */
export function policyByArn(graph: StackGraph, arn: string): PolicyResource | undefined {
    const byArn = graph.indexBy("iamPolicyByArn", [TYPES.IamPolicy], (policy) => [
        known(graph.value(policy, "arn")),
        known(graph.value(policy, "id")),
    ]);
    return byArn.get(arn)?.[0];
}

/** The customer-managed policy a RolePolicyAttachment attaches, when it is in the stack. */
export function attachedPolicy(graph: StackGraph, attachment: PolicyResource): PolicyResource | undefined {
    const byArn = graph.indexBy("iamPolicyByArn", [TYPES.IamPolicy], (policy) => [
        known(graph.value(policy, "arn")),
        known(graph.value(policy, "id")),
    ]);
    return graph.resolve(attachment, "policyArn", (arn) => byArn.get(arn) ?? [], [TYPES.IamPolicy]).targets[0];
}

/** The account of a log group ARN (`arn:aws:logs:us-east-1:111122223333:log-group:/a/b`). */
function accountOfLogGroupArn(arn: string): string | undefined {
    return /^arn:[^:]+:logs:[^:]*:(\d{12}):log-group:/.exec(arn)?.[1];
}

function known(value: Maybe<string>): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}

function add<V>(map: Map<string, V[]>, key: string, value: V): void {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
}
