/**
 * What each component accepts, as pure functions: every problem with an args object, each naming
 * the property path, the value given and what is allowed. The components call these before they
 * register anything and throw one `pulumi.InputPropertiesError` listing them all (invalidArgs.ts);
 * they are exported so a caller can check args up front, and tested without any Pulumi runtime.
 *
 * The stack config (program/) keeps its own, friendlier report in config terms; the definitions it
 * shares with these checks (what a VPC id, a CIDR block or a rule name is) live here, once.
 */
import * as ipaddr from "ipaddr.js";
import { CONTRIBUTOR_KEYS, CONTRIBUTOR_STATISTICS, insightFilterProblems, keyField } from "./alerting/contributorRule";
import { z } from "zod";
import {
    FlowAction,
    FlowMatch,
    FlowMatchError,
    LogStatus,
    MAX_FILTER_PATTERN_LENGTH,
    renderPattern,
    validateFlowMatch,
} from "../flowlogs";
import { DEFAULT_FORMAT_FIELDS, FlowLogField } from "../flowlogs/fields";
import type { AlertRule } from "./alerting/rules";
import { BASELINE_REJECT_RULE, RESERVED_RULE_NAMES, SKIPDATA_RULE } from "./alerting/rules";
import type { AlertingRuleArgs } from "./alerting/alertingRule";
import type { AlarmTopicArgs, SlackChannelArgs } from "./alerting/notifications";
import type { AnalyticsLakeArgs } from "./lake/analyticsLake";
import type { MonitoredVpcArgs } from "./monitoredVpc";
import type { AccountSpec, RegionSpec, VpcFlowMonitorArgs, VpcSpec } from "./vpcFlowMonitor";
import { ALARM_LOG_FIELDS, CloudWatchTrafficType, DEFAULTS } from "./defaults";
import { lakeFieldsProblems } from "./lake/layout";
import {
    LOG_RETENTION_DAYS,
    MAX_ALARM_PERIOD_SECONDS,
    MAX_ALARM_WINDOW_SECONDS,
    MAX_BYTES_SCANNED_CUTOFF_GB,
    MAX_LIFECYCLE_DAYS,
    MAX_SHORT_PERIOD_ALARM_WINDOW_SECONDS,
    MIN_BYTES_SCANNED_CUTOFF_GB,
    MIN_IA_TRANSITION_DAYS,
    VPC_PREFIX_MAX,
    VPC_PREFIX_MIN,
    maxAlarmWindowSeconds,
} from "./awsLimits";

/** One thing wrong with a component's args; the shape of `pulumi.InputPropertiesError`'s entries. */
export interface ArgProblem {
    /** `vpc.cidrBlock`, `alerting.rules[2].periodSeconds`, `regions[0].vpcs[1].name`. */
    readonly propertyPath: string;
    /** What is wrong; given what; what is allowed. */
    readonly reason: string;
}

// ---------------------------------------------------------------------------------------------
// What is allowed, defined once

export const VPC_NAME = /^[a-z0-9-]{1,32}$/;
export const VPC_ID = /^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
/** Account names feed provider and resource logical names (`aws-<name>-<region>`). */
export const ACCOUNT_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
export const ACCOUNT_ID = /^\d{12}$/;
export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
/** An IAM role ARN in any partition, path allowed; group 2 is the role's account. */
export const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
export const RULE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;
export const SLACK_WORKSPACE_ID = /^T[A-Z0-9]{6,}$/;
export const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{6,}$/;
/** A region name's form (us-east-1, ap-southeast-7, us-gov-west-1); whether it exists is AWS's to say. */
export const REGION_NAME = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
/** Pulumi stack names: letters, digits, `-`, `_` and `.`; they end up in log group, topic and workgroup names. */
export const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
/** CreateLogGroup: 1 to 512 characters of a-z, A-Z, 0-9, `_`, `-`, `/`, `.` and `#`. */
export const LOG_GROUP_NAME = /^[A-Za-z0-9_\-/.#]{1,512}$/;

export const ALLOWED = {
    vpcName: "1 to 32 characters of a-z, 0-9 and -",
    accountName: "2 to 32 characters of a-z, 0-9 and -, starting with a letter and not ending with -",
    accountId: "the account's 12-digit id, such as 111122223333 (quote it in YAML so leading zeros stay)",
    roleArn: "an IAM role ARN such as arn:aws:iam::111122223333:role/vpc-flow-monitor-member",
    organizationId: "an AWS Organizations id: o- and 10 to 32 characters of a-z and 0-9, such as o-a1b2c3d4e5",
    vpcId: "vpc- followed by 8 or 17 hexadecimal digits, such as vpc-0123456789abcdef0",
    cidr: `an IPv4 network address with a prefix length from /${VPC_PREFIX_MIN} to /${VPC_PREFIX_MAX}, such as 10.10.0.0/16`,
    retention: `one of ${LOG_RETENTION_DAYS.join(", ")}`,
    ruleName: "1 to 48 characters of a-z, 0-9 and -, not starting or ending with -",
    period: `a multiple of 60 seconds from 60 to ${MAX_ALARM_PERIOD_SECONDS}`,
    match: "a mapping with at least one of action, protocol, srcAddr, dstAddr, srcPort, dstPort, interfaceId, logStatus",
    region: "an AWS region name such as us-east-1",
    stack: "1 to 100 characters of letters, digits, -, _ and . (a Pulumi stack name)",
    logGroupName: "1 to 512 characters of a-z, A-Z, 0-9, _, -, /, . and #",
    trafficType: "REJECT or ALL",
    email: "an address such as secops@example.com",
    slackWorkspace:
        "T followed by upper-case letters and digits, such as T0123ABCD (AWS Chatbot console, after authorising the workspace)",
    slackChannel: "C or G followed by upper-case letters and digits, such as C0123ABCD (channel details in Slack)",
} as const;

// ---------------------------------------------------------------------------------------------
// Small shared pieces

/** Shows a given value compactly: strings quoted, objects as short JSON. */
export function show(value: unknown): string {
    if (value === undefined) return "nothing";
    // JSON would print NaN and Infinity as null: name them as the YAML that gave them is spelled, and
    // say what that is. Bigint, functions and cycles make JSON throw or return undefined, and
    // reporting a problem must never fail.
    if (typeof value === "number" && !Number.isFinite(value))
        return `${yamlSpelling(value)} (${NON_FINITE[yamlSpelling(value)]})`;
    if (typeof value === "bigint") return `${value}n`;
    let json: string | undefined;
    try {
        json = JSON.stringify(value, (_key, v: unknown) => {
            if (typeof v === "bigint") return v.toString();
            return typeof v === "number" && !Number.isFinite(v) ? yamlSpelling(v) : v;
        });
    } catch {
        json = undefined;
    }
    if (json === undefined) json = typeof value === "object" ? Object.prototype.toString.call(value) : String(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

const NON_FINITE = { ".inf": "infinity", "-.inf": "negative infinity", ".nan": "not a number" } as const;

function yamlSpelling(n: number): keyof typeof NON_FINITE {
    if (Number.isNaN(n)) return ".nan";
    return n > 0 ? ".inf" : "-.inf";
}

export function isWholeNumberIn(value: unknown, min: number, max: number): value is number {
    return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

function problem(propertyPath: string, what: string, given: unknown, allowed: string): ArgProblem {
    return { propertyPath, reason: `${what}; given ${show(given)}. Allowed: ${allowed}` };
}

/** `prefix.key`, or `key` at the top level. */
function at(prefix: string, key: string): string {
    return prefix ? `${prefix}.${key}` : key;
}

/** The header and one line per problem: the whole report, readable where only the message is printed. */
export function formatArgProblems(subject: string, problems: readonly ArgProblem[]): string {
    const header = `Invalid arguments for ${subject}: ${problems.length} problem${problems.length === 1 ? "" : "s"}`;
    return [header, ...problems.map((p) => `  - ${p.propertyPath}: ${p.reason}`)].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Values

/** What is wrong with a VPC CIDR block, or undefined when it is fine. */
export function cidrProblem(value: string): string | undefined {
    if (!ipaddr.IPv4.isValidCIDR(value)) {
        return ipaddr.IPv6.isValidCIDR(value) ? "an IPv6 CIDR block" : "not a CIDR block";
    }
    const [address, prefix] = ipaddr.IPv4.parseCIDR(value);
    if (prefix < VPC_PREFIX_MIN || prefix > VPC_PREFIX_MAX) return `prefix length /${prefix} out of range`;
    const network = ipaddr.IPv4.networkAddressFromCIDR(value).toString();
    // A host address (10.0.0.1/16) would be silently truncated by some tools and refused by others.
    if (network !== address.toString()) return `host bits set (the network address is ${network}/${prefix})`;
    // ipaddr.js also reads 010.0.0.0 (octal), 0xa.0.0.0 and 10.0.0 as addresses; the string goes to AWS as
    // given, and AWS reads none of them the same way, so only the canonical dotted-decimal form passes.
    if (value !== `${network}/${prefix}`) return "not in dotted-decimal form";
    return undefined;
}

function patternProblems(path: string, value: unknown, pattern: RegExp, what: string, allowed: string): ArgProblem[] {
    if (typeof value !== "string") return [problem(path, "not a string", value, allowed)];
    return pattern.test(value) ? [] : [problem(path, what, value, allowed)];
}

export function regionProblems(path: string, value: unknown): ArgProblem[] {
    return patternProblems(path, value, REGION_NAME, "not a region name", ALLOWED.region);
}

export function stackNameProblems(path: string, value: unknown): ArgProblem[] {
    return patternProblems(path, value, STACK_NAME, "not a stack name", ALLOWED.stack);
}

/** Create (cidrBlock) or adopt (vpcId): exactly one, and a valid one. `prefix` is where the pair sits. */
export function vpcSourceProblems(prefix: string, vpc: { readonly cidrBlock?: unknown; readonly vpcId?: unknown }) {
    const problems: ArgProblem[] = [];
    const hasCidr = vpc.cidrBlock !== undefined;
    const hasId = vpc.vpcId !== undefined;
    if (hasCidr === hasId) {
        problems.push(
            problem(
                prefix,
                hasCidr ? "both cidrBlock and vpcId are set" : "neither cidrBlock nor vpcId is set",
                hasCidr ? { cidrBlock: vpc.cidrBlock, vpcId: vpc.vpcId } : vpc,
                "exactly one of cidrBlock (create a VPC) or vpcId (adopt an existing VPC)",
            ),
        );
    }
    if (hasCidr) {
        const path = at(prefix, "cidrBlock");
        if (typeof vpc.cidrBlock !== "string") {
            problems.push(problem(path, "not a string", vpc.cidrBlock, ALLOWED.cidr));
        } else {
            const wrong = cidrProblem(vpc.cidrBlock);
            if (wrong) problems.push(problem(path, wrong, vpc.cidrBlock, ALLOWED.cidr));
        }
    }
    if (hasId) problems.push(...patternProblems(at(prefix, "vpcId"), vpc.vpcId, VPC_ID, "not a VPC id", ALLOWED.vpcId));
    return problems;
}

export function retentionProblems(path: string, value: unknown): ArgProblem[] {
    if (value === undefined || (LOG_RETENTION_DAYS as readonly unknown[]).includes(value)) return [];
    return [problem(path, "not a retention CloudWatch Logs accepts", value, ALLOWED.retention)];
}

export function trafficTypeProblems(path: string, value: unknown): ArgProblem[] {
    if (value === undefined || Object.values(CloudWatchTrafficType).includes(value as CloudWatchTrafficType)) return [];
    return [problem(path, "not a traffic type for the alarm log group", value, ALLOWED.trafficType)];
}

function wholeNumberProblems(path: string, value: unknown, min: number, max: number, unit: string): ArgProblem[] {
    if (value === undefined || isWholeNumberIn(value, min, max)) return [];
    const what =
        typeof value !== "number" ? "not a number" : Number.isInteger(value) ? "out of range" : "not a whole number";
    return [problem(path, what, value, `a whole number of ${unit} from ${min} to ${max}`)];
}

// ---------------------------------------------------------------------------------------------
// Alert rules

/**
 * One rule, at `prefix`: its name, a match the pattern engine accepts (checked property by property
 * so each problem names its key), a pattern CloudWatch accepts for the delivered `fields`, and an
 * alarm CloudWatch accepts (threshold, period, evaluation window).
 */
export function alertRuleProblems(
    prefix: string,
    rule: AlertRule,
    fields: readonly FlowLogField[] = DEFAULT_FORMAT_FIELDS,
): ArgProblem[] {
    const problems: ArgProblem[] = [];
    problems.push(
        ...patternProblems(at(prefix, "name"), rule.name, RULE_NAME, "not a valid rule name", ALLOWED.ruleName),
    );

    const match: unknown = rule.match;
    const matchPath = at(prefix, "match");
    if (typeof match !== "object" || match === null || Array.isArray(match)) {
        problems.push(problem(matchPath, "not a match", match, ALLOWED.match));
    } else if (Object.values(match).every((value) => value === undefined)) {
        // `{ dstPort: undefined }` renders no condition at all: as empty as `{}`.
        problems.push(problem(matchPath, "empty: it would count every record", match, ALLOWED.match));
    } else {
        let valid = true;
        for (const [key, value] of Object.entries(match)) {
            for (const wrong of validateFlowMatch({ [key]: value } as FlowMatch)) {
                valid = false;
                problems.push({ propertyPath: `${matchPath}.${key}`, reason: wrong });
            }
        }
        if (valid) problems.push(...renderProblems(matchPath, match as FlowMatch, fields));
    }

    if (typeof rule.threshold !== "number" || !Number.isFinite(rule.threshold) || rule.threshold < 1) {
        problems.push(
            problem(
                at(prefix, "threshold"),
                "not a threshold an alarm on a record count can reach",
                rule.threshold,
                "a number of records, at least 1",
            ),
        );
    }
    const period = rule.periodSeconds;
    const periodOk = isWholeNumberIn(period, 60, MAX_ALARM_PERIOD_SECONDS) && period % 60 === 0;
    if (!periodOk) problems.push(problem(at(prefix, "periodSeconds"), "not an alarm period", period, ALLOWED.period));
    problems.push(...perKeyProblems(prefix, rule, fields));
    const evaluations = rule.evaluationPeriods;
    if (!isWholeNumberIn(evaluations, 1, Number.MAX_SAFE_INTEGER)) {
        problems.push(
            problem(
                at(prefix, "evaluationPeriods"),
                "not a number of periods",
                evaluations,
                "a whole number, at least 1",
            ),
        );
    } else if (periodOk && period * evaluations > maxAlarmWindowSeconds(period)) {
        const limit =
            maxAlarmWindowSeconds(period) === MAX_SHORT_PERIOD_ALARM_WINDOW_SECONDS
                ? `at most ${MAX_SHORT_PERIOD_ALARM_WINDOW_SECONDS} (one day) for periods shorter than an hour`
                : `at most ${MAX_ALARM_WINDOW_SECONDS} (seven days)`;
        problems.push({
            propertyPath: at(prefix, "evaluationPeriods"),
            reason: `the alarm would look back ${period * evaluations} seconds; given ${evaluations} periods of ${period} seconds. Allowed: periodSeconds × evaluationPeriods ${limit}`,
        });
    }
    return problems;
}

/** `by` and `statistic` of a per-key rule: known values, a key the format carries, a match Contributor Insights can filter on. */
function perKeyProblems(prefix: string, rule: AlertRule, fields: readonly FlowLogField[]): ArgProblem[] {
    const problems: ArgProblem[] = [];
    if (rule.statistic !== undefined && !CONTRIBUTOR_STATISTICS.includes(rule.statistic)) {
        problems.push(
            problem(
                at(prefix, "statistic"),
                "not a per-key statistic",
                rule.statistic,
                CONTRIBUTOR_STATISTICS.join(" or "),
            ),
        );
    }
    if (rule.by === undefined) return problems;
    if (!CONTRIBUTOR_KEYS.includes(rule.by)) {
        problems.push(problem(at(prefix, "by"), "not a field to count per", rule.by, CONTRIBUTOR_KEYS.join(", ")));
        return problems;
    }
    const field = keyField(rule.by);
    if (!fields.some((f) => f.name === field.name)) {
        problems.push(
            problem(
                at(prefix, "by"),
                `needs the field "${field.name}", which the log format does not include`,
                rule.by,
                `a key among the format's fields (${fields.map((f) => f.name).join(" ")})`,
            ),
        );
    }
    if (typeof rule.match === "object" && rule.match !== null && validateFlowMatch(rule.match).length === 0) {
        for (const reason of insightFilterProblems(rule.match)) {
            problems.push({
                propertyPath: at(prefix, "match"),
                reason: `as a Contributor Insights rule (by) the match ${reason}`,
            });
        }
    }
    return problems;
}

/** A match valid key by key can still need fields the format lacks, or render longer than CloudWatch accepts. */
function renderProblems(matchPath: string, match: FlowMatch, fields: readonly FlowLogField[]): ArgProblem[] {
    try {
        renderPattern(match, fields);
        return [];
    } catch (err) {
        if (!(err instanceof FlowMatchError)) throw err;
        const length = /is (\d+) characters/.exec(err.problems.join(" "))?.[1];
        if (length === undefined) return err.problems.map((reason) => ({ propertyPath: matchPath, reason }));
        return [
            problem(
                matchPath,
                `the filter pattern would be ${length} characters`,
                match,
                `a pattern of at most ${MAX_FILTER_PATTERN_LENGTH} characters (CloudWatch's limit): use a port range { from, to } instead of a long list of ports`,
            ),
        ];
    }
}

export interface RuleListContext {
    /** What the alarm log group receives: an ACCEPT rule can never fire on REJECT records. */
    readonly cloudWatchTrafficType: CloudWatchTrafficType;
    /** Where the traffic type is set, for the hint (`cloudWatchTrafficType`, `flowLogs.cloudWatchTrafficType`). */
    readonly trafficTypePath: string;
    readonly fields: readonly FlowLogField[];
    /**
     * Lists that effectiveRules merges (stack and VPC rules): `reject-any` and `flow-log-skipdata`
     * must keep counting what they are there for, or the merge would drop the baseline.
     */
    readonly keepsBaselineMeaning: boolean;
}

/** A list of rules at `path`: each rule, names unique in the list and kept off the aggregate filters' names. */
export function alertRuleListProblems(
    path: string,
    rules: readonly AlertRule[] | undefined,
    context: RuleListContext,
): ArgProblem[] {
    if (rules === undefined) return [];
    if (!Array.isArray(rules)) return [problem(path, "not a list", rules, "a list of alert rules")];
    const problems: ArgProblem[] = [];
    const firstIndex = new Map<string, number>();
    rules.forEach((rule: AlertRule, i: number) => {
        const prefix = `${path}[${i}]`;
        if (typeof rule !== "object" || rule === null) {
            problems.push(
                problem(prefix, "not a rule", rule, "{ name, match, threshold, periodSeconds, evaluationPeriods }"),
            );
            return;
        }
        problems.push(...alertRuleProblems(prefix, rule, context.fields));
        if (typeof rule.name === "string") {
            const earlier = firstIndex.get(rule.name);
            if (earlier !== undefined) {
                problems.push(
                    problem(
                        `${prefix}.name`,
                        `duplicate rule name, already used at ${path}[${earlier}]`,
                        rule.name,
                        "a name unique in this list",
                    ),
                );
            } else {
                firstIndex.set(rule.name, i);
            }
            if (RESERVED_RULE_NAMES.includes(rule.name)) {
                problems.push(
                    problem(
                        `${prefix}.name`,
                        `reserved: the VPC's aggregate metric filter <vpc>-${rule.name} already has this name`,
                        rule.name,
                        "any other rule name",
                    ),
                );
            }
            if (context.keepsBaselineMeaning) problems.push(...baselineProblems(prefix, rule));
        }
        const action = (rule.match as FlowMatch | undefined)?.action;
        if (action === FlowAction.ACCEPT && context.cloudWatchTrafficType === CloudWatchTrafficType.REJECT) {
            problems.push(
                problem(
                    `${prefix}.match.action`,
                    "the alarm log group receives REJECT records only, so this rule could never fire",
                    action,
                    `REJECT, or set ${context.trafficTypePath} to ALL`,
                ),
            );
        }
    });
    return problems;
}

function baselineProblems(prefix: string, rule: AlertRule): ArgProblem[] {
    const match = (rule.match ?? {}) as FlowMatch;
    if (rule.name === BASELINE_REJECT_RULE.name && match.action !== FlowAction.REJECT) {
        return [
            problem(
                `${prefix}.match.action`,
                `${rule.name} is the baseline REJECT alarm every VPC must keep`,
                match.action,
                "REJECT (retune the rule), or give this rule another name",
            ),
        ];
    }
    if (rule.name === SKIPDATA_RULE.name && match.logStatus !== LogStatus.SKIPDATA) {
        return [
            problem(
                `${prefix}.match.logStatus`,
                `${rule.name} is the SKIPDATA alarm every VPC must keep`,
                match.logStatus,
                "SKIPDATA (retune the rule), or give this rule another name",
            ),
        ];
    }
    return [];
}

// ---------------------------------------------------------------------------------------------
// Lake, notifications

/** The lake's lifecycle and Athena settings, at `prefix` (`""` in AnalyticsLake, `lake` in deployVpcFlowMonitor). */
export function lakeSettingsProblems(
    prefix: string,
    lake: {
        readonly transitionToInfrequentAccessDays?: number;
        readonly expireAfterDays?: number;
        readonly bytesScannedCutoffGb?: number;
        readonly fields?: unknown;
    },
): ArgProblem[] {
    const transitionPath = at(prefix, "transitionToInfrequentAccessDays");
    const fieldProblems =
        lake.fields === undefined
            ? []
            : lakeFieldsProblems(lake.fields).map((p) =>
                  problem(
                      `${at(prefix, "fields")}${p.index === undefined ? "" : `[${p.index}]`}`,
                      p.what,
                      p.given,
                      p.allowed,
                  ),
              );
    const expirePath = at(prefix, "expireAfterDays");
    const problems = [
        ...wholeNumberProblems(
            transitionPath,
            lake.transitionToInfrequentAccessDays,
            MIN_IA_TRANSITION_DAYS,
            MAX_LIFECYCLE_DAYS,
            "days",
        ),
        ...wholeNumberProblems(expirePath, lake.expireAfterDays, 1, MAX_LIFECYCLE_DAYS, "days"),
        ...wholeNumberProblems(
            at(prefix, "bytesScannedCutoffGb"),
            lake.bytesScannedCutoffGb,
            MIN_BYTES_SCANNED_CUTOFF_GB,
            MAX_BYTES_SCANNED_CUTOFF_GB,
            "GiB",
        ),
        ...fieldProblems,
    ];
    // Compared only when both are valid on their own (a default counts), so no value is reported twice.
    const transition = lake.transitionToInfrequentAccessDays ?? DEFAULTS.transitionToInfrequentAccessDays;
    const expire = lake.expireAfterDays ?? DEFAULTS.expireAfterDays;
    if (
        isWholeNumberIn(transition, MIN_IA_TRANSITION_DAYS, MAX_LIFECYCLE_DAYS) &&
        isWholeNumberIn(expire, 1, MAX_LIFECYCLE_DAYS) &&
        expire <= transition
    ) {
        const defaulted = lake.transitionToInfrequentAccessDays === undefined ? " (the default)" : "";
        problems.push({
            propertyPath: expirePath,
            reason: `expires the records before or when they move to Infrequent Access; given ${expire} with transitionToInfrequentAccessDays ${transition}${defaulted}. Allowed: a value greater than transitionToInfrequentAccessDays`,
        });
    }
    return problems;
}

const EMAIL = z.email();

export function emailProblems(path: string, emails: readonly string[] | undefined): ArgProblem[] {
    if (emails === undefined) return [];
    if (!Array.isArray(emails)) return [problem(path, "not a list", emails, "a list of email addresses")];
    return emails.flatMap((email, i) =>
        EMAIL.safeParse(email).success ? [] : [problem(`${path}[${i}]`, "not an email address", email, ALLOWED.email)],
    );
}

export function slackIdProblems(
    prefix: string,
    slack: { readonly workspaceId: string; readonly channelId: string },
): ArgProblem[] {
    return [
        ...patternProblems(
            at(prefix, "workspaceId"),
            slack.workspaceId,
            SLACK_WORKSPACE_ID,
            "not a Slack workspace id",
            ALLOWED.slackWorkspace,
        ),
        ...patternProblems(
            at(prefix, "channelId"),
            slack.channelId,
            SLACK_CHANNEL_ID,
            "not a Slack channel id",
            ALLOWED.slackChannel,
        ),
    ];
}

// ---------------------------------------------------------------------------------------------
// Components

export function monitoredVpcProblems(args: MonitoredVpcArgs): ArgProblem[] {
    const trafficType = args.cloudWatchTrafficType ?? DEFAULTS.cloudWatchTrafficType;
    const problems = [
        ...(typeof args.vpc === "object" && args.vpc !== null
            ? vpcSourceProblems("vpc", args.vpc)
            : [problem("vpc", "missing", args.vpc, "{ cidrBlock } to create a VPC or { vpcId } to adopt one")]),
        ...regionProblems("region", args.region),
        ...patternProblems(
            "logGroupName",
            args.logGroupName,
            LOG_GROUP_NAME,
            args.logGroupName === "" ? "empty" : "not a log group name",
            ALLOWED.logGroupName,
        ),
        ...trafficTypeProblems("cloudWatchTrafficType", args.cloudWatchTrafficType),
        ...retentionProblems("logRetentionInDays", args.logRetentionInDays),
    ];
    if (args.alerting) {
        problems.push(...stackNameProblems("alerting.stack", args.alerting.stack));
        problems.push(
            ...alertRuleListProblems("alerting.rules", args.alerting.rules, {
                cloudWatchTrafficType: trafficType,
                trafficTypePath: "cloudWatchTrafficType",
                fields: ALARM_LOG_FIELDS,
                keepsBaselineMeaning: false,
            }),
        );
    }
    return problems;
}

export function analyticsLakeProblems(args: AnalyticsLakeArgs): ArgProblem[] {
    const problems = [...stackNameProblems("stack", args.stack), ...lakeSettingsProblems("", args)];
    if (!Array.isArray(args.regions) || args.regions.length === 0) {
        problems.push(
            problem("regions", "no region delivers to the lake", args.regions, "a list of at least one region name"),
        );
    } else {
        problems.push(...uniqueRegionProblems("regions", args.regions, (i) => `regions[${i}]`));
    }
    return problems;
}

function uniqueRegionProblems(
    listPath: string,
    regions: readonly unknown[],
    pathOf: (index: number) => string,
): ArgProblem[] {
    const problems: ArgProblem[] = [];
    const first = new Map<unknown, number>();
    regions.forEach((region, i) => {
        problems.push(...regionProblems(pathOf(i), region));
        const earlier = first.get(region);
        if (earlier !== undefined) {
            problems.push(
                problem(
                    pathOf(i),
                    `duplicate region, already listed at ${pathOf(earlier)}`,
                    region,
                    "each region once",
                ),
            );
        } else {
            first.set(region, i);
        }
    });
    return problems;
}

export function alertingRuleProblems(args: AlertingRuleArgs): ArgProblem[] {
    return [
        ...stackNameProblems("stack", args.stack),
        ...regionProblems("region", args.region),
        ...alertRuleProblems("rule", args.rule, args.fields),
    ];
}

export function alarmTopicProblems(args: AlarmTopicArgs): ArgProblem[] {
    return [
        ...stackNameProblems("stack", args.stack),
        ...regionProblems("region", args.region),
        ...emailProblems("emails", args.emails),
    ];
}

export function slackChannelProblems(args: SlackChannelArgs): ArgProblem[] {
    const problems = [...stackNameProblems("stack", args.stack), ...slackIdProblems("", args)];
    if (!Array.isArray(args.topicArns) || args.topicArns.length === 0) {
        problems.push(
            problem("topicArns", "no topic to post from", args.topicArns, "a list of at least one SNS topic ARN"),
        );
    }
    return problems;
}

/** One account's regions: each region once, VPC names unique across the whole stack (`names` is shared). */
function regionListProblems(
    path: string,
    regions: readonly RegionSpec[],
    firstPathOfName: Map<string, string>,
    ruleContext: RuleListContext,
): ArgProblem[] {
    const problems: ArgProblem[] = [
        ...uniqueRegionProblems(
            path,
            regions.map((r) => r?.region),
            (i) => `${path}[${i}].region`,
        ),
    ];
    regions.forEach((region, ri) => {
        const vpcs: readonly VpcSpec[] = Array.isArray(region?.vpcs) ? region.vpcs : [];
        if (vpcs.length === 0 && region?.discover === undefined) {
            problems.push(
                problem(
                    `${path}[${ri}].vpcs`,
                    "no VPC in this region",
                    region?.vpcs,
                    "a list of at least one { name, cidrBlock | vpcId }, or discover",
                ),
            );
        }
        if (region?.discover !== undefined) {
            (region.discover.exclude ?? []).forEach((id, i) =>
                problems.push(
                    ...patternProblems(
                        `${path}[${ri}].discover.exclude[${i}]`,
                        id,
                        VPC_ID,
                        "not a VPC id",
                        ALLOWED.vpcId,
                    ),
                ),
            );
        }
        vpcs.forEach((vpc, vi) => {
            const prefix = `${path}[${ri}].vpcs[${vi}]`;
            const namePath = `${prefix}.name`;
            problems.push(...patternProblems(namePath, vpc.name, VPC_NAME, "not a valid VPC name", ALLOWED.vpcName));
            if (typeof vpc.name === "string") {
                const earlier = firstPathOfName.get(vpc.name);
                if (earlier) {
                    problems.push(
                        problem(
                            namePath,
                            `duplicate VPC name, already used at ${earlier}`,
                            vpc.name,
                            "a name unique in the stack, across all regions",
                        ),
                    );
                } else {
                    firstPathOfName.set(vpc.name, namePath);
                }
            }
            problems.push(...vpcSourceProblems(prefix, vpc));
            problems.push(...alertRuleListProblems(`${prefix}.rules`, vpc.rules, ruleContext));
        });
    });
    return problems;
}

/**
 * The top-level function's args, checked whole before anything is registered: the checks each
 * component would make, at the paths the caller wrote, plus what only the whole stack can tell
 * (VPC names unique across regions, a provider for every region used).
 */
export function vpcFlowMonitorProblems(args: VpcFlowMonitorArgs): ArgProblem[] {
    const problems: ArgProblem[] = [
        ...stackNameProblems("stack", args.stack),
        ...patternProblems("project", args.project, /^.+$/, "empty", "the Pulumi project name, for tags"),
        ...regionProblems("homeRegion", args.homeRegion),
    ];
    const trafficType = args.flowLogs?.cloudWatchTrafficType ?? DEFAULTS.cloudWatchTrafficType;
    problems.push(...trafficTypeProblems("flowLogs.cloudWatchTrafficType", args.flowLogs?.cloudWatchTrafficType));
    problems.push(...retentionProblems("flowLogs.logRetentionInDays", args.flowLogs?.logRetentionInDays));
    problems.push(...lakeSettingsProblems("lake", args.lake ?? {}));
    problems.push(...emailProblems("emails", args.emails));
    if (args.slack) problems.push(...slackIdProblems("slack", args.slack));
    const ruleContext: RuleListContext = {
        cloudWatchTrafficType: trafficType,
        trafficTypePath: "flowLogs.cloudWatchTrafficType",
        fields: ALARM_LOG_FIELDS,
        keepsBaselineMeaning: true,
    };
    problems.push(...alertRuleListProblems("rules", args.rules, ruleContext));

    const regions = Array.isArray(args.regions) ? args.regions : [];
    const accounts: readonly AccountSpec[] = Array.isArray(args.accounts) ? args.accounts : [];
    if (regions.length === 0 && accounts.length === 0) {
        problems.push(
            problem("regions", "no region to monitor", args.regions, "a list of at least one { region, vpcs }"),
        );
    }
    const firstPathOfName = new Map<string, string>();
    problems.push(...regionListProblems("regions", regions, firstPathOfName, ruleContext));
    if (args.organizationId !== undefined) {
        problems.push(
            ...patternProblems(
                "organizationId",
                args.organizationId,
                ORGANIZATION_ID,
                "not an AWS Organizations id",
                ALLOWED.organizationId,
            ),
        );
    }
    if (args.homeAccountId !== undefined) {
        problems.push(
            ...patternProblems("homeAccountId", args.homeAccountId, ACCOUNT_ID, "not an account id", ALLOWED.accountId),
        );
    }
    if (args.accounts !== undefined && !Array.isArray(args.accounts)) {
        problems.push(
            problem("accounts", "not a list", args.accounts, "a list of { name, accountId, roleArn, regions }"),
        );
    }
    const firstAccountName = new Map<string, string>();
    const firstAccountId = new Map<string, string>();
    if (typeof args.homeAccountId === "string") firstAccountId.set(args.homeAccountId, "homeAccountId");
    accounts.forEach((account, ai) => {
        const at = `accounts[${ai}]`;
        problems.push(
            ...patternProblems(
                `${at}.name`,
                account?.name,
                ACCOUNT_NAME,
                "not a valid account name",
                ALLOWED.accountName,
            ),
        );
        if (typeof account?.name === "string") {
            const earlier = firstAccountName.get(account.name);
            if (earlier) {
                problems.push(
                    problem(
                        `${at}.name`,
                        `duplicate account name, already used at ${earlier}`,
                        account.name,
                        "a name unique in the stack",
                    ),
                );
            } else firstAccountName.set(account.name, `${at}.name`);
        }
        problems.push(
            ...patternProblems(
                `${at}.accountId`,
                account?.accountId,
                ACCOUNT_ID,
                "not an account id",
                ALLOWED.accountId,
            ),
        );
        if (typeof account?.accountId === "string" && ACCOUNT_ID.test(account.accountId)) {
            const earlier = firstAccountId.get(account.accountId);
            if (earlier) {
                problems.push(
                    problem(
                        `${at}.accountId`,
                        `account listed twice, already at ${earlier}`,
                        account.accountId,
                        "each account once in the stack",
                    ),
                );
            } else firstAccountId.set(account.accountId, `${at}.accountId`);
        }
        problems.push(
            ...patternProblems(`${at}.roleArn`, account?.roleArn, ROLE_ARN, "not an IAM role ARN", ALLOWED.roleArn),
        );
        const roleAccount = typeof account?.roleArn === "string" ? ROLE_ARN.exec(account.roleArn)?.[2] : undefined;
        if (roleAccount !== undefined && typeof account.accountId === "string" && roleAccount !== account.accountId) {
            problems.push(
                problem(
                    `${at}.roleArn`,
                    `a role of account ${roleAccount}, not of accountId ${account.accountId}`,
                    account.roleArn,
                    "a role in the account itself (its providers are pinned to accountId)",
                ),
            );
        }
        const accountRegions = Array.isArray(account?.regions) ? account.regions : [];
        if (accountRegions.length === 0) {
            problems.push(
                problem(
                    `${at}.regions`,
                    "no region to monitor",
                    account?.regions,
                    "a list of at least one { region, vpcs }",
                ),
            );
        }
        problems.push(...regionListProblems(`${at}.regions`, accountRegions, firstPathOfName, ruleContext));
    });

    if (args.providers !== undefined) {
        const providers: Readonly<Record<string, unknown>> = args.providers;
        const given = Object.keys(providers).filter((region) => providers[region] !== undefined);
        const needed = [
            { region: args.homeRegion, usedAt: "homeRegion" },
            ...regions.map((r, i) => ({ region: r?.region, usedAt: `regions[${i}].region` })),
        ];
        const reported = new Set<unknown>();
        for (const { region, usedAt } of needed) {
            if (typeof region !== "string" || given.includes(region) || reported.has(region)) continue;
            reported.add(region);
            problems.push({
                propertyPath: `providers["${region}"]`,
                reason: `no provider for region "${region}" (used at ${usedAt}); given providers for ${given.length ? given.map((r) => `"${r}"`).join(", ") : "no region"}. Allowed: an aws.Provider for the home region and for every region in regions, or leave providers out to create one per region`,
            });
        }
    }
    return problems;
}
