/**
 * The rules the flow log pipeline must keep: where the records land (bucket, log group), who hears
 * the alarms, what Athena may do, and what the delivery role may do.
 *
 * Resource policies get a resource's INPUTS (checked by the provider) one at a time; stack policies
 * get every resource's OUTPUTS and follow links (../links.ts). Values not known yet (preview) are
 * skipped here and decided at `pulumi up`, where the engine runs the policies again.
 */
import * as aws from "@pulumi/aws";
import {
    PolicyResource,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
    validateResourceOfType,
} from "@pulumi/policy";
import { deniesInsecureTransport, statementsOf, wildcardGrants } from "../documents";
import { StackGraph } from "../graph";
import {
    alarmActionsOf,
    attachedPolicy,
    attachedToBucket,
    bucketsOfFlowLog,
    destinationType,
    policiesOnRole,
    policyByArn,
    roleOfFlowLog,
} from "../links";
import { BUCKET_ENCRYPTION_TYPES, DestinationType, TYPES } from "../types";
import { UNKNOWN, read, readArray, readBoolean, readNumber, readString } from "../values";

// ---------------------------------------------------------------------------------------------
// flow-log-bucket-secure
// ---------------------------------------------------------------------------------------------

export const SSE_ALGORITHMS = ["AES256", "aws:kms", "aws:kms:dsse"] as const;
const PUBLIC_ACCESS_FLAGS = [
    "blockPublicAcls",
    "blockPublicPolicy",
    "ignorePublicAcls",
    "restrictPublicBuckets",
] as const;

export interface BucketSecureConfig {
    readonly sseAlgorithms?: readonly string[];
    readonly requireTlsOnly?: boolean;
    readonly requirePublicAccessBlock?: boolean;
}

export const flowLogBucketSecure: StackValidationPolicy = {
    name: "flow-log-bucket-secure",
    description:
        "Every S3 bucket that receives flow logs blocks public access, encrypts at rest and refuses requests without TLS.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            sseAlgorithms: {
                type: "array",
                items: { type: "string", enum: [...SSE_ALGORITHMS] },
                minItems: 1,
                default: [...SSE_ALGORITHMS],
                description: "Default-encryption algorithms that count.",
            },
            requireTlsOnly: {
                type: "boolean",
                default: true,
                description: "Require a bucket policy that denies requests without TLS.",
            },
            requirePublicAccessBlock: {
                type: "boolean",
                default: true,
                description: "Require all four public access block settings.",
            },
        },
    },
    validateStack: (args: StackValidationArgs, reportViolation) => {
        const config = args.getConfig<BucketSecureConfig>();
        const graph = StackGraph.of(args.resources);
        const buckets = new Map<string, PolicyResource>();
        for (const flowLog of graph.ofType(TYPES.FlowLog)) {
            if (destinationType(graph, flowLog) !== DestinationType.S3) continue;
            for (const bucket of bucketsOfFlowLog(graph, flowLog)) buckets.set(bucket.urn, bucket);
        }
        // An account-wide block covers every bucket.
        const accountBlocked = graph
            .ofType(TYPES.AccountPublicAccessBlock)
            .some((block) => missingFlags(block).length === 0);
        for (const bucket of buckets.values()) {
            const problems: string[] = [];
            if ((config.requirePublicAccessBlock ?? true) && !accountBlocked)
                problems.push(...publicAccessProblems(graph, bucket));
            problems.push(...encryptionProblems(graph, bucket, config.sseAlgorithms ?? SSE_ALGORITHMS));
            if (config.requireTlsOnly ?? true) problems.push(...tlsProblems(graph, bucket));
            if (problems.length > 0) {
                reportViolation(
                    `Flow log bucket ${graph.label(bucket)} is not secured: ${problems.join("; ")}.`,
                    bucket.urn,
                );
            }
        }
    },
};

function missingFlags(block: PolicyResource): string[] {
    return PUBLIC_ACCESS_FLAGS.filter((flag) => {
        const value = readBoolean(block.props, flag);
        return value !== true && value !== UNKNOWN;
    });
}

function publicAccessProblems(graph: StackGraph, bucket: PolicyResource): string[] {
    const blocks = attachedToBucket(graph, bucket, [TYPES.BucketPublicAccessBlock]);
    if (blocks.length === 0)
        return ["no public access block (aws.s3.BucketPublicAccessBlock with all four settings true)"];
    if (blocks.some((block) => missingFlags(block).length === 0)) return [];
    return [`public access block "${blocks[0].name}" leaves ${missingFlags(blocks[0]).join(", ")} off`];
}

function encryptionProblems(graph: StackGraph, bucket: PolicyResource, allowed: readonly string[]): string[] {
    const algorithms: unknown[] = [];
    for (const config of attachedToBucket(graph, bucket, BUCKET_ENCRYPTION_TYPES)) {
        const rules = readArray(config.props, "rules");
        if (rules === UNKNOWN) return [];
        for (let i = 0; i < (rules?.length ?? 0); i++)
            algorithms.push(read(rules, i, "applyServerSideEncryptionByDefault", "sseAlgorithm"));
    }
    // The bucket's own (deprecated) inline block; AWS reports its default SSE-S3 there too.
    const inline = read(bucket.props, "serverSideEncryptionConfiguration");
    if (inline === UNKNOWN) return [];
    const inlineRules = readArray(inline, "rules");
    for (const rule of [read(inline, "rule"), ...(inlineRules === UNKNOWN ? [UNKNOWN] : (inlineRules ?? []))]) {
        if (rule === UNKNOWN) return [];
        if (rule !== undefined) algorithms.push(read(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm"));
    }
    if (algorithms.some((a) => a === UNKNOWN || (typeof a === "string" && allowed.includes(a)))) return [];
    const given = algorithms.filter((a) => typeof a === "string");
    return given.length === 0
        ? ["no default encryption (aws.s3.BucketServerSideEncryptionConfiguration)"]
        : [`default encryption ${given.join(", ")} is not one of ${allowed.join(", ")}`];
}

function tlsProblems(graph: StackGraph, bucket: PolicyResource): string[] {
    const documents = [
        ...attachedToBucket(graph, bucket, [TYPES.BucketPolicy]).map((p) => read(p.props, "policy")),
        read(bucket.props, "policy"),
    ];
    for (const document of documents) {
        if (document === undefined || document === "") continue;
        const statements = statementsOf(document);
        if (statements === UNKNOWN) return [];
        if (!(statements instanceof Error) && deniesInsecureTransport(statements)) return [];
    }
    return [
        "no bucket policy denies requests without TLS (a Deny of s3:* for everyone when aws:SecureTransport is false)",
    ];
}

// ---------------------------------------------------------------------------------------------
// log-group-retention-set
// ---------------------------------------------------------------------------------------------

export interface RetentionConfig {
    readonly minRetentionDays?: number;
    readonly maxRetentionDays?: number;
}

export const logGroupRetentionSet: ResourceValidationPolicy = {
    name: "log-group-retention-set",
    description: "Every CloudWatch log group sets a retention: flow log records kept forever are paid for forever.",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            minRetentionDays: {
                type: "integer",
                minimum: 1,
                default: 1,
                description: "Shortest retention allowed, in days.",
            },
            maxRetentionDays: {
                type: "integer",
                minimum: 1,
                default: 3653,
                description: "Longest retention allowed, in days.",
            },
        },
    },
    validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (logGroup, args, reportViolation) => {
        const config = args.getConfig<RetentionConfig>();
        const min = config.minRetentionDays ?? 1;
        const max = config.maxRetentionDays ?? 3653;
        const days = readNumber(logGroup, "retentionInDays");
        if (days === UNKNOWN) return;
        if (days === undefined || days === 0) {
            reportViolation(
                `Log group "${args.name}" keeps its records forever; set retentionInDays (${min} to ${max} days).`,
            );
        } else if (days < min || days > max) {
            reportViolation(`Log group "${args.name}" keeps its records ${days} days; allowed: ${min} to ${max}.`);
        }
    }),
};

// ---------------------------------------------------------------------------------------------
// alarms-have-actions
// ---------------------------------------------------------------------------------------------

export interface AlarmActionsConfig {
    readonly requireOkActions?: boolean;
}

export const alarmsHaveActions: ResourceValidationPolicy = {
    name: "alarms-have-actions",
    description: "Every metric alarm notifies someone: at least one alarm action, and actions enabled.",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            requireOkActions: {
                type: "boolean",
                default: false,
                description: "Also require an OK action, so recoveries are announced too.",
            },
        },
    },
    validateResource: validateResourceOfType(aws.cloudwatch.MetricAlarm, (alarm, args, reportViolation) => {
        const actions = alarmActionsOf(alarm);
        if (!actions.has) {
            reportViolation(
                `Metric alarm "${args.name}" tells no one: ${actions.reason}; add the alarm topic to alarmActions.`,
            );
            return;
        }
        if (args.getConfig<AlarmActionsConfig>().requireOkActions) {
            const ok = readArray(alarm, "okActions");
            if (ok !== UNKNOWN && (ok === undefined || ok.length === 0))
                reportViolation(`Metric alarm "${args.name}" has no OK actions; recoveries go unannounced.`);
        }
    }),
};

// ---------------------------------------------------------------------------------------------
// athena-workgroup-enforced
// ---------------------------------------------------------------------------------------------

export const ATHENA_ENCRYPTION_OPTIONS = ["SSE_S3", "SSE_KMS", "CSE_KMS"] as const;

export interface AthenaConfig {
    readonly requireResultEncryption?: boolean;
    readonly requireBytesScannedCutoff?: boolean;
}

export const athenaWorkgroupEnforced: ResourceValidationPolicy = {
    name: "athena-workgroup-enforced",
    description:
        "Every Athena workgroup enforces its configuration (clients cannot override where results go or how they are encrypted), encrypts results and caps the bytes one query scans.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            requireResultEncryption: {
                type: "boolean",
                default: true,
                description: "Require encrypted query results.",
            },
            requireBytesScannedCutoff: {
                type: "boolean",
                default: true,
                description: "Require a per-query bytes-scanned cutoff.",
            },
        },
    },
    validateResource: validateResourceOfType(aws.athena.Workgroup, (workgroup, args, reportViolation) => {
        const config = args.getConfig<AthenaConfig>();
        const configuration = read(workgroup, "configuration");
        if (configuration === UNKNOWN) return;
        if (configuration === undefined) {
            reportViolation(
                `Athena workgroup "${args.name}" has no configuration: clients choose their own result location and encryption.`,
            );
            return;
        }
        const problems: string[] = [];
        // The provider's default is true; only an explicit false lets clients override.
        if (readBoolean(configuration, "enforceWorkgroupConfiguration") === false)
            problems.push("enforceWorkgroupConfiguration is false");
        if (config.requireResultEncryption ?? true) {
            const option = readString(
                configuration,
                "resultConfiguration",
                "encryptionConfiguration",
                "encryptionOption",
            );
            if (option !== UNKNOWN && !(ATHENA_ENCRYPTION_OPTIONS as readonly string[]).includes(option ?? "")) {
                problems.push(
                    `query results are not encrypted (resultConfiguration.encryptionConfiguration.encryptionOption is ${option ?? "not set"})`,
                );
            }
        }
        if (config.requireBytesScannedCutoff ?? true) {
            const cutoff = readNumber(configuration, "bytesScannedCutoffPerQuery");
            if (cutoff === undefined) problems.push("no bytesScannedCutoffPerQuery: one query can scan the whole lake");
        }
        if (problems.length > 0) reportViolation(`Athena workgroup "${args.name}": ${problems.join("; ")}.`);
    }),
};

// ---------------------------------------------------------------------------------------------
// flow-log-role-no-wildcard-actions
// ---------------------------------------------------------------------------------------------

/**
 * AWS managed policies whose documents grant wildcard actions (`*`, `service:*`, `service:Get*`,
 * or NotAction), recognised by ARN since their documents are not in the stack. A flow log
 * delivery role needs none of them: logs:CreateLogStream, logs:PutLogEvents and
 * logs:DescribeLogStreams on its log group are all it uses.
 */
export const WILDCARD_MANAGED_POLICIES = [
    "AdministratorAccess",
    "PowerUserAccess",
    "ReadOnlyAccess",
    "ViewOnlyAccess",
    "CloudWatchFullAccess",
    "CloudWatchFullAccessV2",
    "CloudWatchReadOnlyAccess",
    "CloudWatchLogsFullAccess",
    "CloudWatchLogsReadOnlyAccess",
    "CloudWatchEventsFullAccess",
    "AmazonEC2FullAccess",
    "AmazonS3FullAccess",
    "AmazonKinesisFirehoseFullAccess",
    "AWSLambda_FullAccess",
    "IAMFullAccess",
] as const;

export interface RoleWildcardConfig {
    readonly allowedActions?: readonly string[];
}

export const flowLogRoleNoWildcardActions: StackValidationPolicy = {
    name: "flow-log-role-no-wildcard-actions",
    description: "The IAM role a flow log delivers with grants named actions only: no `*`, no `logs:*`, no NotAction.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowedActions: {
                type: "array",
                items: { type: "string" },
                default: [],
                description:
                    "Wildcard actions to accept anyway, written exactly as in the policy (e.g. logs:Describe*).",
            },
        },
    },
    validateStack: (args: StackValidationArgs, reportViolation) => {
        const allowed = args.getConfig<RoleWildcardConfig>().allowedActions ?? [];
        const graph = StackGraph.of(args.resources);
        const flowLogsByRole = new Map<string, { role: PolicyResource; flowLogs: string[] }>();
        for (const flowLog of graph.ofType(TYPES.FlowLog)) {
            const role = roleOfFlowLog(graph, flowLog);
            if (!role) continue;
            const entry = flowLogsByRole.get(role.urn) ?? { role, flowLogs: [] };
            entry.flowLogs.push(flowLog.name);
            flowLogsByRole.set(role.urn, entry);
        }
        for (const { role, flowLogs } of flowLogsByRole.values()) {
            const grants: string[] = [];
            const inline = readArray(role.props, "inlinePolicies");
            for (let i = 0; i < (inline === UNKNOWN ? 0 : (inline?.length ?? 0)); i++) {
                grants.push(
                    ...wildcardsIn(
                        read(inline, i, "policy"),
                        `inline policy ${JSON.stringify(readString(inline, i, "name") ?? i)}`,
                        allowed,
                    ),
                );
            }
            // Managed policies attached in the role itself (managedPolicyArns, deprecated but still written).
            const managedArns = readArray(role.props, "managedPolicyArns");
            const managedHow = `managedPolicyArns of "${role.name}"`;
            for (const arn of managedArns === UNKNOWN ? [] : (managedArns ?? [])) {
                if (typeof arn === "string") grants.push(...managedPolicyGrants(graph, arn, managedHow, allowed));
            }
            // Unknown ARNs (preview): the customer policies of the stack they are computed from.
            if (managedArns === UNKNOWN || managedArns?.includes(UNKNOWN)) {
                for (const policy of graph.dependedOn(role, ["managedPolicyArns"], [TYPES.IamPolicy]))
                    grants.push(
                        ...wildcardsIn(
                            read(policy.props, "policy"),
                            `policy "${policy.name}" (${managedHow})`,
                            allowed,
                        ),
                    );
            }
            for (const attached of policiesOnRole(graph, role)) {
                if (attached.type === TYPES.RolePolicy) {
                    grants.push(
                        ...wildcardsIn(read(attached.props, "policy"), `role policy "${attached.name}"`, allowed),
                    );
                    continue;
                }
                const arn = readString(attached.props, "policyArn");
                if (typeof arn === "string") {
                    grants.push(...managedPolicyGrants(graph, arn, `attached by "${attached.name}"`, allowed));
                    continue;
                }
                const policy = attachedPolicy(graph, attached);
                if (policy)
                    grants.push(
                        ...wildcardsIn(
                            read(policy.props, "policy"),
                            `policy "${policy.name}" (attached by "${attached.name}")`,
                            allowed,
                        ),
                    );
            }
            if (grants.length > 0) {
                reportViolation(
                    `Flow log delivery role "${role.name}" (used by ${flowLogs.map((f) => `"${f}"`).join(", ")}) grants wildcard actions: ${grants.join("; ")}. Grant logs:CreateLogStream, logs:PutLogEvents and logs:DescribeLogStreams on the log group instead.`,
                    role.urn,
                );
            }
        }
    },
};

/** The wildcards a managed policy grants: an AWS managed one by name, a customer one in the stack by its document. */
function managedPolicyGrants(graph: StackGraph, arn: string, how: string, allowed: readonly string[]): string[] {
    const managed = /^arn:[^:]+:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
    if (managed !== undefined) {
        return (WILDCARD_MANAGED_POLICIES as readonly string[]).includes(managed)
            ? [`AWS managed policy ${managed} (${how})`]
            : [];
    }
    const policy = policyByArn(graph, arn);
    return policy ? wildcardsIn(read(policy.props, "policy"), `policy "${policy.name}" (${how})`, allowed) : [];
}

function wildcardsIn(document: unknown, where: string, allowed: readonly string[]): string[] {
    const statements = statementsOf(document);
    if (statements === UNKNOWN || statements instanceof Error) return [];
    const found = wildcardGrants(statements, allowed);
    return found.length > 0 ? [`${found.join(", ")} in ${where}`] : [];
}
