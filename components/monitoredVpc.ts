/**
 * MonitoredVpc: one VPC (created with awsx, or adopted by id) with its two flow logs.
 *
 * - ALL traffic, the lake format (`lakeFields`), to the lake bucket as Parquet: S3 delivery costs
 *   half of CloudWatch Logs per GB, and that is where the questions are asked later.
 * - REJECT (or ALL) traffic, only the fields its readers need (`alarmFields`), to a CloudWatch log
 *   group at a 60 s aggregation interval, so a metric filter alarm fires within minutes.
 *
 * Both flow logs are replaced by deleting first: every input of a flow log forces a replacement,
 * and AWS refuses a second flow log with the same resource and destination (FlowLogAlreadyExists).
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { AlertRule } from "./alerting/rules";
import { aggregateMetricFilters, AlertingRule } from "./alerting/alertingRule";
import { FlowLogField, renderLogFormat } from "../flowlogs/fields";
import { flowLogDestination, resolveLakeFields } from "./lake/layout";
import { flowLogsDeliveryPolicy, flowLogsTrustPolicy } from "./policyDocuments";
import {
    ALARM_AGGREGATION_SECONDS,
    CloudWatchTrafficType,
    DEFAULTS,
    LAKE_AGGREGATION_SECONDS,
    LakeFieldsChoice,
} from "./defaults";
import { cloudWatchFields } from "./alerting/cloudWatchFormat";
import { throwIfInvalid } from "./invalidArgs";
import { monitoredVpcProblems } from "./validation";

const TYPE = "vpc-flow-monitor:network:MonitoredVpc";

/** Create a VPC, or adopt an existing one: exactly one of the two. */
export type VpcSource =
    { readonly cidrBlock: string; readonly vpcId?: never } | { readonly vpcId: string; readonly cidrBlock?: never };

export interface MonitoredVpcArgs {
    readonly vpc: VpcSource;
    /** The region this VPC lives in (the provider passed in opts must be for it). */
    readonly region: string;
    readonly accountId: pulumi.Input<string>;
    readonly partition: pulumi.Input<string>;
    /** ARN of the lake bucket the ALL-traffic flow log delivers to. */
    readonly lakeBucketArn: pulumi.Input<string>;
    /** Resources that must exist before the lake flow log is created (the lake's bucket policy). */
    readonly lakeReady?: pulumi.Input<pulumi.Resource>[];
    /** Physical name of the CloudWatch log group for the alarm flow log. */
    readonly logGroupName: string;
    /**
     * The fields the lake flow log delivers; the lake's Glue table must be given the same.
     * @default "default" (components/defaults.ts LAKE_DEFAULT_FIELDS)
     */
    readonly lakeFields?: LakeFieldsChoice;
    /**
     * The fields the alarm flow log delivers. Every log group the region's Logs Insights queries
     * and Contributor Insights rules read must share one format (they count fields by position).
     * @default the fields this VPC's rules and the fixed aggregates and insights read (cloudWatchFields)
     */
    readonly alarmFields?: readonly FlowLogField[];
    /**
     * What the CloudWatch flow log captures.
     * @default "REJECT"
     */
    readonly cloudWatchTrafficType?: CloudWatchTrafficType;
    /**
     * Retention of the alarm log group, in days.
     * @default 90
     */
    readonly logRetentionInDays?: number;
    /**
     * Protect the alarm log group from deletion and retain it when removed from the stack.
     * @default true
     */
    readonly protectLogGroup?: boolean;
    /**
     * Alerting rules on this VPC's log group, and the region's topic their alarms notify.
     * @default no alarms (the policy pack will refuse such a stack)
     */
    readonly alerting?: {
        readonly stack: string;
        readonly rules: readonly AlertRule[];
        readonly topicArn: pulumi.Input<string>;
    };
}

export class MonitoredVpc extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    public readonly region: string;
    public readonly logGroupName: pulumi.Output<string>;
    public readonly logGroupArn: pulumi.Output<string>;
    public readonly lakeFlowLogId: pulumi.Output<string>;
    public readonly alarmFlowLogId: pulumi.Output<string>;
    /** The log group resource, for alerting rules that attach to it. */
    public readonly logGroup: aws.cloudwatch.LogGroup;
    /** ARNs of this VPC's alarms, one per rule. */
    public readonly alarmArns: pulumi.Output<string>[];

    constructor(name: string, args: MonitoredVpcArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before anything is registered: a refused component leaves nothing behind.
        throwIfInvalid(`MonitoredVpc "${name}"`, monitoredVpcProblems(args));
        super(TYPE, name, {}, opts);
        const trafficType = args.cloudWatchTrafficType ?? DEFAULTS.cloudWatchTrafficType;
        const retention = args.logRetentionInDays ?? DEFAULTS.logRetentionDays;
        const parent = { parent: this };
        this.region = args.region;
        const lakeFields = resolveLakeFields(args.lakeFields);
        const alarmFields = args.alarmFields ?? cloudWatchFields(args.alerting?.rules ?? []);

        this.vpcId =
            args.vpc.cidrBlock !== undefined
                ? createVpc(name, args.vpc.cidrBlock, this)
                : adoptVpc(name, args.vpc.vpcId, this);

        // Lake: ALL traffic, the lake format, Parquet in hive-compatible hourly partitions.
        const lakeFlowLog = new aws.ec2.FlowLog(
            `${name}-lakeFlowLog`,
            {
                vpcId: this.vpcId,
                trafficType: "ALL",
                logDestinationType: "s3",
                logDestination: pulumi.output(args.lakeBucketArn).apply(flowLogDestination),
                logFormat: renderLogFormat(lakeFields),
                maxAggregationInterval: LAKE_AGGREGATION_SECONDS,
                destinationOptions: { fileFormat: "parquet", hiveCompatiblePartitions: true, perHourPartition: true },
                tags: { Name: `${name}-lake` },
            },
            // Delete before create: the new flow log would have the old one's resource and destination.
            { parent: this, dependsOn: args.lakeReady, deleteBeforeReplace: true },
        );

        // Alarms: REJECT (or ALL) traffic into the VPC's own log group.
        this.logGroup = new aws.cloudwatch.LogGroup(
            `${name}-alarmLogGroup`,
            { name: args.logGroupName, retentionInDays: retention },
            { parent: this, protect: args.protectLogGroup ?? true, retainOnDelete: args.protectLogGroup ?? true },
        );
        const role = new aws.iam.Role(
            `${name}-deliveryRole`,
            {
                description: `Lets VPC Flow Logs write ${args.logGroupName}`,
                assumeRolePolicy: pulumi
                    .all([args.accountId, args.partition])
                    .apply(([accountId, partition]) =>
                        JSON.stringify(flowLogsTrustPolicy({ accountId, partition, region: args.region })),
                    ),
            },
            parent,
        );
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-deliveryPolicy`,
            { role: role.id, policy: this.logGroup.arn.apply((arn) => JSON.stringify(flowLogsDeliveryPolicy(arn))) },
            parent,
        );
        const alarmFlowLog = new aws.ec2.FlowLog(
            `${name}-alarmFlowLog`,
            {
                vpcId: this.vpcId,
                trafficType,
                logDestinationType: "cloud-watch-logs",
                logDestination: this.logGroup.arn,
                iamRoleArn: role.arn,
                logFormat: renderLogFormat(alarmFields),
                maxAggregationInterval: ALARM_AGGREGATION_SECONDS,
                tags: { Name: `${name}-alarms` },
            },
            // Without the role's permissions in place the flow log's first deliveries fail with "Access error".
            { parent: this, dependsOn: [rolePolicy], deleteBeforeReplace: true },
        );

        const alerting = args.alerting;
        const rules = (alerting?.rules ?? []).map(
            (rule) =>
                new AlertingRule(
                    `${name}-${rule.name}`,
                    {
                        stack: alerting!.stack,
                        vpcName: name,
                        rule,
                        logGroupName: this.logGroup.name,
                        region: args.region,
                        accountId: args.accountId,
                        vpcId: this.vpcId,
                        fields: alarmFields,
                        topicArn: alerting!.topicArn,
                    },
                    parent,
                ),
        );
        if (alerting) {
            aggregateMetricFilters(
                name,
                { stack: alerting.stack, vpcName: name, logGroupName: this.logGroup.name, fields: alarmFields },
                this,
            );
        }
        this.alarmArns = rules.map((rule) => rule.alarmArn);

        this.logGroupName = this.logGroup.name;
        this.logGroupArn = this.logGroup.arn;
        this.lakeFlowLogId = lakeFlowLog.id;
        this.alarmFlowLogId = alarmFlowLog.id;
        this.registerOutputs({
            vpcId: this.vpcId,
            logGroupName: this.logGroupName,
            logGroupArn: this.logGroupArn,
            lakeFlowLogId: this.lakeFlowLogId,
            alarmFlowLogId: this.alarmFlowLogId,
            alarmArns: this.alarmArns,
        });
    }
}

/** A new VPC, public and private subnets in two AZs, one NAT gateway (not one per AZ: this is cost-aware by default). */
function createVpc(name: string, cidrBlock: string, parent: MonitoredVpc): pulumi.Output<string> {
    const vpc = new awsx.ec2.Vpc(
        `${name}-vpc`,
        {
            cidrBlock,
            numberOfAvailabilityZones: 2,
            natGateways: { strategy: awsx.ec2.NatGatewayStrategy.Single },
            tags: { Name: name },
        },
        // A remote component does not inherit its parent's providers: forward the region's AWS
        // provider explicitly, or awsx would build the VPC with the default provider's region.
        { parent, providers: awsProviderOf(parent) },
    );
    return vpc.vpcId;
}

function awsProviderOf(resource: pulumi.Resource): Record<string, pulumi.ProviderResource> | undefined {
    const provider = resource.getProvider("aws:ec2/vpc:Vpc");
    return provider ? { aws: provider } : undefined;
}

/** An existing VPC, read into the stack so it stands there (and the policy pack sees it) without being managed. */
function adoptVpc(name: string, vpcId: string, parent: MonitoredVpc): pulumi.Output<string> {
    const vpc = aws.ec2.Vpc.get(`${name}-vpc`, vpcId, undefined, { parent });
    return vpc.id;
}
