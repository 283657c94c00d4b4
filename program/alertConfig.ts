/**
 * The `alerts` part of the stack configuration (and the `rules` a VPC entry may carry): its schema,
 * the checks that relate values, and the conversion to typed AlertRules.
 *
 * Field checks reuse the pattern engine's own validation (validateFlowMatch), so what the config
 * accepts is exactly what renderPattern can render.
 */
import { z } from "zod";
import {
    AlertRule,
    BASELINE_REJECT_RULE,
    DEFAULT_RULES,
    effectiveRules,
    RESERVED_RULE_NAMES,
    SKIPDATA_RULE,
} from "../components/alerting/rules";
import { AGGREGATE_FILTERS, alarmName } from "../components/naming";
import { RULE_NAME, SLACK_CHANNEL_ID, SLACK_WORKSPACE_ID } from "../components/validation";
import {
    FlowAction,
    FlowMatch,
    FlowMatchError,
    LogStatus,
    MAX_FILTER_PATTERN_LENGTH,
    PortMatch,
    PROTOCOL_NUMBERS,
    protocolNumber,
    renderPattern,
    validateFlowMatch,
} from "../flowlogs";

import { isRecord, isWholeNumberIn, numberSchema, show, wholeNumber } from "./configKit";
import { ALARM_LOG_FIELDS, RULE_DEFAULTS } from "../components/defaults";
import {
    CONTRIBUTOR_KEYS,
    CONTRIBUTOR_STATISTICS,
    ContributorKey,
    ContributorStatistic,
    insightFilterProblems,
    MAX_INSIGHT_RULES_PER_REGION,
} from "../components/alerting/contributorRule";
import {
    MAX_ALARM_PERIOD_SECONDS,
    MAX_ALARM_WINDOW_SECONDS,
    MAX_METRIC_FILTERS_PER_LOG_GROUP,
    MAX_SHORT_PERIOD_ALARM_WINDOW_SECONDS,
    maxAlarmWindowSeconds,
} from "../components/awsLimits";

export { RULE_DEFAULTS } from "../components/defaults";
export {
    MAX_ALARM_PERIOD_SECONDS,
    MAX_ALARM_WINDOW_SECONDS,
    MAX_SHORT_PERIOD_ALARM_WINDOW_SECONDS,
    maxAlarmWindowSeconds,
} from "../components/awsLimits";

/** Names a rule may not take (the aggregate metric filters' names); see components/alerting/rules.ts. */
export { RESERVED_RULE_NAMES } from "../components/alerting/rules";

const ALLOWED = {
    ruleName: "1 to 48 characters of a-z, 0-9 and -, not starting or ending with -",
    protocol: `a protocol name (${Object.keys(PROTOCOL_NUMBERS).join(", ")}) or an IANA protocol number 0–255`,
    address:
        "an exact address (10.0.0.155, or a lower-case IPv6 address such as 2001:db8::1) or a prefix of whole octets or groups ending in .* or :* (10.0.*, 2001:db8:*)",
    port: "a port 0–65535, a list of ports [22, 3389], or a range { from: 1024, to: 2048 }",
    interfaceId: "a network interface id such as eni-1235b8ca123456789",
    period: `a multiple of 60 seconds from 60 to ${MAX_ALARM_PERIOD_SECONDS}`,
    match: "a mapping with at least one of action, protocol, srcAddr, dstAddr, srcPort, dstPort, interfaceId, logStatus",
} as const;

/** Accepts a value when the pattern engine accepts a match made of it alone. */
const acceptedByEngine = (key: keyof FlowMatch) => (value: unknown) =>
    validateFlowMatch({ [key]: value } as FlowMatch).length === 0;

/** The shapes a port match may take; the values are then checked by the pattern engine. */
function isPortShape(value: unknown): boolean {
    if (typeof value === "number") return true;
    if (Array.isArray(value)) return value.every((port) => typeof port === "number");
    return (
        isRecord(value) &&
        Object.keys(value).sort().join(",") === "from,to" &&
        typeof value.from === "number" &&
        typeof value.to === "number"
    );
}

// One check, not a union of three schemas: a union's issues (an unknown key inside a range) would be
// reported under paths whose allowed keys cannot be named.
const portSchema = z.custom<PortMatch>((value) => isPortShape(value) && acceptedByEngine("dstPort")(value), {
    error: `not a port match. Allowed: ${ALLOWED.port}`,
});

const matchSchema = z.strictObject({
    action: z
        .enum([FlowAction.ACCEPT, FlowAction.REJECT], { error: "not an action. Allowed: ACCEPT or REJECT" })
        .optional(),
    protocol: z
        .union([z.string(), z.number()], { error: `not a protocol. Allowed: ${ALLOWED.protocol}` })
        .refine((v) => protocolOrUndefined(v) !== undefined, { error: `not a protocol. Allowed: ${ALLOWED.protocol}` })
        .optional(),
    srcAddr: z
        .string({ error: `not a string. Allowed: ${ALLOWED.address}` })
        .refine(acceptedByEngine("srcAddr"), { error: `not an address. Allowed: ${ALLOWED.address}` })
        .optional(),
    dstAddr: z
        .string({ error: `not a string. Allowed: ${ALLOWED.address}` })
        .refine(acceptedByEngine("dstAddr"), { error: `not an address. Allowed: ${ALLOWED.address}` })
        .optional(),
    srcPort: portSchema.optional(),
    dstPort: portSchema.optional(),
    interfaceId: z
        .string({ error: `not a string. Allowed: ${ALLOWED.interfaceId}` })
        .refine(acceptedByEngine("interfaceId"), {
            error: `not a network interface id. Allowed: ${ALLOWED.interfaceId}`,
        })
        .optional(),
    logStatus: z
        .enum([LogStatus.OK, LogStatus.NODATA, LogStatus.SKIPDATA], {
            error: "not a log status. Allowed: OK, NODATA or SKIPDATA",
        })
        .optional(),
});

export const ruleSchema = z.strictObject({
    // name and match are required, but their absence is reported by ruleListProblems: the generic
    // "missing" report knows no rule-specific hint (it would describe a VPC name).
    name: z
        .string({ error: `not a string. Allowed: ${ALLOWED.ruleName}` })
        .regex(RULE_NAME, { error: `not a valid rule name. Allowed: ${ALLOWED.ruleName}` })
        .optional(),
    description: z
        .string({ error: "not a string. Allowed: a sentence for the alarm description" })
        .max(200, { error: "too long. Allowed: at most 200 characters" })
        .optional(),
    match: matchSchema.optional(),
    threshold: wholeNumber(1, 1_000_000, "records").optional(),
    periodSeconds: numberSchema(ALLOWED.period)
        .refine((n) => isWholeNumberIn(n, 60, MAX_ALARM_PERIOD_SECONDS) && n % 60 === 0, {
            error: `not an alarm period. Allowed: ${ALLOWED.period}`,
        })
        .optional(),
    evaluationPeriods: wholeNumber(1, 1440, "periods").optional(),
    by: z
        .enum(CONTRIBUTOR_KEYS as [ContributorKey, ...ContributorKey[]], {
            error: `not a field to count per. Allowed: ${CONTRIBUTOR_KEYS.join(", ")}`,
        })
        .optional(),
    statistic: z
        .enum(CONTRIBUTOR_STATISTICS as [ContributorStatistic, ...ContributorStatistic[]], {
            error: `not a per-key statistic. Allowed: ${CONTRIBUTOR_STATISTICS.join(" (one key's record count) or ")} (the number of distinct keys), with by`,
        })
        .optional(),
});

export const ruleListSchema = z.array(ruleSchema, {
    error: "not a list. Allowed: a list of { name, match, threshold, periodSeconds, evaluationPeriods }",
});

export const alertsSchema = z.strictObject({
    emails: z
        .array(z.email({ error: "not an email address. Allowed: an address such as secops@example.com" }), {
            error: "not a list. Allowed: a list of email addresses",
        })
        .optional(),
    slack: z
        .strictObject({
            workspaceId: z
                .string({ error: "not a string. Allowed: a Slack workspace id such as T0123ABCD" })
                .regex(SLACK_WORKSPACE_ID, {
                    error: "not a Slack workspace id. Allowed: T followed by upper-case letters and digits, such as T0123ABCD (AWS Chatbot console, after authorising the workspace)",
                }),
            channelId: z
                .string({ error: "not a string. Allowed: a Slack channel id such as C0123ABCD" })
                .regex(SLACK_CHANNEL_ID, {
                    error: "not a Slack channel id. Allowed: C or G followed by upper-case letters and digits, such as C0123ABCD (channel details in Slack)",
                }),
        })
        .optional(),
    defaultRules: z.boolean({ error: "not a boolean. Allowed: true or false" }).optional(),
    rules: ruleListSchema.optional(),
});

export interface AlertsConfig {
    readonly emails: readonly string[];
    readonly slack?: { readonly workspaceId: string; readonly channelId: string };
    readonly defaultRules: boolean;
    readonly rules: readonly AlertRule[];
}

export function normaliseAlerts(data: z.infer<typeof alertsSchema> | undefined): AlertsConfig {
    return {
        emails: data?.emails ?? [],
        slack: data?.slack,
        defaultRules: data?.defaultRules ?? true,
        rules: normaliseRules(data?.rules),
    };
}

export function normaliseRules(rules: z.infer<typeof ruleListSchema> | undefined): AlertRule[] {
    // Only called on a valid config: ruleListProblems has reported any rule without a name or a match.
    return (rules ?? []).map((rule) => ({
        name: rule.name as string,
        description: rule.description,
        match: normaliseMatch(rule.match ?? {}),
        threshold: rule.threshold ?? RULE_DEFAULTS.threshold,
        periodSeconds: rule.periodSeconds ?? RULE_DEFAULTS.periodSeconds,
        evaluationPeriods: rule.evaluationPeriods ?? RULE_DEFAULTS.evaluationPeriods,
        ...(rule.by !== undefined ? { by: rule.by } : {}),
        ...(rule.statistic !== undefined ? { statistic: rule.statistic } : {}),
    }));
}

function normaliseMatch(match: z.infer<typeof matchSchema>): FlowMatch {
    const { protocol, srcPort, dstPort, ...rest } = match;
    return {
        ...rest,
        ...(protocol !== undefined ? { protocol: protocolNumber(protocol) } : {}),
        ...(srcPort !== undefined ? { srcPort: srcPort as PortMatch } : {}),
        ...(dstPort !== undefined ? { dstPort: dstPort as PortMatch } : {}),
    };
}

function protocolOrUndefined(value: string | number): number | undefined {
    try {
        return protocolNumber(value);
    } catch {
        return undefined;
    }
}

export interface Problem {
    readonly path: string;
    readonly message: string;
}

/**
 * Rules between values of one rule list (at `path`): unique names, reserved names kept to their
 * meaning, a non-empty match, a pattern CloudWatch accepts, an alarm window CloudWatch accepts, and
 * records the alarm log group actually receives.
 */
export function ruleListProblems(rules: unknown, path: string, cloudWatchTrafficType: unknown): Problem[] {
    if (!Array.isArray(rules)) return [];
    const problems: Problem[] = [];
    const firstIndex = new Map<string, number>();
    rules.forEach((rule: unknown, i: number) => {
        if (!isRecord(rule)) return;
        const at = `${path}[${i}]`;
        if (rule.name === undefined)
            problems.push({ path: `${at}.name`, message: `missing. Allowed: ${ALLOWED.ruleName}` });
        if (rule.match === undefined)
            problems.push({ path: `${at}.match`, message: `missing: what the rule counts. Allowed: ${ALLOWED.match}` });
        if (typeof rule.name === "string") {
            const earlier = firstIndex.get(rule.name);
            if (earlier !== undefined) {
                problems.push({
                    path: `${at}.name`,
                    message: `duplicate rule name; given ${show(rule.name)}, already used at ${path}[${earlier}]. Allowed: a name unique in this list`,
                });
            } else {
                firstIndex.set(rule.name, i);
            }
            problems.push(...reservedNameProblems(rule, at));
        }
        if (isRecord(rule.match) && Object.keys(rule.match).length === 0) {
            problems.push({
                path: `${at}.match`,
                message: `empty: it would count every record; given {}. Allowed: ${ALLOWED.match}`,
            });
        }
        problems.push(...patternLengthProblems(rule.match, `${at}.match`));
        problems.push(...perKeyProblems(rule, at));
        const period = rule.periodSeconds ?? RULE_DEFAULTS.periodSeconds;
        const evaluations = rule.evaluationPeriods ?? RULE_DEFAULTS.evaluationPeriods;
        if (
            isWholeNumberIn(period, 60, MAX_ALARM_PERIOD_SECONDS) &&
            isWholeNumberIn(evaluations, 1, 1440) &&
            period * evaluations > maxAlarmWindowSeconds(period)
        ) {
            const limit =
                maxAlarmWindowSeconds(period) === MAX_SHORT_PERIOD_ALARM_WINDOW_SECONDS
                    ? `at most ${MAX_SHORT_PERIOD_ALARM_WINDOW_SECONDS} (one day) for periods shorter than an hour`
                    : `at most ${MAX_ALARM_WINDOW_SECONDS} (seven days)`;
            problems.push({
                path: `${at}.evaluationPeriods`,
                message: `the alarm would look back ${period * evaluations} seconds; given ${evaluations} periods of ${period} seconds. Allowed: periodSeconds × evaluationPeriods ${limit}`,
            });
        }
        if (
            isRecord(rule.match) &&
            rule.match.action === FlowAction.ACCEPT &&
            (cloudWatchTrafficType ?? "REJECT") === "REJECT"
        ) {
            problems.push({
                path: `${at}.match.action`,
                message: `the alarm log group receives REJECT records only, so this rule could never fire; given "ACCEPT". Allowed: REJECT, or set flowLogs.cloudWatchTrafficType: ALL`,
            });
        }
    });
    return problems;
}

/**
 * A per-key rule is a Contributor Insights rule: `statistic` means nothing without `by`, its match
 * must fit in 4 filters of at most 10 values, and the baseline rules stay metric-filter rules
 * (the policy pack links a VPC's REJECT alarm through a metric filter).
 */
function perKeyProblems(rule: Record<string, unknown>, at: string): Problem[] {
    const problems: Problem[] = [];
    if (rule.statistic !== undefined && rule.by === undefined) {
        problems.push({
            path: `${at}.statistic`,
            message: `only a per-key rule has a statistic; given ${show(rule.statistic)} without by. Allowed: add by (${CONTRIBUTOR_KEYS.join(", ")}), or remove statistic`,
        });
    }
    if (rule.by === undefined) return problems;
    if (rule.name === BASELINE_REJECT_RULE.name || rule.name === SKIPDATA_RULE.name) {
        problems.push({
            path: `${at}.by`,
            message: `${String(rule.name)} counts the whole log group through a metric filter, which the policy pack's REJECT-alarm check needs; given by ${show(rule.by)}. Allowed: no by on this rule (give a per-key rule another name)`,
        });
    }
    const parsed = matchSchema.safeParse(rule.match);
    if (parsed.success) {
        for (const reason of insightFilterProblems(normaliseMatch(parsed.data))) {
            problems.push({ path: `${at}.match`, message: `as a Contributor Insights rule (by) the match ${reason}` });
        }
    }
    return problems;
}

/**
 * `reject-any` and `flow-log-skipdata` may be retuned (threshold, period, narrower match) but must
 * keep counting what they are there for: effectiveRules adds the baseline REJECT rule under its own
 * name when no REJECT rule is left, and adds the SKIPDATA rule only when no rule has its name.
 */
function reservedNameProblems(rule: Record<string, unknown>, at: string): Problem[] {
    const name = rule.name as string;
    if (RESERVED_RULE_NAMES.includes(name)) {
        return [
            {
                path: `${at}.name`,
                message: `reserved: the VPC's aggregate metric filter <vpc>-${name} already has this name; given ${show(name)}. Allowed: any other rule name`,
            },
        ];
    }
    const match = isRecord(rule.match) ? rule.match : undefined;
    if (name === BASELINE_REJECT_RULE.name && match !== undefined && match.action !== FlowAction.REJECT) {
        return [
            {
                path: `${at}.match.action`,
                message: `${name} is the baseline REJECT alarm every VPC must keep; given ${show(match.action)}. Allowed: REJECT (retune the rule), or give this rule another name`,
            },
        ];
    }
    if (name === SKIPDATA_RULE.name && match !== undefined && match.logStatus !== LogStatus.SKIPDATA) {
        return [
            {
                path: `${at}.match.logStatus`,
                message: `${name} is the SKIPDATA alarm every VPC must keep; given ${show(match.logStatus)}. Allowed: SKIPDATA (retune the rule), or give this rule another name`,
            },
        ];
    }
    return [];
}

/** A match that is valid field by field can still render a pattern longer than CloudWatch accepts (long port lists). */
function patternLengthProblems(match: unknown, at: string): Problem[] {
    const parsed = matchSchema.safeParse(match);
    if (!parsed.success) return [];
    try {
        renderPattern(normaliseMatch(parsed.data), ALARM_LOG_FIELDS);
        return [];
    } catch (err) {
        if (!(err instanceof FlowMatchError)) throw err;
        const length =
            /is (\d+) characters/.exec(err.problems.join(" "))?.[1] ?? "more than " + MAX_FILTER_PATTERN_LENGTH;
        return [
            {
                path: at,
                message: `the filter pattern would be ${length} characters; given ${show(match)}. Allowed: a pattern of at most ${MAX_FILTER_PATTERN_LENGTH} characters (CloudWatch's limit): use a port range { from, to } instead of a long list of ports`,
            },
        ];
    }
}

// ---------------------------------------------------------------------------------------------
// What every VPC ends up with: names and counts AWS and Pulumi hold to

/** A VPC entry whose name is valid and unique in the stack, with its raw `rules`. */
export interface VpcRulesEntry {
    /** `regions[1].vpcs[0]` */
    readonly path: string;
    readonly name: string;
    readonly rules: unknown;
    /** The VPC's region: Contributor Insights rules are counted per region. */
    readonly region?: string;
}

/** Stands for the stack name in the names a message shows: every VPC of a stack shares it. */
const STACK = "<stack>";

/**
 * Checks the rules each VPC ends up with (effectiveRules) against what a deployment needs of them:
 *
 * - A rule's alarm is `vpc-flow-monitor-<stack>-<vpc>-<rule>`, and its Pulumi resources are named
 *   `<vpc>-<rule>` under the same types in every VPC: VPC `a` with rule `b-c` and VPC `a-b` with rule
 *   `c` would share both. CloudWatch keeps one alarm per name and region, and Pulumi refuses two
 *   resources with one URN whatever their regions, so the names must differ across the stack.
 * - The VPC's log group takes one metric filter per rule plus the aggregate filters, and CloudWatch
 *   Logs allows MAX_METRIC_FILTERS_PER_LOG_GROUP. (Filter names, `<vpc>-<rule>` in the VPC's own log
 *   group, are unique already: rule names are, and none may take an aggregate filter's name.)
 *
 * Only rule lists that are valid on their own are looked at: their problems are reported already, and
 * a broken list would be counted as something the user never wrote.
 */
export function alertingProblems(alerts: unknown, vpcs: readonly VpcRulesEntry[]): Problem[] {
    if (alerts !== undefined && !isRecord(alerts)) return [];
    const stack = alerts ?? {};
    if (stack.defaultRules !== undefined && typeof stack.defaultRules !== "boolean") return [];
    const defaultRules = stack.defaultRules ?? true;
    const stackRules = validRules(stack.rules);
    if (stackRules === undefined) return [];

    // Where each rule a VPC ends up with comes from, for the messages.
    const sources = new Map<AlertRule, RuleSource>([
        [BASELINE_REJECT_RULE, { kind: "built in", at: "built in: added when no rule counts REJECT records" }],
        [SKIPDATA_RULE, { kind: "built in", at: "built in" }],
    ]);
    if (defaultRules)
        for (const rule of DEFAULT_RULES)
            sources.set(rule, { kind: "default", at: "a default rule, alerts.defaultRules" });
    stackRules.forEach((rule, i) => sources.set(rule, { kind: "alerts.rules", at: `alerts.rules[${i}]` }));

    const problems: Problem[] = [];
    const stackWide = effectiveRules({ defaultRules, stackRules, vpcRules: [] });
    const stackWideTooMany = filterCount(stackWide) > MAX_METRIC_FILTERS_PER_LOG_GROUP;
    if (stackWideTooMany) {
        problems.push({
            path: "alerts.rules",
            message: `every VPC's log group would hold ${filterCount(stackWide)} metric filters: ${describeFilters(stackWide, sources)}; given ${stackRules.length} rules. ${ALLOWED_FILTERS}`,
        });
    }

    const firstOwner = new Map<string, { vpc: VpcRulesEntry; rule: AlertRule }>();
    const insightRules = new Map<string, { path: string; perKey: number }>();
    for (const vpc of vpcs) {
        const vpcRules = validRules(vpc.rules);
        if (vpcRules === undefined) continue;
        vpcRules.forEach((rule, i) => sources.set(rule, { kind: "its own", at: `${vpc.path}.rules[${i}]` }));
        const rules = effectiveRules({ defaultRules, stackRules, vpcRules });
        if (!stackWideTooMany && filterCount(rules) > MAX_METRIC_FILTERS_PER_LOG_GROUP) {
            problems.push({
                path: `${vpc.path}.rules`,
                message: `VPC ${show(vpc.name)}'s log group would hold ${filterCount(rules)} metric filters: ${describeFilters(rules, sources)}; given ${vpcRules.length} rules of its own. ${ALLOWED_FILTERS}`,
            });
        }
        if (vpc.region !== undefined) {
            const entry = insightRules.get(vpc.region) ?? { path: vpc.path.replace(/\.vpcs\[\d+\]$/, ""), perKey: 0 };
            entry.perKey += rules.filter((rule) => rule.by !== undefined).length;
            insightRules.set(vpc.region, entry);
        }
        for (const rule of rules) {
            const name = alarmName(STACK, vpc.name, rule.name);
            const earlier = firstOwner.get(name);
            if (earlier === undefined) {
                firstOwner.set(name, { vpc, rule });
            } else if (earlier.vpc !== vpc) {
                problems.push({
                    path: `${vpc.path}.name`,
                    message: `the alarm of rule ${show(rule.name)} (${sources.get(rule)?.at}) would be named ${name}, as would VPC ${show(earlier.vpc.name)}'s alarm of rule ${show(earlier.rule.name)} (${sources.get(earlier.rule)?.at}) at ${earlier.vpc.path}; given VPC name ${show(vpc.name)}. Allowed: VPC and rule names that never join into the same <vpc>-<rule> (alarm names are unique per account and region, and Pulumi names each alarm's resources so): rename the VPC or the rule`,
                });
            }
        }
    }
    for (const [region, { path, perKey }] of insightRules) {
        const total = perKey + DASHBOARD_INSIGHT_RULES;
        if (total > MAX_INSIGHT_RULES_PER_REGION) {
            problems.push({
                path,
                message: `region ${region} would hold ${total} Contributor Insights rules: ${perKey} per-key rules (one per VPC and rule with by) and ${DASHBOARD_INSIGHT_RULES} for the dashboard. Allowed: at most ${MAX_INSIGHT_RULES_PER_REGION} per region and account (CloudWatch's quota, adjustable on request): fewer per-key rules or VPCs in this region`,
            });
        }
    }
    return problems;
}

/** The dashboard's top-rejected-sources and top-rejected-ports rules (components/insights/definitions.ts), one pair per region. */
const DASHBOARD_INSIGHT_RULES = 2;

interface RuleSource {
    readonly kind: "default" | "alerts.rules" | "its own" | "built in";
    /** Where it is written: `alerts.rules[2]`, ... */
    readonly at: string;
}

const AGGREGATE_FILTER_COUNT = Object.keys(AGGREGATE_FILTERS).length;
const ALLOWED_FILTERS = `Allowed: at most ${MAX_METRIC_FILTERS_PER_LOG_GROUP} metric filters per log group (CloudWatch Logs' limit), so at most ${MAX_METRIC_FILTERS_PER_LOG_GROUP - AGGREGATE_FILTER_COUNT} rules per VPC, whatever their source`;

function filterCount(rules: readonly AlertRule[]): number {
    return rules.length + AGGREGATE_FILTER_COUNT;
}

/** `one for each of 99 rules (3 default, 94 from alerts.rules, 2 its own) and 2 aggregate filters` */
function describeFilters(rules: readonly AlertRule[], sources: ReadonlyMap<AlertRule, RuleSource>): string {
    const counts = new Map<RuleSource["kind"], number>();
    for (const rule of rules) {
        const kind = sources.get(rule)?.kind ?? "built in";
        counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    const words: Record<RuleSource["kind"], string> = {
        default: "default",
        "alerts.rules": "from alerts.rules",
        "its own": "its own",
        "built in": "built in",
    };
    const parts = (["default", "alerts.rules", "its own", "built in"] as const)
        .filter((kind) => counts.has(kind))
        .map((kind) => `${counts.get(kind)} ${words[kind]}`);
    return `one for each of ${rules.length} rules (${parts.join(", ")}) and ${AGGREGATE_FILTER_COUNT} aggregate filters`;
}

/** The typed rules of a rule list that is valid on its own, else undefined. */
function validRules(rules: unknown): AlertRule[] | undefined {
    if (rules === undefined) return [];
    const parsed = ruleListSchema.safeParse(rules);
    if (!parsed.success || parsed.data.some((rule) => rule.name === undefined || rule.match === undefined)) {
        return undefined;
    }
    return normaliseRules(parsed.data);
}
