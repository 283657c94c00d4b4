/**
 * The `alerts` part of the stack configuration (and the `rules` a VPC entry may carry): its schema,
 * the checks that relate values, and the conversion to typed AlertRules.
 *
 * Field checks reuse the pattern engine's own validation (validateFlowMatch), so what the config
 * accepts is exactly what renderPattern can render.
 */
import { z } from "zod";
import { AlertRule, BASELINE_REJECT_RULE, RESERVED_RULE_NAMES, SKIPDATA_RULE } from "../components/alerting/rules";
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

import { isRecord, isWholeNumberIn, show, wholeNumber } from "./configKit";
import { ALARM_LOG_FIELDS, RULE_DEFAULTS } from "../components/defaults";
import {
    MAX_ALARM_PERIOD_SECONDS,
    MAX_ALARM_WINDOW_SECONDS,
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
        "an exact address (10.0.0.155, or a lower-case IPv6 address) or a prefix of whole octets ending in .* (10.0.*)",
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
    periodSeconds: z
        .number({ error: `not a number. Allowed: ${ALLOWED.period}` })
        .refine((n) => isWholeNumberIn(n, 60, MAX_ALARM_PERIOD_SECONDS) && n % 60 === 0, {
            error: `not an alarm period. Allowed: ${ALLOWED.period}`,
        })
        .optional(),
    evaluationPeriods: wholeNumber(1, 1440, "periods").optional(),
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
 * `reject-any` and `flow-log-skipdata` may be retuned (threshold, period, narrower match) but must
 * keep counting what they are there for: effectiveRules adds the baseline REJECT rule under its own
 * name when no REJECT rule is left, and adds the SKIPDATA rule only when no rule has its name.
 */
function reservedNameProblems(rule: Record<string, unknown>, at: string): Problem[] {
    const name = rule.name as string;
    if ((RESERVED_RULE_NAMES as readonly string[]).includes(name)) {
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
