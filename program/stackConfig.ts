/**
 * The stack configuration contract: what a `Pulumi.<stack>.yaml` may say, checked before any
 * resource is registered.
 *
 * zod checks the shape (types, ranges, unknown keys) and reports every issue at once; the rules
 * that relate two values (exactly one of cidrBlock and vpcId, names and adopted VPCs unique across
 * regions, expiry after the transition) and those a deployment would break on (alarm names two VPCs
 * would share, more metric filters than a log group takes) run on the raw input afterwards, so they
 * are reported even when something else in the file is wrong. Every problem names its key path, the
 * value given and what is allowed.
 */
import { z } from "zod";
import { AlertRule } from "../components/alerting/rules";
import {
    alertingProblems,
    AlertsConfig,
    alertsSchema,
    normaliseAlerts,
    normaliseRules,
    ruleListProblems,
    ruleListSchema,
    VpcRulesEntry,
} from "./alertConfig";
import { isRecord, isWholeNumberIn, numberSchema, show, wholeNumber } from "./configKit";
import { AWS_REGIONS, AwsRegion, isAwsRegion } from "./regions";
import { CloudWatchTrafficType, DEFAULTS, LakeFieldsChoice } from "../components/defaults";
import { lakeFieldsProblems, resolveLakeFields } from "../components/lake/layout";
import {
    ACCOUNT_ID,
    ACCOUNT_NAME,
    ALLOWED as SHARED_ALLOWED,
    cidrProblem,
    ORGANIZATION_ID,
    ROLE_ARN,
    VPC_ID,
    VPC_NAME,
} from "../components/validation";
import {
    LOG_RETENTION_DAYS,
    MAX_BYTES_SCANNED_CUTOFF_GB,
    MAX_LIFECYCLE_DAYS,
    MIN_BYTES_SCANNED_CUTOFF_GB,
    MIN_IA_TRANSITION_DAYS,
} from "../components/awsLimits";

export const CONFIG_NAMESPACE = "vpc-flow-monitor";

export { CloudWatchTrafficType, DEFAULTS } from "../components/defaults";
export {
    LOG_RETENTION_DAYS,
    MAX_LIFECYCLE_DAYS,
    MIN_IA_TRANSITION_DAYS,
    VPC_PREFIX_MAX,
    VPC_PREFIX_MIN,
} from "../components/awsLimits";

export type VpcConfig = (
    | { readonly name: string; readonly kind: "create"; readonly cidrBlock: string }
    | { readonly name: string; readonly kind: "adopt"; readonly vpcId: string }
) & {
    /** This VPC's own alerting rules (`regions[].vpcs[].rules`), on top of the stack's. */
    readonly rules: readonly AlertRule[];
};

export interface RegionConfig {
    readonly region: AwsRegion;
    readonly vpcs: readonly VpcConfig[];
    /** Also monitor the VPCs found here at deploy time; absent: no discovery. */
    readonly discover?: { readonly tags?: Readonly<Record<string, string>>; readonly exclude?: readonly string[] };
}

/** An account of `accounts` other than the home account: reached by assuming `roleArn`. */
export interface AccountConfig {
    readonly name: string;
    readonly id: string;
    readonly roleArn: string;
    readonly regions: readonly RegionConfig[];
}

export interface StackConfig {
    /** `aws:region`: the lake, Glue and Athena live here. */
    readonly homeRegion: AwsRegion;
    /** The home account's regions: top-level `regions`, or those of the `accounts` entry without a roleArn. */
    readonly regions: readonly RegionConfig[];
    /** The `accounts` entry without a roleArn, when there is one: its id pins the home providers. */
    readonly homeAccount?: { readonly name: string; readonly id: string };
    /** The other accounts of `accounts`, in the order given; absent without any. */
    readonly accounts?: readonly AccountConfig[];
    readonly flowLogs: {
        readonly cloudWatchTrafficType: CloudWatchTrafficType;
        readonly logRetentionDays: number;
    };
    readonly lake: {
        readonly expireAfterDays: number;
        readonly transitionToInfrequentAccessDays: number;
        readonly bytesScannedCutoffGb: number;
        /** Admit delivery from every account of this organisation instead of the listed ones. */
        readonly organizationId?: string;
        /** `lake.fields`: the lake format (a choice, or field names in the field table's order). */
        readonly fields: LakeFieldsChoice;
    };
    readonly alerts: AlertsConfig;
    /** `insights.contributorInsights`: the per-region Contributor Insights rules. */
    readonly insights: { readonly contributorInsights: boolean };
    /**
     * `protectData`: protect the lake bucket and the log groups from deletion. Undefined means the
     * environment's default (see protection.ts).
     */
    readonly protectData?: boolean;
}

/** One thing wrong with the configuration. `path` is the key path relative to the project namespace. */
export interface ConfigProblem {
    readonly path: string;
    readonly message: string;
}

/** Thrown when the configuration is invalid; carries every problem, not just the first. */
export class ConfigError extends Error {
    constructor(readonly problems: readonly ConfigProblem[]) {
        super(formatProblems(problems));
        this.name = "ConfigError";
    }
}

export function formatProblems(problems: readonly ConfigProblem[], source?: string): string {
    const where = source ? ` in ${source}` : "";
    const header = `Invalid vpc-flow-monitor configuration${where}: ${problems.length} problem${problems.length === 1 ? "" : "s"}`;
    return [header, ...problems.map((p) => `  - ${p.path}: ${p.message}`)].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Shape

const ALLOWED = {
    vpcName: SHARED_ALLOWED.vpcName,
    vpcId: SHARED_ALLOWED.vpcId,
    cidr: SHARED_ALLOWED.cidr,
    region: "an AWS commercial region such as us-east-1 (GovCloud and China are not supported)",
    accountName: SHARED_ALLOWED.accountName,
    accountId: SHARED_ALLOWED.accountId,
    roleArn: SHARED_ALLOWED.roleArn,
    organizationId: SHARED_ALLOWED.organizationId,
    retention: SHARED_ALLOWED.retention,
} as const;

const ACCOUNTS_ALLOWED = "a list of { name, id, roleArn (not for the home account), regions }";

const vpcSchema = z.strictObject({
    name: z
        .string({ error: `not a string. Allowed: ${ALLOWED.vpcName}` })
        .regex(VPC_NAME, { error: `not a valid VPC name. Allowed: ${ALLOWED.vpcName}` }),
    cidrBlock: z
        .string({ error: `not a string. Allowed: ${ALLOWED.cidr}` })
        .superRefine((value, ctx) => {
            const problem = cidrProblem(value);
            if (problem) ctx.addIssue({ code: "custom", message: `${problem}. Allowed: ${ALLOWED.cidr}` });
        })
        .optional(),
    vpcId: z
        .string({ error: `not a string. Allowed: ${ALLOWED.vpcId}` })
        .regex(VPC_ID, { error: `not a VPC id. Allowed: ${ALLOWED.vpcId}` })
        .optional(),
    rules: ruleListSchema.optional(),
    // "Exactly one of cidrBlock or vpcId" relates two values: see crossFieldProblems.
});

const regionSchema = z.strictObject({
    region: z
        .string({ error: `not a string. Allowed: ${ALLOWED.region}` })
        .refine(isAwsRegion, { error: `unknown region. Allowed: ${ALLOWED.region}` }),
    // At least one VPC unless the region discovers: see crossFieldProblems.
    vpcs: z.array(vpcSchema, { error: "not a list. Allowed: a list of { name, cidrBlock | vpcId }" }).optional(),
    discover: z
        .strictObject(
            {
                tags: z
                    .record(z.string(), z.string({ error: "not a string. Allowed: a tag value" }), {
                        error: "not a mapping. Allowed: a mapping of tag keys to values",
                    })
                    .optional(),
                exclude: z
                    .array(
                        z
                            .string({ error: `not a string. Allowed: ${ALLOWED.vpcId}` })
                            .regex(VPC_ID, { error: `not a VPC id. Allowed: ${ALLOWED.vpcId}` }),
                        { error: `not a list. Allowed: a list of VPC ids` },
                    )
                    .optional(),
            },
            { error: "not a mapping. Allowed: { tags?, exclude? }" },
        )
        .optional(),
});

const regionListSchema = z
    .array(regionSchema, { error: "not a list. Allowed: a list of { region, vpcs }" })
    .min(1, { error: "at least one region is required. Allowed: a list of { region, vpcs }" });

const accountSchema = z.strictObject({
    name: z
        .string({ error: `not a string. Allowed: ${ALLOWED.accountName}` })
        .regex(ACCOUNT_NAME, { error: `not a valid account name. Allowed: ${ALLOWED.accountName}` }),
    id: z
        .string({ error: `not a string. Allowed: ${ALLOWED.accountId}` })
        .regex(ACCOUNT_ID, { error: `not an account id. Allowed: ${ALLOWED.accountId}` }),
    roleArn: z
        .string({ error: `not a string. Allowed: ${ALLOWED.roleArn}` })
        .regex(ROLE_ARN, { error: `not an IAM role ARN. Allowed: ${ALLOWED.roleArn}` })
        .optional(),
    regions: regionListSchema,
});

const projectSchema = z.strictObject({
    // Required unless `accounts` is given: see validateStackConfig.
    regions: regionListSchema.optional(),
    flowLogs: z
        .strictObject({
            cloudWatchTrafficType: z
                .enum([CloudWatchTrafficType.REJECT, CloudWatchTrafficType.ALL], {
                    error: "not a traffic type for the alarm log group. Allowed: REJECT or ALL",
                })
                .optional(),
            logRetentionDays: numberSchema(ALLOWED.retention)
                .refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), {
                    error: `not a retention CloudWatch Logs accepts. Allowed: ${ALLOWED.retention}`,
                })
                .optional(),
        })
        .optional(),
    lake: z
        .strictObject({
            expireAfterDays: wholeNumber(1, MAX_LIFECYCLE_DAYS, "days").optional(),
            transitionToInfrequentAccessDays: wholeNumber(
                MIN_IA_TRANSITION_DAYS,
                MAX_LIFECYCLE_DAYS,
                "days",
            ).optional(),
            bytesScannedCutoffGb: wholeNumber(
                MIN_BYTES_SCANNED_CUTOFF_GB,
                MAX_BYTES_SCANNED_CUTOFF_GB,
                "GB",
            ).optional(),
            organizationId: z
                .string({ error: `not a string. Allowed: ${ALLOWED.organizationId}` })
                .regex(ORGANIZATION_ID, { error: `not an AWS Organizations id. Allowed: ${ALLOWED.organizationId}` })
                .optional(),
            fields: z
                .unknown()
                .superRefine((value, ctx) => {
                    for (const p of lakeFieldsProblems(value)) {
                        ctx.addIssue({
                            code: "custom",
                            path: p.index === undefined ? [] : [p.index],
                            message: `${p.what}. Allowed: ${p.allowed}`,
                        });
                    }
                })
                .optional(),
        })
        .optional(),
    alerts: alertsSchema.optional(),
    insights: z
        .strictObject({
            contributorInsights: z
                .boolean({
                    error: "not a boolean. Allowed: true (Contributor Insights rules per region) or false (none: the dashboard's Logs Insights widgets answer on demand)",
                })
                .optional(),
        })
        .optional(),
    protectData: z
        .boolean({
            error: "not a boolean. Allowed: true (protect the lake bucket and log groups from deletion) or false",
        })
        .optional(),
    accounts: z
        .array(accountSchema, { error: `not a list. Allowed: ${ACCOUNTS_ALLOWED}` })
        .min(1, { error: `no account. Allowed: ${ACCOUNTS_ALLOWED}, or leave accounts out` })
        .optional(),
});

// ---------------------------------------------------------------------------------------------
// Validation

/**
 * Validates the raw stack configuration: a map of full config keys (`aws:region`,
 * `vpc-flow-monitor:regions`, ...) to values already decoded from YAML or JSON. Keys of other
 * namespaces (aws:*, pulumi:*) are left to their owners, except `aws:region`, the home region.
 */
export function validateStackConfig(raw: Readonly<Record<string, unknown>>): StackConfig {
    // fromEntries defines own properties: an assignment would turn `vpc-flow-monitor:__proto__` into the
    // prototype instead of an unknown key.
    const projectValues: Record<string, unknown> = Object.fromEntries(
        Object.entries(raw)
            .filter(([key]) => key.startsWith(`${CONFIG_NAMESPACE}:`))
            .map(([key, value]) => [key.slice(CONFIG_NAMESPACE.length + 1), value]),
    );

    const problems: ConfigProblem[] = [];
    const homeRegion = raw["aws:region"];
    if (homeRegion === undefined) {
        problems.push({
            path: "aws:region",
            message: `missing: the home region of the lake. Allowed: ${ALLOWED.region}`,
        });
    } else if (!isAwsRegion(homeRegion)) {
        problems.push({
            path: "aws:region",
            message: `unknown region; given ${show(homeRegion)}. Allowed: ${ALLOWED.region}`,
        });
    }

    if (projectValues.regions === undefined && projectValues.accounts === undefined) {
        problems.push({
            path: "regions",
            message: "missing. Allowed: a list of { region, vpcs } with at least one region",
        });
    }
    const parsed = projectSchema.safeParse(projectValues, { reportInput: true });
    if (!parsed.success) {
        for (const issue of parsed.error.issues) problems.push(...describeIssue(issue, projectValues));
    }
    problems.push(...crossFieldProblems(projectValues));

    if (problems.length > 0 || !parsed.success) {
        throw new ConfigError(problems);
    }
    return normalise(homeRegion as AwsRegion, parsed.data);
}

function normaliseRegions(regions: z.infer<typeof regionListSchema>): RegionConfig[] {
    return regions.map((r) => ({
        region: r.region as AwsRegion,
        ...(r.discover ? { discover: r.discover } : {}),
        vpcs: (r.vpcs ?? []).map((v): VpcConfig =>
            v.cidrBlock !== undefined
                ? { name: v.name, kind: "create", cidrBlock: v.cidrBlock, rules: normaliseRules(v.rules) }
                : { name: v.name, kind: "adopt", vpcId: v.vpcId as string, rules: normaliseRules(v.rules) },
        ),
    }));
}

function normalise(homeRegion: AwsRegion, data: z.infer<typeof projectSchema>): StackConfig {
    const accounts = data.accounts ?? [];
    const homeEntry = accounts.find((a) => a.roleArn === undefined);
    const members: AccountConfig[] = accounts
        .filter((a) => a.roleArn !== undefined)
        .map((a) => ({ name: a.name, id: a.id, roleArn: a.roleArn as string, regions: normaliseRegions(a.regions) }));
    return {
        homeRegion,
        regions: normaliseRegions(data.regions ?? homeEntry?.regions ?? []),
        ...(homeEntry ? { homeAccount: { name: homeEntry.name, id: homeEntry.id } } : {}),
        ...(members.length > 0 ? { accounts: members } : {}),
        flowLogs: {
            cloudWatchTrafficType: data.flowLogs?.cloudWatchTrafficType ?? DEFAULTS.cloudWatchTrafficType,
            logRetentionDays: data.flowLogs?.logRetentionDays ?? DEFAULTS.logRetentionDays,
        },
        lake: {
            expireAfterDays: data.lake?.expireAfterDays ?? DEFAULTS.expireAfterDays,
            transitionToInfrequentAccessDays:
                data.lake?.transitionToInfrequentAccessDays ?? DEFAULTS.transitionToInfrequentAccessDays,
            bytesScannedCutoffGb: data.lake?.bytesScannedCutoffGb ?? DEFAULTS.bytesScannedCutoffGb,
            ...(data.lake?.organizationId !== undefined ? { organizationId: data.lake.organizationId } : {}),
            fields: normaliseLakeFields(data.lake?.fields as LakeFieldsChoice | undefined),
        },
        alerts: normaliseAlerts(data.alerts),
        insights: { contributorInsights: data.insights?.contributorInsights ?? true },
        ...(data.protectData !== undefined ? { protectData: data.protectData } : {}),
    };
}

/** A named choice stays as given; a list is put in the field table's order. */
function normaliseLakeFields(fields: LakeFieldsChoice | undefined): LakeFieldsChoice {
    if (fields === undefined) return LakeFieldsChoice.DEFAULT;
    if (typeof fields === "string") return fields;
    return resolveLakeFields(fields).map((field) => field.name);
}

/** Rules between values: checked on the raw input so they show up alongside shape problems. */
function crossFieldProblems(values: Record<string, unknown>): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const regions = Array.isArray(values.regions) ? values.regions : [];

    const trafficType = isRecord(values.flowLogs) ? values.flowLogs.cloudWatchTrafficType : undefined;
    if (isRecord(values.alerts)) problems.push(...ruleListProblems(values.alerts.rules, "alerts.rules", trafficType));

    const firstPathOfName = new Map<string, string>();
    const firstAdoption = new Map<string, { path: string; region: unknown }>();
    const alertingVpcs: VpcRulesEntry[] = [];
    const regionListProblems = (regionsPath: string, regions: readonly unknown[]): void => {
        const firstPathOfRegion = new Map<string, string>();
        regions.forEach((region: unknown, ri: number) => {
            if (!isRecord(region)) return;
            if (typeof region.region === "string") {
                const earlier = firstPathOfRegion.get(region.region);
                if (earlier) {
                    problems.push({
                        path: `${regionsPath}[${ri}].region`,
                        message: `duplicate region; given ${show(region.region)}, already listed at ${earlier}. Allowed: each region once, with all its VPCs`,
                    });
                } else {
                    firstPathOfRegion.set(region.region, `${regionsPath}[${ri}].region`);
                }
            }
            if (region.discover === undefined && region.vpcs === undefined) {
                problems.push({
                    path: `${regionsPath}[${ri}].vpcs`,
                    message: "missing. Allowed: a list of { name, cidrBlock | vpcId }, or discover",
                });
            } else if (region.discover === undefined && Array.isArray(region.vpcs) && region.vpcs.length === 0) {
                problems.push({
                    path: `${regionsPath}[${ri}].vpcs`,
                    message:
                        "a region needs at least one VPC; given []. Allowed: a list of { name, cidrBlock | vpcId }, or discover",
                });
            }
            const vpcs = Array.isArray(region.vpcs) ? region.vpcs : [];
            vpcs.forEach((vpc: unknown, vi: number) => {
                if (!isRecord(vpc)) return;
                const hasCidr = vpc.cidrBlock !== undefined;
                const hasId = vpc.vpcId !== undefined;
                if (hasCidr === hasId) {
                    problems.push({
                        path: `${regionsPath}[${ri}].vpcs[${vi}]`,
                        message: `${hasCidr ? "both cidrBlock and vpcId are set" : "neither cidrBlock nor vpcId is set"}; given ${show(vpc)}. Allowed: exactly one of cidrBlock (create a VPC) or vpcId (adopt an existing VPC)`,
                    });
                }
                problems.push(...ruleListProblems(vpc.rules, `${regionsPath}[${ri}].vpcs[${vi}].rules`, trafficType));
                if (typeof vpc.vpcId === "string" && VPC_ID.test(vpc.vpcId)) {
                    const path = `${regionsPath}[${ri}].vpcs[${vi}].vpcId`;
                    const earlier = firstAdoption.get(vpc.vpcId);
                    if (earlier) {
                        const where = earlier.region === region.region ? "" : ` in ${show(earlier.region)}`;
                        problems.push({
                            path,
                            message: `VPC adopted twice; given ${show(vpc.vpcId)}, already adopted at ${earlier.path}${where}. Allowed: each existing VPC once in the stack (two monitors of one VPC would give it four flow logs, put every record in the lake twice and raise every alarm twice)`,
                        });
                    } else {
                        firstAdoption.set(vpc.vpcId, { path, region: region.region });
                    }
                }
                if (typeof vpc.name !== "string") return;
                const path = `${regionsPath}[${ri}].vpcs[${vi}].name`;
                const earlier = firstPathOfName.get(vpc.name);
                if (earlier) {
                    problems.push({
                        path,
                        message: `duplicate VPC name; given ${show(vpc.name)}, already used at ${earlier}. Allowed: a name unique in the stack, across all regions`,
                    });
                } else {
                    firstPathOfName.set(vpc.name, path);
                    if (VPC_NAME.test(vpc.name))
                        alertingVpcs.push({
                            path: `${regionsPath}[${ri}].vpcs[${vi}]`,
                            name: vpc.name,
                            rules: vpc.rules,
                            region: typeof region.region === "string" ? region.region : undefined,
                        });
                }
            });
        });
    };
    regionListProblems("regions", regions);
    problems.push(...accountProblems(values, regionListProblems));

    problems.push(...alertingProblems(values.alerts, alertingVpcs));

    const lake = values.lake;
    if (isRecord(lake)) {
        // Compared only when both values are valid on their own (a default counts): a value already
        // reported as out of range or of the wrong type would otherwise be reported twice, or be
        // compared with a number the user never meant.
        const expire = lake.expireAfterDays ?? DEFAULTS.expireAfterDays;
        const transition = lake.transitionToInfrequentAccessDays ?? DEFAULTS.transitionToInfrequentAccessDays;
        const defaulted = lake.transitionToInfrequentAccessDays === undefined ? " (the default)" : "";
        if (
            isWholeNumberIn(expire, 1, MAX_LIFECYCLE_DAYS) &&
            isWholeNumberIn(transition, MIN_IA_TRANSITION_DAYS, MAX_LIFECYCLE_DAYS) &&
            expire <= transition
        ) {
            problems.push({
                path: "lake.expireAfterDays",
                message: `expires the records before or when they move to Infrequent Access; given ${expire} with transitionToInfrequentAccessDays ${transition}${defaulted}. Allowed: a value greater than transitionToInfrequentAccessDays`,
            });
        }
    }
    return problems;
}

/**
 * What relates the entries of `accounts`: names and ids unique, a role of the account itself, one
 * home account (no roleArn) at most and not beside top-level regions. Each account's regions are
 * checked by `regionList`, which shares the stack-wide VPC-name and adoption checks.
 */
function accountProblems(
    values: Record<string, unknown>,
    regionList: (path: string, regions: readonly unknown[]) => void,
): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    if (!Array.isArray(values.accounts)) return problems;
    const firstName = new Map<string, string>();
    const firstId = new Map<string, string>();
    let homePath: string | undefined;
    values.accounts.forEach((account: unknown, ai: number) => {
        if (!isRecord(account)) return;
        const at = `accounts[${ai}]`;
        if (typeof account.name === "string") {
            const earlier = firstName.get(account.name);
            if (earlier) {
                problems.push({
                    path: `${at}.name`,
                    message: `duplicate account name; given ${show(account.name)}, already used at ${earlier}. Allowed: a name unique in the stack`,
                });
            } else firstName.set(account.name, `${at}.name`);
        }
        if (typeof account.id === "string" && ACCOUNT_ID.test(account.id)) {
            const earlier = firstId.get(account.id);
            if (earlier) {
                problems.push({
                    path: `${at}.id`,
                    message: `account listed twice; given ${show(account.id)}, already listed at ${earlier}. Allowed: each account once, with all its regions`,
                });
            } else firstId.set(account.id, `${at}.id`);
        }
        if (typeof account.roleArn === "string") {
            const roleAccount = ROLE_ARN.exec(account.roleArn)?.[2];
            if (
                roleAccount !== undefined &&
                typeof account.id === "string" &&
                ACCOUNT_ID.test(account.id) &&
                roleAccount !== account.id
            ) {
                problems.push({
                    path: `${at}.roleArn`,
                    message: `a role of account ${roleAccount}, not of ${account.id}; given ${show(account.roleArn)}. Allowed: a role in the account itself (its providers only accept that account)`,
                });
            }
        } else if (account.roleArn === undefined) {
            if (homePath !== undefined) {
                problems.push({
                    path: `${at}.roleArn`,
                    message: `missing, and ${homePath} is already the home account (the one without a roleArn). Allowed: ${ALLOWED.roleArn}`,
                });
            } else {
                homePath = at;
                if (values.regions !== undefined) {
                    problems.push({
                        path: `${at}.roleArn`,
                        message: `missing, so this is the home account, whose regions are already given by the top-level regions. Allowed: ${ALLOWED.roleArn}, or move the top-level regions into this account`,
                    });
                }
            }
        }
        if (Array.isArray(account.regions)) regionList(`${at}.regions`, account.regions);
    });
    return problems;
}

/** Turns one zod issue into problems with a key path, the value given and what is allowed. */
function describeIssue(issue: z.core.$ZodIssue, root: unknown): ConfigProblem[] {
    const path = renderPath(issue.path);
    const given = valueAt(root, issue.path);
    switch (issue.code) {
        case "unrecognized_keys":
            return issue.keys.map((key) => ({
                path: renderPath([...issue.path, key]),
                message: `unknown key. Allowed keys here: ${allowedKeys(issue.path).join(", ")}`,
            }));
        case "invalid_type":
            if (given === undefined) {
                return [{ path, message: `missing. ${requiredHint(issue.path, issue.message)}` }];
            }
            if (issue.expected === "object") {
                return [
                    {
                        path,
                        message: `not a mapping; given ${show(given)}. Allowed: a mapping with the keys ${allowedKeys(issue.path).join(", ")}`,
                    },
                ];
            }
            return [{ path, message: withGiven(issue.message, given, issue.expected) }];
        default:
            return [{ path, message: withGiven(issue.message, given) }];
    }
}

function withGiven(message: string, given: unknown, expected?: string): string {
    // Our own messages read "problem. Allowed: ..."; insert the given value after the problem.
    const cut = message.indexOf(". Allowed:");
    if (cut >= 0) {
        return `${message.slice(0, cut)}; given ${show(given)}${message.slice(cut)}`;
    }
    if (expected) {
        return `wrong type; given ${show(given)}. Allowed: ${TYPE_WORDS[expected] ?? expected}`;
    }
    return `${message}; given ${show(given)}`;
}

const TYPE_WORDS: Record<string, string> = {
    object: "a mapping of keys to values",
    array: "a list",
    string: "a string",
    number: "a number",
};

function requiredHint(path: PropertyKey[], schemaMessage: string): string {
    const leaf = path[path.length - 1];
    if (leaf === "regions") return "Allowed: a list of { region, vpcs } with at least one region";
    if (leaf === "region") return `Allowed: ${ALLOWED.region}`;
    if (leaf === "vpcs") return "Allowed: a list of { name, cidrBlock | vpcId }";
    if (leaf === "name" && !path.includes("rules")) return `Allowed: ${ALLOWED.vpcName}`;
    // Any other key: the schema's own message says what is allowed there (slack.channelId, ...).
    const allowed = schemaMessage.indexOf("Allowed:");
    return allowed >= 0 ? schemaMessage.slice(allowed) : "This key is required";
}

/** The keys a strict object accepts, found by walking the schema along the zod issue's path. */
function allowedKeys(path: PropertyKey[]): string[] {
    let schema: z.core.$ZodType = projectSchema;
    for (const segment of path) {
        schema = unwrap(schema);
        if (typeof segment === "number" && schema instanceof z.ZodArray) {
            schema = schema.element as z.core.$ZodType;
        } else if (schema instanceof z.ZodObject) {
            schema = schema.shape[segment as string] as z.core.$ZodType;
        }
    }
    schema = unwrap(schema);
    return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
    let current = schema;
    // Optional and refined wrappers hide the object or array inside.
    for (;;) {
        if (current instanceof z.ZodOptional) current = current.unwrap() as z.core.$ZodType;
        else if (current instanceof z.ZodPipe) current = current.in as z.core.$ZodType;
        else return current;
    }
}

/** `regions[1].vpcs[0].cidrBlock`; a key that is not a plain word is quoted (`lake[""]`, `lake["a.b"]`) so the path stays unambiguous and never empty. */
function renderPath(path: PropertyKey[]): string {
    return path.reduce<string>((out, segment) => {
        if (typeof segment === "number") return `${out}[${segment}]`;
        const key = String(segment);
        if (!PLAIN_KEY.test(key)) return `${out}[${JSON.stringify(key)}]`;
        return out ? `${out}.${key}` : key;
    }, "");
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function valueAt(root: unknown, path: PropertyKey[]): unknown {
    let current: unknown = root;
    for (const segment of path) {
        if (current === null || typeof current !== "object") return undefined;
        current = (current as Record<PropertyKey, unknown>)[segment];
    }
    return current;
}

export { AWS_REGIONS, show };
