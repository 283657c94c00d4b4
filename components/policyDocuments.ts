/**
 * IAM and bucket policy documents, as plain data so tests can read every condition.
 *
 * Both delivery paths carry confused-deputy conditions (aws:SourceAccount + aws:SourceArn), so the
 * log delivery services can only act for flow logs of this account, in the stack's regions.
 */
import { FLOW_LOG_PREFIX, regionKeyPrefix } from "./lake/layout";

export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly PolicyStatement[];
}

export interface PolicyStatement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Principal?: "*" | { readonly Service: string } | { readonly AWS: string };
    readonly Action: string | readonly string[];
    readonly Resource?: string | readonly string[];
    readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

export const LOG_DELIVERY_SERVICE = "delivery.logs.amazonaws.com";
export const FLOW_LOGS_SERVICE = "vpc-flow-logs.amazonaws.com";

export interface LakeBucketPolicyArgs {
    readonly bucketArn: string;
    readonly accountId: string;
    readonly partition: string;
    /** Every region whose flow logs deliver into this bucket. */
    readonly regions: readonly string[];
    /**
     * Every account and its regions whose flow logs deliver here, when more than this account do.
     * @default this account with `regions`
     */
    readonly sources?: readonly DeliverySource[];
    /**
     * Admit log delivery for every account of this AWS Organization (aws:SourceOrgID) instead of
     * listed accounts and regions.
     * @default the listed accounts and regions only
     */
    readonly organizationId?: string;
}

export interface DeliverySource {
    readonly accountId: string;
    readonly regions: readonly string[];
}

/**
 * The lake bucket policy: TLS only, and the log delivery permission AWS documents for flow logs to
 * S3 (flow-logs-s3.md), narrowed to this account's hive-compatible prefix and to the logs service
 * ARNs of the stack's regions.
 */
export function lakeBucketPolicy(args: LakeBucketPolicyArgs): PolicyDocument {
    const { bucketArn, accountId, partition } = args;
    const sources = [...(args.sources ?? [{ accountId, regions: args.regions }])]
        .filter((source) => source.regions.length > 0)
        .sort((a, b) => a.accountId.localeCompare(b.accountId))
        .map((source) => ({ accountId: source.accountId, regions: [...source.regions].sort() }));
    const pairs = sources.flatMap((source) => source.regions.map((region) => ({ account: source.accountId, region })));
    const accounts = sources.map((source) => source.accountId);
    const sourceArns = pairs.map(({ account, region }) => `arn:${partition}:logs:${region}:${account}:*`);
    // One account keeps the single-value form it always had; several are ORed as a list.
    const deliveryConditions: Record<string, Record<string, string | string[]>> = args.organizationId !== undefined
        ? { StringEquals: { "aws:SourceOrgID": args.organizationId } }
        : {
              StringEquals: { "aws:SourceAccount": accounts.length === 1 ? accounts[0] : accounts },
              ArnLike: { "aws:SourceArn": sourceArns },
          };
    const writeResources =
        args.organizationId !== undefined
            ? [`${bucketArn}/${FLOW_LOG_PREFIX}/AWSLogs/*`]
            : pairs.map(({ account, region }) => `${bucketArn}/${regionKeyPrefix(account, region)}*`);
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
            {
                Sid: "AWSLogDeliveryWrite",
                Effect: "Allow",
                Principal: { Service: LOG_DELIVERY_SERVICE },
                Action: "s3:PutObject",
                Resource: writeResources,
                Condition: {
                    ...deliveryConditions,
                    StringEquals: { ...deliveryConditions.StringEquals, "s3:x-amz-acl": "bucket-owner-full-control" },
                },
            },
            {
                Sid: "AWSLogDeliveryAclCheck",
                Effect: "Allow",
                Principal: { Service: LOG_DELIVERY_SERVICE },
                Action: ["s3:GetBucketAcl", "s3:ListBucket"],
                Resource: bucketArn,
                Condition: deliveryConditions,
            },
        ],
    };
}

export interface FlowLogsRoleArgs {
    readonly accountId: string;
    readonly partition: string;
    readonly region: string;
}

/** Trust for CloudWatch Logs delivery: only the flow logs service, only for this account's flow logs in this region. */
export function flowLogsTrustPolicy(args: FlowLogsRoleArgs): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: FLOW_LOGS_SERVICE },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": args.accountId },
                    // The flow log id is not known before the flow log exists, and the flow log needs the role first.
                    ArnLike: {
                        "aws:SourceArn": `arn:${args.partition}:ec2:${args.region}:${args.accountId}:vpc-flow-log/*`,
                    },
                },
            },
        ],
    };
}

/**
 * What the delivery role may do: write streams of its own log group, nothing else (the CDK grant;
 * the `:*` form covers the streams, terraform-aws-vpc #1262).
 */
export function flowLogsDeliveryPolicy(logGroupArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "WriteFlowLogRecords",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: [logGroupArn, `${logGroupArn}:*`],
            },
        ],
    };
}

/** Who may publish to a region's alarm topic: CloudWatch, for alarms of this account in this region only. */
export function alarmTopicPolicy(args: {
    topicArn: string;
    accountId: string;
    partition: string;
    region: string;
}): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "CloudWatchAlarmsOfThisAccount",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: "sns:Publish",
                Resource: args.topicArn,
                Condition: {
                    StringEquals: { "aws:SourceAccount": args.accountId },
                    ArnLike: {
                        "aws:SourceArn": `arn:${args.partition}:cloudwatch:${args.region}:${args.accountId}:alarm:*`,
                    },
                },
            },
        ],
    };
}

/** Trust of the Chatbot (Amazon Q Developer in chat applications) channel role. */
export function chatbotTrustPolicy(): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "chatbot.amazonaws.com" }, Action: "sts:AssumeRole" }],
    };
}

/** What the Slack channel may read when it renders an alarm notification: alarms and metrics, nothing else. */
export function chatbotNotificationsPolicy(): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ReadAlarmsAndMetrics",
                Effect: "Allow",
                Action: [
                    "cloudwatch:DescribeAlarms",
                    "cloudwatch:GetMetricData",
                    "cloudwatch:GetMetricStatistics",
                    "cloudwatch:ListMetrics",
                ],
                Resource: "*",
            },
        ],
    };
}
