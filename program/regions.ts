/**
 * AWS commercial-partition regions that offer VPC Flow Logs, CloudWatch Logs, S3, Glue and Athena.
 *
 * GovCloud (aws-us-gov) and China (aws-cn) regions are left out on purpose: a stack lives in one
 * partition and the ARNs, service principals and prices there differ; supporting them is a
 * separate piece of work, and an unknown region must fail at config time, not at `pulumi up`.
 */
export const AWS_REGIONS = [
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
] as const;

export type AwsRegion = (typeof AWS_REGIONS)[number];

const REGION_SET: ReadonlySet<string> = new Set(AWS_REGIONS);

export function isAwsRegion(value: unknown): value is AwsRegion {
    return typeof value === "string" && REGION_SET.has(value);
}
