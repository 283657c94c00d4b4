/**
 * The least-privilege IAM policy a CI deployer role needs to `pulumi up`, `refresh` and `destroy`
 * one stack, derived from the stack's offline plan: each resource type the plan holds maps to the
 * IAM actions its create, update, delete and read call, scoped to the resource names the plan
 * gives where IAM supports resource-level permissions and to `*` where the action accepts only `*`.
 * A resource type missing from the table is an error naming it, so a new resource cannot go
 * unlisted.
 *
 * Action names follow AWS's Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html);
 * the tests check every name, and that every scoped action accepts a resource ARN, against it.
 *
 * Account and region are `*` in every ARN: the role lives in the account it deploys to (another
 * account's resources need that account's resource policies anyway), and the stack's regions
 * change with its config. The names carry the scoping.
 */
import { PREFIX } from "../../components/naming";
import { InputError } from "../files/inputError";
import { Plan, PlannedResource } from "../plan/offlinePlan";

/** IAM's quota for a customer managed policy, counted without whitespace (IAM and AWS STS quotas). */
export const MANAGED_POLICY_MAX_CHARS = 6144;

export interface Statement {
    readonly Sid: string;
    readonly Effect: "Allow";
    readonly Action: string[];
    readonly Resource: string[];
    readonly Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: Statement[];
}

/** The plan holds a resource type the table below does not cover. */
export class UnknownResourceTypeError extends InputError {
    constructor(
        readonly resourceType: string,
        resourceName: string,
    ) {
        super(
            `deployer policy: resource type ${resourceType} (resource ${resourceName}) has no IAM actions listed in tools/deployer/deployerPolicy.ts; add it to RESOURCE_ACTIONS`,
        );
        this.name = "UnknownResourceTypeError";
    }
}

/** One statement's share from one resource: merged by Sid with every other resource's. */
interface Grant {
    readonly sid: string;
    readonly actions: readonly string[];
    readonly resources: readonly string[];
    readonly condition?: Record<string, Record<string, string>>;
}

interface Context {
    readonly stack: string;
    readonly plan: Plan;
}

type Grants = (r: PlannedResource, ctx: Context) => Grant[];

const ANY = ["*"];

/** Names the stack gives its own resources start `vpc-flow-monitor-<stack>-`: one wildcard covers them all. */
function named(ctx: Context, name: unknown): string {
    const text = String(name);
    const prefix = `${PREFIX}-${ctx.stack}-`;
    return text.startsWith(prefix) ? `${prefix}*` : text;
}

/**
 * A physical name: the `nameKey` input if the program sets it, else Pulumi's auto-name (the
 * logical name, `-` and 7 random characters: https://www.pulumi.com/docs/iac/concepts/resources/names/#autonaming).
 */
function physical(r: PlannedResource, nameKey: string): string {
    const given = r.inputs[nameKey];
    return typeof given === "string" ? given : `${r.name}-*`;
}

const ec2 = (type: string) => `arn:aws:ec2:*:*:${type}/*`;
const logGroups = (ctx: Context) => `arn:aws:logs:*:*:log-group:/${PREFIX}/${ctx.stack}/*`;
const roleArn = (name: string) => `arn:aws:iam::*:role/${name}`;

/** What the AWS provider reads before anything else (credentials check, account id). */
const PROVIDER: Grant = { sid: "StsIdentity", actions: ["sts:GetCallerIdentity"], resources: ANY };

/** Every EC2 Describe* is List-level and accepts only `*`. */
const ec2Reads = (...actions: string[]): Grant => ({
    sid: "Ec2Describe",
    actions: actions.map((a) => `ec2:${a}`),
    resources: ANY,
});

/**
 * awsx:ec2:Vpc is a remote component: the plan records the component, not its children (VPC,
 * subnets, route tables and routes, associations, internet gateway, NAT gateway and its Elastic IP),
 * so its entry lists what those children need. Their ids are unknown before they exist, so the
 * mutating actions are granted on `*`.
 */
const AWSX_VPC: Grants = () => [
    {
        sid: "Ec2NetworkManage",
        actions: [
            "CreateVpc",
            "DeleteVpc",
            "ModifyVpcAttribute",
            "CreateSubnet",
            "DeleteSubnet",
            "ModifySubnetAttribute",
            "CreateRouteTable",
            "DeleteRouteTable",
            "CreateRoute",
            "DeleteRoute",
            "ReplaceRoute",
            "AssociateRouteTable",
            "DisassociateRouteTable",
            "CreateInternetGateway",
            "DeleteInternetGateway",
            "AttachInternetGateway",
            "DetachInternetGateway",
            "CreateNatGateway",
            "DeleteNatGateway",
            "AllocateAddress",
            "ReleaseAddress",
            "DisassociateAddress",
            // The default security group of a new VPC: the provider revokes its rules.
            "RevokeSecurityGroupEgress",
            "RevokeSecurityGroupIngress",
            "CreateTags",
            "DeleteTags",
        ].map((a) => `ec2:${a}`),
        resources: ANY,
    },
    ec2Reads(
        "DescribeVpcs",
        "DescribeVpcAttribute",
        "DescribeSubnets",
        "DescribeRouteTables",
        "DescribeInternetGateways",
        "DescribeNatGateways",
        "DescribeAddresses",
        "DescribeAddressesAttribute",
        "DescribeAvailabilityZones",
        "DescribeNetworkInterfaces",
        "DescribeSecurityGroups",
        "DescribeSecurityGroupRules",
        "DescribeNetworkAcls",
        "DescribePrefixLists",
        "DescribeAccountAttributes",
    ),
];

/** Flow logs: the flow log itself, the VPC it watches, its destination's delivery, and the role it is handed. */
const FLOW_LOG: Grants = (r, ctx) => {
    const grants: Grant[] = [
        {
            sid: "Ec2FlowLogs",
            actions: ["ec2:CreateFlowLogs", "ec2:DeleteFlowLogs", "ec2:CreateTags", "ec2:DeleteTags"],
            resources: [ec2("vpc-flow-log"), ec2("vpc")],
        },
        ec2Reads("DescribeFlowLogs"),
    ];
    if (r.inputs.logDestinationType === "s3") {
        // Vended log delivery to S3: the caller sets it up (AWS's VPC user guide, "Flow logs to S3").
        grants.push({
            sid: "LogsDelivery",
            actions: [
                "logs:CreateLogDelivery",
                "logs:DeleteLogDelivery",
                "logs:GetLogDelivery",
                "logs:UpdateLogDelivery",
                "logs:ListLogDeliveries",
            ],
            resources: ANY,
        });
    }
    const role = r.inputs.iamRoleArn;
    if (typeof role === "string") {
        grants.push({
            sid: "IamPassDeliveryRole",
            actions: ["iam:PassRole"],
            resources: [roleArn(rolePattern(ctx, role))],
            condition: { StringEquals: { "iam:PassedToService": "vpc-flow-logs.amazonaws.com" } },
        });
    }
    if (typeof r.inputs.logFormat === "string" && r.inputs.logFormat.includes("${ecs-")) {
        // ECS fields: the flow log service reads the account's clusters, services and tasks
        // (AWS has published no exact list; these are the ECS reads the fields name).
        grants.push({
            sid: "EcsReadForFlowLogFields",
            actions: [
                "ecs:ListClusters",
                "ecs:DescribeClusters",
                "ecs:ListServices",
                "ecs:DescribeServices",
                "ecs:ListTasks",
                "ecs:DescribeTasks",
                "ecs:ListContainerInstances",
                "ecs:DescribeContainerInstances",
                "ecs:DescribeTaskDefinition",
            ],
            resources: ANY,
        });
    }
    return grants;
};

/** The role pattern a role ARN in the plan stands for: the planned role's name, as `physical` writes it. */
function rolePattern(ctx: Context, arn: string): string {
    const role = ctx.plan.resources.find((r) => r.type === ROLE_TYPE && r.outputs.arn === arn);
    return role ? physical(role, "name") : arn.slice(arn.indexOf(":role/") + ":role/".length);
}

const ROLE_TYPE = "aws:iam/role:Role";

const ROLE_ACTIONS = [
    "CreateRole",
    "DeleteRole",
    "GetRole",
    "UpdateRole",
    "UpdateRoleDescription",
    "UpdateAssumeRolePolicy",
    "TagRole",
    "UntagRole",
    "ListRoleTags",
    "ListRolePolicies",
    "ListAttachedRolePolicies",
    // The provider lists them before it deletes a role.
    "ListInstanceProfilesForRole",
].map((a) => `iam:${a}`);

const LOG_GROUP_ACTIONS = [
    "CreateLogGroup",
    "DeleteLogGroup",
    "PutRetentionPolicy",
    "DeleteRetentionPolicy",
    "AssociateKmsKey",
    "DisassociateKmsKey",
    "TagResource",
    "UntagResource",
    "ListTagsForResource",
    // Older provider code paths still tag and list tags through these.
    "TagLogGroup",
    "UntagLogGroup",
    "ListTagsLogGroup",
].map((a) => `logs:${a}`);

const S3_BUCKET_READS = [
    "ListBucket",
    "GetBucketLocation",
    "GetBucketTagging",
    "PutBucketTagging",
    // What the provider's bucket read fetches on refresh: a 403 on any fails it.
    "GetBucketAcl",
    "GetBucketCORS",
    "GetBucketWebsite",
    "GetBucketLogging",
    "GetAccelerateConfiguration",
    "GetBucketRequestPayment",
    "GetReplicationConfiguration",
    "GetBucketObjectLockConfiguration",
    "GetBucketPolicy",
    "GetBucketPolicyStatus",
    "GetBucketPublicAccessBlock",
    "GetEncryptionConfiguration",
    "GetBucketVersioning",
    "GetLifecycleConfiguration",
    "GetBucketOwnershipControls",
];

/** The bucket a configuration resource of the plan points at, as a bucket ARN pattern. */
function bucketArn(ctx: Context, bucket: unknown): string {
    const owner = ctx.plan.resources.find((r) => r.type === BUCKET_TYPE && r.outputs.bucket === bucket);
    return `arn:aws:s3:::${owner ? physical(owner, "bucket") : String(bucket)}`;
}

const BUCKET_TYPE = "aws:s3/bucket:Bucket";

const s3Config =
    (...actions: string[]): Grants =>
    (r, ctx) => [
        { sid: "S3LakeBucket", actions: actions.map((a) => `s3:${a}`), resources: [bucketArn(ctx, r.inputs.bucket)] },
    ];

const glueArns = (database: unknown) => [
    "arn:aws:glue:*:*:catalog",
    `arn:aws:glue:*:*:database/${String(database)}`,
    `arn:aws:glue:*:*:table/${String(database)}/*`,
    `arn:aws:glue:*:*:userDefinedFunction/${String(database)}/*`,
];

const athenaWorkgroup = (name: unknown) => `arn:aws:athena:*:*:workgroup/${String(name)}`;

const COMPONENT: Grants = () => [];

/** Create/update/delete/read of each resource type the plan can hold. */
export const RESOURCE_ACTIONS: Readonly<Record<string, Grants>> = {
    "pulumi:providers:aws": () => [PROVIDER],
    // The program's own components register no cloud resource themselves.
    "vpc-flow-monitor:lake:AnalyticsLake": COMPONENT,
    "vpc-flow-monitor:notifications:AlarmTopic": COMPONENT,
    "vpc-flow-monitor:notifications:SlackChannel": COMPONENT,
    "vpc-flow-monitor:network:MonitoredVpc": COMPONENT,
    "vpc-flow-monitor:monitoring:RegionInsights": COMPONENT,
    "vpc-flow-monitor:monitoring:Dashboard": COMPONENT,
    "vpc-flow-monitor:alerting:AlertingRule": COMPONENT,
    "awsx:ec2:Vpc": AWSX_VPC,
    // Only ever read (`aws.ec2.Vpc.get`): an adopted VPC.
    "aws:ec2/vpc:Vpc": () => [ec2Reads("DescribeVpcs", "DescribeVpcAttribute")],
    "aws:ec2/flowLog:FlowLog": FLOW_LOG,
    "aws:cloudwatch/logGroup:LogGroup": (_r, ctx) => [
        { sid: "LogsLogGroups", actions: LOG_GROUP_ACTIONS, resources: [logGroups(ctx)] },
        { sid: "LogsDescribe", actions: ["logs:DescribeLogGroups"], resources: ANY },
    ],
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": (_r, ctx) => [
        {
            sid: "LogsLogGroups",
            actions: ["logs:PutMetricFilter", "logs:DeleteMetricFilter", "logs:DescribeMetricFilters"],
            resources: [logGroups(ctx)],
        },
    ],
    "aws:cloudwatch/queryDefinition:QueryDefinition": () => [
        {
            sid: "LogsQueryDefinitions",
            actions: ["logs:PutQueryDefinition", "logs:DeleteQueryDefinition", "logs:DescribeQueryDefinitions"],
            resources: ANY,
        },
    ],
    "aws:cloudwatch/metricAlarm:MetricAlarm": (r, ctx) => [
        {
            sid: "CloudWatchAlarms",
            actions: [
                "cloudwatch:PutMetricAlarm",
                "cloudwatch:DeleteAlarms",
                "cloudwatch:DescribeAlarms",
                "cloudwatch:TagResource",
                "cloudwatch:UntagResource",
                "cloudwatch:ListTagsForResource",
            ],
            resources: [`arn:aws:cloudwatch:*:*:alarm:${named(ctx, r.inputs.name)}`],
        },
    ],
    "aws:cloudwatch/dashboard:Dashboard": (r) => [
        {
            sid: "CloudWatchDashboards",
            actions: ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"],
            resources: [`arn:aws:cloudwatch::*:dashboard/${String(r.inputs.dashboardName)}`],
        },
    ],
    "aws:cloudwatch/contributorInsightRule:ContributorInsightRule": (r, ctx) => [
        {
            sid: "CloudWatchInsightRules",
            actions: [
                "cloudwatch:PutInsightRule",
                "cloudwatch:DeleteInsightRules",
                "cloudwatch:EnableInsightRules",
                "cloudwatch:DisableInsightRules",
                "cloudwatch:TagResource",
                "cloudwatch:UntagResource",
                "cloudwatch:ListTagsForResource",
            ],
            resources: [`arn:aws:cloudwatch:*:*:insight-rule/${named(ctx, r.inputs.ruleName)}`],
        },
        { sid: "CloudWatchDescribe", actions: ["cloudwatch:DescribeInsightRules"], resources: ANY },
    ],
    "aws:sns/topic:Topic": (r, ctx) => [
        {
            sid: "SnsTopics",
            actions: [
                "sns:CreateTopic",
                "sns:DeleteTopic",
                "sns:GetTopicAttributes",
                "sns:SetTopicAttributes",
                "sns:TagResource",
                "sns:UntagResource",
                "sns:ListTagsForResource",
                "sns:GetDataProtectionPolicy",
            ],
            resources: [`arn:aws:sns:*:*:${named(ctx, r.inputs.name)}`],
        },
    ],
    // The topic policy is the topic's Policy attribute.
    "aws:sns/topicPolicy:TopicPolicy": (r, ctx) => [
        {
            sid: "SnsTopics",
            actions: ["sns:GetTopicAttributes", "sns:SetTopicAttributes"],
            resources: [topicArnPattern(ctx, r.inputs.arn)],
        },
    ],
    // Subscriptions are authorised on their topic's ARN.
    "aws:sns/topicSubscription:TopicSubscription": (r, ctx) => [
        {
            sid: "SnsTopics",
            actions: [
                "sns:Subscribe",
                "sns:Unsubscribe",
                "sns:GetSubscriptionAttributes",
                "sns:SetSubscriptionAttributes",
                "sns:ListSubscriptionsByTopic",
            ],
            resources: [topicArnPattern(ctx, r.inputs.topic)],
        },
    ],
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": (r): Grant[] => [
        {
            sid: "ChatbotSlackChannel",
            actions: [
                "chatbot:UpdateSlackChannelConfiguration",
                "chatbot:DeleteSlackChannelConfiguration",
                "chatbot:TagResource",
                "chatbot:UntagResource",
            ],
            // Chatbot configurations are global: no region in the ARN.
            resources: [`arn:aws:chatbot::*:chat-configuration/slack-channel/${String(r.inputs.configurationName)}`],
        },
        {
            sid: "ChatbotAnyResource",
            actions: [
                "chatbot:CreateSlackChannelConfiguration",
                "chatbot:ListTagsForResource",
                "chatbot:DescribeSlackChannelConfigurations",
                "chatbot:DescribeSlackWorkspaces",
            ],
            resources: ANY,
        },
        {
            sid: "IamChatbotServiceLinkedRole",
            actions: ["iam:CreateServiceLinkedRole"],
            resources: ["arn:aws:iam::*:role/aws-service-role/management.chatbot.amazonaws.com/*"],
            condition: { StringEquals: { "iam:AWSServiceName": "management.chatbot.amazonaws.com" } },
        },
        ...(typeof r.inputs.iamRoleArn === "string"
            ? [
                  <Grant>{
                      sid: "IamPassChatbotRole",
                      actions: ["iam:PassRole"],
                      resources: [roleArn(roleNameOf(r.inputs.iamRoleArn))],
                      condition: { StringEquals: { "iam:PassedToService": "chatbot.amazonaws.com" } },
                  },
              ]
            : []),
    ],
    [ROLE_TYPE]: (r) => [{ sid: "IamRoles", actions: ROLE_ACTIONS, resources: [roleArn(physical(r, "name"))] }],
    "aws:iam/rolePolicy:RolePolicy": (r) => [
        {
            sid: "IamRoles",
            actions: ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy", "iam:ListRolePolicies"],
            resources: [roleArn(roleNameOf(r.inputs.role))],
        },
    ],
    [BUCKET_TYPE]: (r) => {
        const resources = [`arn:aws:s3:::${physical(r, "bucket")}`];
        const grants: Grant[] = [
            {
                sid: "S3LakeBucket",
                actions: ["s3:CreateBucket", "s3:DeleteBucket", ...S3_BUCKET_READS.map((a) => `s3:${a}`)],
                resources,
            },
        ];
        if (r.inputs.forceDestroy === true) {
            grants.push({
                sid: "S3LakeObjectsForceDestroy",
                actions: ["s3:ListBucketVersions", "s3:DeleteObject", "s3:DeleteObjectVersion"],
                resources: [...resources, `${resources[0]}/*`],
            });
        }
        return grants;
    },
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": s3Config(
        "PutBucketPublicAccessBlock",
        "GetBucketPublicAccessBlock",
    ),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": s3Config(
        "PutEncryptionConfiguration",
        "GetEncryptionConfiguration",
    ),
    "aws:s3/bucketVersioning:BucketVersioning": s3Config("PutBucketVersioning", "GetBucketVersioning"),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": s3Config(
        "PutLifecycleConfiguration",
        "GetLifecycleConfiguration",
    ),
    "aws:s3/bucketPolicy:BucketPolicy": s3Config("PutBucketPolicy", "GetBucketPolicy", "DeleteBucketPolicy"),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": s3Config(
        "PutBucketOwnershipControls",
        // Deleting the resource puts the default back: there is no Delete action for it.
        "GetBucketOwnershipControls",
    ),
    "aws:glue/catalogDatabase:CatalogDatabase": (r) => [
        {
            sid: "GlueCatalog",
            actions: [
                "glue:CreateDatabase",
                "glue:DeleteDatabase",
                "glue:GetDatabase",
                "glue:UpdateDatabase",
                "glue:TagResource",
                "glue:UntagResource",
                "glue:GetTags",
            ],
            resources: glueArns(r.inputs.name),
        },
    ],
    // Table actions are authorised on the catalog, the database and the table together.
    "aws:glue/catalogTable:CatalogTable": (r) => [
        {
            sid: "GlueCatalog",
            actions: [
                "glue:CreateTable",
                "glue:DeleteTable",
                "glue:GetTable",
                "glue:GetTables",
                "glue:UpdateTable",
                "glue:GetPartitions",
            ],
            resources: glueArns(r.inputs.databaseName),
        },
    ],
    "aws:athena/workgroup:Workgroup": (r) => [
        {
            sid: "AthenaWorkgroups",
            actions: [
                "athena:CreateWorkGroup",
                "athena:DeleteWorkGroup",
                "athena:GetWorkGroup",
                "athena:UpdateWorkGroup",
                "athena:TagResource",
                "athena:UntagResource",
                "athena:ListTagsForResource",
            ],
            resources: [athenaWorkgroup(r.inputs.name)],
        },
    ],
    // Named queries are authorised on their workgroup: without one, Athena's `primary`.
    "aws:athena/namedQuery:NamedQuery": (r) => [
        {
            sid: "AthenaNamedQueries",
            actions: [
                "athena:CreateNamedQuery",
                "athena:DeleteNamedQuery",
                "athena:GetNamedQuery",
                "athena:BatchGetNamedQuery",
                "athena:ListNamedQueries",
            ],
            resources: [athenaWorkgroup(r.inputs.workgroup ?? "primary")],
        },
    ],
};

function roleNameOf(role: unknown): string {
    const text = String(role);
    return text.includes(":role/") ? text.slice(text.indexOf(":role/") + ":role/".length) : text;
}

/** A topic ARN of the plan as the SnsTopics statement writes it (the stack's names wildcarded). */
function topicArnPattern(ctx: Context, arn: unknown): string {
    const name = String(arn).split(":").pop();
    return `arn:aws:sns:*:*:${named(ctx, name)}`;
}

/**
 * Role names in the plan carry the mock's auto-name suffix: a planned role ARN becomes the role's
 * name pattern. Roles are matched by ARN in `rolePattern`; a role policy names its role by name.
 */
function fixRoleNames(ctx: Context, grant: Grant): Grant {
    if (!grant.sid.startsWith("Iam")) return grant;
    const resources = grant.resources.map((arn) => {
        const at = arn.indexOf(":role/");
        if (at < 0 || arn.endsWith("*")) return arn;
        const name = arn.slice(at + ":role/".length);
        const role = ctx.plan.resources.find((r) => r.type === ROLE_TYPE && roleNameOf(r.outputs.arn) === name);
        return role ? roleArn(physical(role, "name")) : arn;
    });
    return { ...grant, resources };
}

/** Services in the order the document lists them. */
const SID_ORDER = [
    "StsIdentity",
    "Ec2Describe",
    "Ec2FlowLogs",
    "Ec2NetworkManage",
    "EcsReadForFlowLogFields",
    "LogsDescribe",
    "LogsDelivery",
    "LogsLogGroups",
    "LogsQueryDefinitions",
    "CloudWatchDescribe",
    "CloudWatchAlarms",
    "CloudWatchDashboards",
    "CloudWatchInsightRules",
    "SnsTopics",
    "ChatbotAnyResource",
    "ChatbotSlackChannel",
    "IamRoles",
    "IamPassDeliveryRole",
    "IamPassChatbotRole",
    "IamChatbotServiceLinkedRole",
    "S3LakeBucket",
    "S3LakeObjectsForceDestroy",
    "GlueCatalog",
    "AthenaWorkgroups",
    "AthenaNamedQueries",
];

/** The deployer's statements for a plan, one per Sid, sorted actions and resources. */
export function deployerStatements(plan: Plan): Statement[] {
    const ctx: Context = { stack: plan.stack, plan };
    const merged = new Map<string, { actions: Set<string>; resources: Set<string>; condition?: Grant["condition"] }>();
    for (const r of plan.resources) {
        const grants = RESOURCE_ACTIONS[r.type];
        if (grants === undefined) throw new UnknownResourceTypeError(r.type, r.name);
        for (const raw of grants(r, ctx)) {
            const grant = fixRoleNames(ctx, raw);
            const entry = merged.get(grant.sid) ?? {
                actions: new Set(),
                resources: new Set(),
                condition: grant.condition,
            };
            grant.actions.forEach((a) => entry.actions.add(a));
            grant.resources.forEach((a) => entry.resources.add(a));
            merged.set(grant.sid, entry);
        }
    }
    const rank = (sid: string) => (SID_ORDER.includes(sid) ? SID_ORDER.indexOf(sid) : SID_ORDER.length);
    return [...merged.entries()]
        .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
        .map(([sid, entry]) => ({
            Sid: sid,
            Effect: "Allow" as const,
            Action: [...entry.actions].sort(),
            // `*` covers every other ARN: the statement needs nothing else.
            Resource: entry.resources.has("*") ? ["*"] : [...entry.resources].sort(),
            ...(entry.condition ? { Condition: entry.condition } : {}),
        }));
}

/** A document's size as IAM counts it against the managed policy quota: without whitespace. */
export function policyCharacters(document: PolicyDocument): number {
    return JSON.stringify(document).length;
}

/**
 * The statements as managed policy documents, each within MANAGED_POLICY_MAX_CHARS: one document
 * when they fit, else the fewest whole statements per document in order (a role takes up to 10
 * managed policies by default).
 */
export function deployerPolicyDocuments(plan: Plan): PolicyDocument[] {
    const documents: PolicyDocument[] = [];
    let current: Statement[] = [];
    const doc = (statements: Statement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });
    for (const statement of deployerStatements(plan)) {
        if (policyCharacters(doc([statement])) > MANAGED_POLICY_MAX_CHARS) {
            throw new InputError(
                `deployer policy: statement ${statement.Sid} alone is ${policyCharacters(doc([statement]))} characters, over IAM's ${MANAGED_POLICY_MAX_CHARS} for a managed policy`,
            );
        }
        if (current.length > 0 && policyCharacters(doc([...current, statement])) > MANAGED_POLICY_MAX_CHARS) {
            documents.push(doc(current));
            current = [];
        }
        current.push(statement);
    }
    if (current.length > 0) documents.push(doc(current));
    return documents;
}
