/**
 * deployVpcFlowMonitor: the whole monitor for a set of regions and VPCs, from typed args. One AWS
 * provider per region (or the caller's), the lake in the home region, per region an alarm topic,
 * a MonitoredVpc per VPC and the saved queries, then the stack's dashboard and optional Slack.
 *
 * This is what program/ runs for a stack config, and what another Pulumi program calls to monitor
 * its own VPCs. Logical names, parents and the order of registration are the contract of the
 * deployed stacks (a renamed resource is a replaced resource): change them only with aliases.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlertRule, effectiveRules } from "./alerting/rules";
import { AlarmTopic, SlackChannel } from "./alerting/notifications";
import { CloudWatchTrafficType, DEFAULTS, LakeFieldsChoice } from "./defaults";
import { cloudWatchFields } from "./alerting/cloudWatchFormat";
import { DashboardRegion } from "./insights/definitions";
import { Dashboard, RegionInsights } from "./insights/monitoring";
import { throwIfInvalid } from "./invalidArgs";
import { AnalyticsLake } from "./lake/analyticsLake";
import { MonitoredVpc, VpcSource } from "./monitoredVpc";
import { alarmLogGroupName } from "./naming";
import { vpcFlowMonitorProblems } from "./validation";

/** One VPC to monitor: created from a CIDR block or adopted by id, with rules of its own. */
export type VpcSpec = VpcSource & {
    /** Unique in the stack across regions; names the VPC's resources, log group, metrics and alarms. */
    readonly name: string;
    /**
     * This VPC's own rules, after the stack's (a rule with the same name replaces the stack's).
     * @default []
     */
    readonly rules?: readonly AlertRule[];
};

export interface RegionSpec {
    readonly region: string;
    readonly vpcs: readonly VpcSpec[];
}

export interface VpcFlowMonitorArgs {
    /** The stack name: part of every physical name (log groups, topics, alarms, Glue database, workgroup). */
    readonly stack: string;
    /** The Pulumi project, for the default tags. */
    readonly project: string;
    /** Where the lake, Glue, Athena and the dashboard live. Need not hold a VPC itself. */
    readonly homeRegion: string;
    readonly regions: readonly RegionSpec[];
    /**
     * Add reject-any, ssh-rejected and rdp-rejected to every VPC.
     * @default true
     */
    readonly defaultRules?: boolean;
    /**
     * Rules for every VPC, after the defaults (a same-named rule replaces a default).
     * @default []
     */
    readonly rules?: readonly AlertRule[];
    /**
     * Addresses subscribed to every region's alarm topic; each must confirm AWS's mail.
     * @default []
     */
    readonly emails?: readonly string[];
    /**
     * Post every region's alarms to one Slack channel through AWS Chatbot.
     * @default no Slack
     */
    readonly slack?: { readonly workspaceId: string; readonly channelId: string };
    readonly flowLogs?: {
        /** @default "REJECT" */
        readonly cloudWatchTrafficType?: CloudWatchTrafficType;
        /** @default 90 */
        readonly logRetentionInDays?: number;
    };
    readonly insights?: {
        /**
         * Contributor Insights rules per region (top rejected sources and ports). Off saves
         * $0.02 per million REJECT records per rule; the dashboard answers the same on demand.
         * @default true
         */
        readonly contributorInsights?: boolean;
    };
    readonly lake?: {
        /** @default 30 */
        readonly transitionToInfrequentAccessDays?: number;
        /** @default 400 */
        readonly expireAfterDays?: number;
        /** @default 10 */
        readonly bytesScannedCutoffGb?: number;
        /**
         * The lake format: "default" (what the named queries read, components/defaults.ts),
         * "all" (every field but the ECS ones), or a list of field names.
         * @default "default"
         */
        readonly fields?: LakeFieldsChoice;
    };
    /** Protect the lake bucket and the alarm log groups from deletion, and retain them when removed. */
    readonly protectData: boolean;
    /**
     * The AWS provider of each region (the home region and every region in `regions`), e.g. to
     * assume a role or pin `allowedAccountIds`. The caller's providers carry the caller's tags.
     * @default one provider per region, named `aws-<region>`, tagging every resource (defaultTags)
     */
    readonly providers?: Readonly<Record<string, aws.Provider>>;
    /**
     * The AWS profile of the providers created here (not used with `providers`).
     * @default the program's `aws:profile` setting, as the default AWS provider would read it
     */
    readonly profile?: string;
}

export interface VpcFlowMonitorOptions {
    /**
     * Awaited after each VPC's resources are declared. Real deployments pass nothing (the await
     * costs one tick); the offline plan drains its mock RPCs here every few VPCs, so a
     * thousand-VPC plan holds a few VPCs' worth of pending SDK promises instead of all of them.
     */
    readonly afterVpc?: (declared: number) => Promise<void>;
}

export interface VpcOutputs {
    readonly region: string;
    readonly vpcId: pulumi.Output<string>;
    readonly logGroupName: pulumi.Output<string>;
    readonly lakeFlowLogId: pulumi.Output<string>;
    readonly alarmFlowLogId: pulumi.Output<string>;
    readonly alarmNames: string[];
}

/** What a stack exports; every value serialisable as a stack output. */
export interface VpcFlowMonitorOutputs {
    readonly homeRegion: string;
    readonly lakeBucketName: pulumi.Output<string>;
    readonly glueDatabase: pulumi.Output<string>;
    readonly glueTable: pulumi.Output<string>;
    readonly athenaWorkgroup: pulumi.Output<string>;
    readonly dashboardName: pulumi.Output<string>;
    readonly protectData: boolean;
    readonly alarmTopicArns: Record<string, pulumi.Output<string>>;
    readonly vpcs: Record<string, VpcOutputs>;
}

/** Tags every taggable resource gets, through each created provider's defaultTags. */
export function defaultTags(project: string, stack: string): Record<string, string> {
    return {
        environment: stack,
        "managed-by": "vpc-flow-monitor",
        "vpc-flow-monitor:project": project,
        "vpc-flow-monitor:stack": stack,
    };
}

/**
 * Declares the monitor. Every problem with `args` is reported at once, as one
 * `pulumi.InputPropertiesError`, before any resource is registered.
 */
export async function deployVpcFlowMonitor(
    args: VpcFlowMonitorArgs,
    opts: VpcFlowMonitorOptions = {},
): Promise<VpcFlowMonitorOutputs> {
    throwIfInvalid("deployVpcFlowMonitor", vpcFlowMonitorProblems(args));
    const { stack, project, protectData } = args;
    const trafficType = args.flowLogs?.cloudWatchTrafficType ?? DEFAULTS.cloudWatchTrafficType;
    const retention = args.flowLogs?.logRetentionInDays ?? DEFAULTS.logRetentionDays;
    const emails = args.emails ?? [];
    const stackRules = args.rules ?? [];
    const defaultRules = args.defaultRules ?? true;
    let declared = 0;

    // One explicit provider per region: every regional resource says where it lives, and no
    // resource silently falls back to the default provider's region.
    const created = new Map<string, aws.Provider>();
    const providerFor = (region: string): aws.Provider => {
        const given = args.providers?.[region];
        if (given) return given;
        let provider = created.get(region);
        if (!provider) {
            provider = new aws.Provider(`aws-${region}`, {
                region: region as aws.Region,
                // An explicit provider reads no `aws:` config of its own; pass the profile on as the default provider would.
                profile: args.profile ?? new pulumi.Config("aws").get("profile"),
                defaultTags: { tags: defaultTags(project, stack) },
            });
            created.set(region, provider);
        }
        return provider;
    };

    const home = providerFor(args.homeRegion);
    const accountId = aws.getCallerIdentityOutput({}, { provider: home }).accountId;
    const partition = aws.getPartitionOutput({}, { provider: home }).partition;

    const lake = new AnalyticsLake(
        "lake",
        {
            stack,
            accountId,
            partition,
            regions: args.regions.map((r) => r.region),
            transitionToInfrequentAccessDays: args.lake?.transitionToInfrequentAccessDays,
            expireAfterDays: args.lake?.expireAfterDays,
            bytesScannedCutoffGb: args.lake?.bytesScannedCutoffGb,
            fields: args.lake?.fields,
            protectData,
        },
        { provider: home },
    );

    const vpcs: Record<string, VpcOutputs> = {};
    const alarmTopicArns: Record<string, pulumi.Output<string>> = {};
    const dashboardRegions: pulumi.Output<DashboardRegion>[] = [];
    for (const { region, vpcs: regionVpcs } of args.regions) {
        const provider = providerFor(region);
        // Alarms can only notify a topic in their own region: one topic per region.
        const topic = new AlarmTopic(`alerts-${region}`, { stack, region, accountId, partition, emails }, { provider });
        alarmTopicArns[region] = topic.topicArn;

        const monitoredVpcs: { name: string; monitored: MonitoredVpc }[] = [];
        const regionRules = regionVpcs.map((vpc) =>
            effectiveRules({ defaultRules, stackRules, vpcRules: vpc.rules ?? [] }),
        );
        // One format for the region's log groups: its Logs Insights queries and Contributor
        // Insights rules read all of them and count fields by position.
        const alarmFields = cloudWatchFields(regionRules.flat());
        for (const [index, vpc] of regionVpcs.entries()) {
            const rules = regionRules[index];
            const monitored = new MonitoredVpc(
                vpc.name,
                {
                    vpc: vpc.cidrBlock !== undefined ? { cidrBlock: vpc.cidrBlock } : { vpcId: vpc.vpcId },
                    region,
                    accountId,
                    partition,
                    lakeBucketArn: lake.bucketArn,
                    lakeReady: [lake.bucketPolicy],
                    logGroupName: alarmLogGroupName(stack, vpc.name),
                    lakeFields: args.lake?.fields,
                    alarmFields,
                    cloudWatchTrafficType: trafficType,
                    logRetentionInDays: retention,
                    protectLogGroup: protectData,
                    alerting: { stack, rules, topicArn: topic.topicArn },
                },
                { provider },
            );
            vpcs[vpc.name] = {
                region,
                vpcId: monitored.vpcId,
                logGroupName: monitored.logGroupName,
                lakeFlowLogId: monitored.lakeFlowLogId,
                alarmFlowLogId: monitored.alarmFlowLogId,
                alarmNames: rules.map((rule) => rule.name),
            };
            monitoredVpcs.push({ name: vpc.name, monitored });
            await opts.afterVpc?.(++declared);
        }

        new RegionInsights(
            `insights-${region}`,
            {
                stack,
                logGroupNames: monitoredVpcs.map((v) => v.monitored.logGroupName),
                fields: alarmFields,
                contributorInsights: args.insights?.contributorInsights,
            },
            { provider },
        );
        dashboardRegions.push(
            pulumi
                .all(
                    monitoredVpcs.map((v) => pulumi.all([v.monitored.logGroupName, pulumi.all(v.monitored.alarmArns)])),
                )
                .apply((resolved) => ({
                    region,
                    fields: alarmFields,
                    vpcs: resolved.map(([logGroupName, alarmArns], i) => ({
                        name: monitoredVpcs[i].name,
                        logGroupName,
                        alarmArns,
                    })),
                })),
        );
    }

    const dashboard = new Dashboard("dashboard", { stack, regions: pulumi.all(dashboardRegions) }, { provider: home });
    if (args.slack) {
        new SlackChannel(
            "slack",
            {
                stack,
                workspaceId: args.slack.workspaceId,
                channelId: args.slack.channelId,
                topicArns: Object.values(alarmTopicArns),
            },
            { provider: home },
        );
    }

    return {
        homeRegion: args.homeRegion,
        lakeBucketName: lake.bucketName,
        glueDatabase: lake.databaseName,
        glueTable: lake.tableName,
        athenaWorkgroup: lake.workgroupName,
        dashboardName: dashboard.dashboardName,
        protectData,
        alarmTopicArns,
        vpcs,
    };
}
