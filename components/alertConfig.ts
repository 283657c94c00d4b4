/**
 * The `alerts` part of the stack configuration (and the `rules` a VPC entry may carry): its schema,
 * the checks that relate values, and the conversion to typed AlertRules.
 *
 * Field checks reuse the pattern engine's own validation (validateFlowMatch), so what the config
 * accepts is exactly what renderPattern can render.
 */
import { z } from "zod";
import { AlertRule } from "./alertRules";
import { FlowAction, FlowMatch, LogStatus, PortMatch, PROTOCOL_NUMBERS, protocolNumber, validateFlowMatch } from "./filterPattern";
import { isRecord, isWholeNumberIn, show, wholeNumber } from "./configKit";

export const RULE_DEFAULTS = { threshold: 1, periodSeconds: 300, evaluationPeriods: 1 } as const;
/** CloudWatch: period × evaluation periods may not exceed one day for a standard alarm. */
export const MAX_ALARM_WINDOW_SECONDS = 86400;

const RULE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;
const SLACK_WORKSPACE = /^T[A-Z0-9]{6,}$/;
const SLACK_CHANNEL = /^[CG][A-Z0-9]{6,}$/;

const ALLOWED = {
    ruleName: "1 to 48 characters of a-z, 0-9 and -, not starting or ending with -",
    protocol: `a protocol name (${Object.keys(PROTOCOL_NUMBERS).join(", ")}) or an IANA protocol number 0–255`,
    address: "an exact address (10.0.0.155, or a lower-case IPv6 address) or a prefix of whole octets ending in .* (10.0.*)",
    port: "a port 0–65535, a list of ports [22, 3389], or a range { from: 1024, to: 2048 }",
    interfaceId: "a network interface id such as eni-1235b8ca123456789",
    period: `a multiple of 60 seconds from 60 to ${MAX_ALARM_WINDOW_SECONDS}`,
} as const;

/** Accepts a value when the pattern engine accepts a match made of it alone. */
const acceptedByEngine = (key: keyof FlowMatch) => (value: unknown) => validateFlowMatch({ [key]: value } as FlowMatch).length === 0;

const portSchema = z
    .union([z.number(), z.array(z.number()), z.strictObject({ from: z.number(), to: z.number() })], {
        error: `not a port match. Allowed: ${ALLOWED.port}`,
    })
    .refine(acceptedByEngine("dstPort"), { error: `not a port match. Allowed: ${ALLOWED.port}` });

const matchSchema = z.strictObject({
    action: z.enum([FlowAction.ACCEPT, FlowAction.REJECT], { error: "not an action. Allowed: ACCEPT or REJECT" }).optional(),
    protocol: z
        .union([z.string(), z.number()], { error: `not a protocol. Allowed: ${ALLOWED.protocol}` })
        .refine((v) => protocolOrUndefined(v) !== undefined, { error: `not a protocol. Allowed: ${ALLOWED.protocol}` })
        .optional(),
    srcAddr: z.string({ error: `not a string. Allowed: ${ALLOWED.address}` }).refine(acceptedByEngine("srcAddr"), { error: `not an address. Allowed: ${ALLOWED.address}` }).optional(),
    dstAddr: z.string({ error: `not a string. Allowed: ${ALLOWED.address}` }).refine(acceptedByEngine("dstAddr"), { error: `not an address. Allowed: ${ALLOWED.address}` }).optional(),
    srcPort: portSchema.optional(),
    dstPort: portSchema.optional(),
    interfaceId: z
        .string({ error: `not a string. Allowed: ${ALLOWED.interfaceId}` })
        .refine(acceptedByEngine("interfaceId"), { error: `not a network interface id. Allowed: ${ALLOWED.interfaceId}` })
        .optional(),
    logStatus: z.enum([LogStatus.OK, LogStatus.NODATA, LogStatus.SKIPDATA], { error: "not a log status. Allowed: OK, NODATA or SKIPDATA" }).optional(),
});

export const ruleSchema = z.strictObject({
    name: z.string({ error: `not a string. Allowed: ${ALLOWED.ruleName}` }).regex(RULE_NAME, { error: `not a valid rule name. Allowed: ${ALLOWED.ruleName}` }),
    description: z.string({ error: "not a string. Allowed: a sentence for the alarm description" }).max(200, { error: "too long. Allowed: at most 200 characters" }).optional(),
    match: matchSchema,
    threshold: wholeNumber(1, 1_000_000, "records").optional(),
    periodSeconds: z
        .number({ error: `not a number. Allowed: ${ALLOWED.period}` })
        .refine((n) => isWholeNumberIn(n, 60, MAX_ALARM_WINDOW_SECONDS) && n % 60 === 0, { error: `not an alarm period. Allowed: ${ALLOWED.period}` })
        .optional(),
    evaluationPeriods: wholeNumber(1, 1440, "periods").optional(),
});

export const ruleListSchema = z.array(ruleSchema, { error: "not a list. Allowed: a list of { name, match, threshold, periodSeconds, evaluationPeriods }" });

export const alertsSchema = z.strictObject({
    emails: z.array(z.email({ error: "not an email address. Allowed: an address such as secops@example.com" }), {
        error: "not a list. Allowed: a list of email addresses",
    }).optional(),
    slack: z
        .strictObject({
            workspaceId: z.string({ error: "not a string. Allowed: a Slack workspace id such as T0123ABCD" }).regex(SLACK_WORKSPACE, {
                error: "not a Slack workspace id. Allowed: T followed by upper-case letters and digits, such as T0123ABCD (AWS Chatbot console, after authorising the workspace)",
            }),
            channelId: z.string({ error: "not a string. Allowed: a Slack channel id such as C0123ABCD" }).regex(SLACK_CHANNEL, {
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
    return (rules ?? []).map((rule) => ({
        name: rule.name,
        description: rule.description,
        match: normaliseMatch(rule.match),
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
 * Rules between values of one rule list (at `path`): unique names, a non-empty match, an alarm
 * window CloudWatch accepts, and records the alarm log group actually receives.
 */
export function ruleListProblems(rules: unknown, path: string, cloudWatchTrafficType: unknown): Problem[] {
    if (!Array.isArray(rules)) return [];
    const problems: Problem[] = [];
    const firstIndex = new Map<string, number>();
    rules.forEach((rule: unknown, i: number) => {
        if (!isRecord(rule)) return;
        const at = `${path}[${i}]`;
        if (typeof rule.name === "string") {
            const earlier = firstIndex.get(rule.name);
            if (earlier !== undefined) {
                problems.push({ path: `${at}.name`, message: `duplicate rule name; given ${show(rule.name)}, already used at ${path}[${earlier}]. Allowed: a name unique in this list` });
            } else {
                firstIndex.set(rule.name, i);
            }
        }
        if (isRecord(rule.match) && Object.keys(rule.match).length === 0) {
            problems.push({ path: `${at}.match`, message: "empty: it would count every record; given {}. Allowed: at least one of action, protocol, srcAddr, dstAddr, srcPort, dstPort, interfaceId, logStatus" });
        }
        const period = rule.periodSeconds ?? RULE_DEFAULTS.periodSeconds;
        const evaluations = rule.evaluationPeriods ?? RULE_DEFAULTS.evaluationPeriods;
        if (isWholeNumberIn(period, 60, MAX_ALARM_WINDOW_SECONDS) && isWholeNumberIn(evaluations, 1, 1440) && period * evaluations > MAX_ALARM_WINDOW_SECONDS) {
            problems.push({
                path: `${at}.evaluationPeriods`,
                message: `the alarm would look back ${period * evaluations} seconds; given ${evaluations} periods of ${period} seconds. Allowed: periodSeconds × evaluationPeriods at most ${MAX_ALARM_WINDOW_SECONDS} (one day)`,
            });
        }
        if (isRecord(rule.match) && rule.match.action === FlowAction.ACCEPT && (cloudWatchTrafficType ?? "REJECT") === "REJECT") {
            problems.push({
                path: `${at}.match.action`,
                message: `the alarm log group receives REJECT records only, so this rule could never fire; given "ACCEPT". Allowed: REJECT, or set flowLogs.cloudWatchTrafficType: ALL`,
            });
        }
    });
    return problems;
}
