/**
 * The type tokens the policies look for, as plain strings: the stack graph (graph.ts) is pure and
 * must not load @pulumi/aws just to know them. tests/policy/pack.spec.ts pins every token to the
 * class's own `__pulumiType`, so a provider upgrade that renames one fails a test, not a policy.
 */
export const TYPES = {
    Vpc: "aws:ec2/vpc:Vpc",
    DefaultVpc: "aws:ec2/defaultVpc:DefaultVpc",
    FlowLog: "aws:ec2/flowLog:FlowLog",
    LogGroup: "aws:cloudwatch/logGroup:LogGroup",
    LogMetricFilter: "aws:cloudwatch/logMetricFilter:LogMetricFilter",
    MetricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    Bucket: "aws:s3/bucket:Bucket",
    BucketV2: "aws:s3/bucketV2:BucketV2",
    BucketPublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    AccountPublicAccessBlock: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
    BucketServerSideEncryption:
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    BucketServerSideEncryptionV2:
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    BucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    Role: "aws:iam/role:Role",
    RolePolicy: "aws:iam/rolePolicy:RolePolicy",
    RolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    PolicyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
    IamPolicy: "aws:iam/policy:Policy",
    AthenaWorkgroup: "aws:athena/workgroup:Workgroup",
    AwsxVpc: "awsx:ec2:Vpc",
} as const;
export type ResourceType = (typeof TYPES)[keyof typeof TYPES];

/**
 * Every resource that is a VPC: one the stack creates or reads (`Vpc`), and the region's default
 * VPC a stack adopts (`DefaultVpc`, which manages it without creating it). The every-VPC policies
 * cover both.
 */
export const VPC_TYPES: readonly string[] = [TYPES.Vpc, TYPES.DefaultVpc];

/** Both S3 bucket resources of @pulumi/aws v7 (BucketV2 is the deprecated alias). */
export const BUCKET_TYPES: readonly string[] = [TYPES.Bucket, TYPES.BucketV2];
export const BUCKET_ENCRYPTION_TYPES: readonly string[] = [
    TYPES.BucketServerSideEncryption,
    TYPES.BucketServerSideEncryptionV2,
];

/** Flow log traffic types (AWS::EC2::FlowLog TrafficType). */
export const TrafficType = { ALL: "ALL", REJECT: "REJECT", ACCEPT: "ACCEPT" } as const;
export type TrafficType = (typeof TrafficType)[keyof typeof TrafficType];

/** Flow log destination types; AWS's default when none is given is `cloud-watch-logs`. */
export const DestinationType = { CLOUDWATCH: "cloud-watch-logs", S3: "s3", FIREHOSE: "kinesis-data-firehose" } as const;
export type DestinationType = (typeof DestinationType)[keyof typeof DestinationType];
