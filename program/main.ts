/**
 * The program: read and validate the stack configuration, then build one provider per region, the
 * lake in the home region, and a MonitoredVpc per configured VPC.
 *
 * index.ts runs it under the Pulumi engine; tools/cli/plan.ts runs the very same function under Pulumi's
 * mock runtime, so the offline plan is the program, not a model of it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { effectiveRules } from "../components/alerting/rules";
import { AnalyticsLake } from "../components/lake/analyticsLake";
import { Dashboard, RegionInsights } from "../components/insights/monitoring";
import { ALARM_LOG_FIELDS } from "../components/defaults";
import { MonitoredVpc } from "../components/monitoredVpc";
import { alarmLogGroupName } from "../components/naming";
import { AlarmTopic, SlackChannel } from "../components/alerting/notifications";
import { protectsData } from "./protection";
import { ConfigError, StackConfig, validateStackConfig } from "./stackConfig";
import { DashboardRegion } from "../components/insights/definitions";

export interface VpcOutputs {
    readonly region: string;
    readonly vpcId: pulumi.Output<string>;
    readonly logGroupName: pulumi.Output<string>;
    readonly lakeFlowLogId: pulumi.Output<string>;
    readonly alarmFlowLogId: pulumi.Output<string>;
    readonly alarmNames: string[];
}

export interface StackOutputs {
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

/** Tags every taggable resource gets, through each provider's defaultTags. */
export function defaultTags(project: string, stack: string): Record<string, string> {
    return {
        environment: stack,
        "managed-by": "vpc-flow-monitor",
        "vpc-flow-monitor:project": project,
        "vpc-flow-monitor:stack": stack,
    };
}

/**
 * The stack configuration as the engine hands it over: every key of every namespace, object values
 * as JSON text. Decoded here, validated by validateStackConfig.
 */
export function readStackConfig(): StackConfig {
    const decoded: Record<string, unknown> = {};
    for (const [key, text] of Object.entries(pulumi.runtime.allConfig())) {
        decoded[key] = decodeConfigValue(text);
    }
    return validateStackConfig(decoded);
}

function decodeConfigValue(text: string): unknown {
    // Objects and lists arrive as JSON; plain strings (aws:region) do not parse and stay strings.
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

export interface DeployHooks {
    /**
     * Awaited after each VPC's resources are declared. Real deployments pass nothing (the await
     * costs one tick); the offline plan drains its mock RPCs here every few VPCs, so a
     * thousand-VPC plan holds a few VPCs' worth of pending SDK promises instead of all of them.
     */
    readonly afterVpc?: (declared: number) => Promise<void>;
}

export async function deployStack(config: StackConfig, hooks: DeployHooks = {}): Promise<StackOutputs> {
    let declared = 0;
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    const profile = new pulumi.Config("aws").get("profile");

    // One explicit provider per region: every regional resource says where it lives, and no
    // resource silently falls back to the default provider's region.
    const providers = new Map<string, aws.Provider>();
    const providerFor = (region: string): aws.Provider => {
        let provider = providers.get(region);
        if (!provider) {
            provider = new aws.Provider(`aws-${region}`, {
                region: region as aws.Region,
                profile,
                defaultTags: { tags: defaultTags(project, stack) },
            });
            providers.set(region, provider);
        }
        return provider;
    };

    const protectData = protectsData(config.protectData, stack);
    const home = providerFor(config.homeRegion);
    const accountId = aws.getCallerIdentityOutput({}, { provider: home }).accountId;
    const partition = aws.getPartitionOutput({}, { provider: home }).partition;

    const lake = new AnalyticsLake(
        "lake",
        {
            stack,
            accountId,
            partition,
            regions: config.regions.map((r) => r.region),
            transitionToInfrequentAccessDays: config.lake.transitionToInfrequentAccessDays,
            expireAfterDays: config.lake.expireAfterDays,
            bytesScannedCutoffGb: config.lake.bytesScannedCutoffGb,
            protectData,
        },
        { provider: home },
    );

    const vpcs: Record<string, VpcOutputs> = {};
    const alarmTopicArns: Record<string, pulumi.Output<string>> = {};
    const dashboardRegions: pulumi.Output<DashboardRegion>[] = [];
    for (const { region, vpcs: regionVpcs } of config.regions) {
        const provider = providerFor(region);
        // Alarms can only notify a topic in their own region: one topic per region.
        const topic = new AlarmTopic(
            `alerts-${region}`,
            { stack, region, accountId, partition, emails: config.alerts.emails },
            { provider },
        );
        alarmTopicArns[region] = topic.topicArn;

        const monitoredVpcs: { name: string; monitored: MonitoredVpc }[] = [];
        for (const vpc of regionVpcs) {
            const rules = effectiveRules({
                defaultRules: config.alerts.defaultRules,
                stackRules: config.alerts.rules,
                vpcRules: vpc.rules,
            });
            const monitored = new MonitoredVpc(
                vpc.name,
                {
                    vpc: vpc.kind === "create" ? { cidrBlock: vpc.cidrBlock } : { vpcId: vpc.vpcId },
                    region,
                    accountId,
                    partition,
                    lakeBucketArn: lake.bucketArn,
                    lakeReady: [lake.bucketPolicy],
                    logGroupName: alarmLogGroupName(stack, vpc.name),
                    cloudWatchTrafficType: config.flowLogs.cloudWatchTrafficType,
                    logRetentionInDays: config.flowLogs.logRetentionDays,
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
            await hooks.afterVpc?.(++declared);
        }

        new RegionInsights(
            `insights-${region}`,
            { stack, logGroupNames: monitoredVpcs.map((v) => v.monitored.logGroupName), fields: ALARM_LOG_FIELDS },
            { provider },
        );
        dashboardRegions.push(
            pulumi
                .all(
                    monitoredVpcs.map((v) => pulumi.all([v.monitored.logGroupName, pulumi.all(v.monitored.alarmArns)])),
                )
                .apply((resolved) => ({
                    region,
                    vpcs: resolved.map(([logGroupName, alarmArns], i) => ({
                        name: monitoredVpcs[i].name,
                        logGroupName,
                        alarmArns,
                    })),
                })),
        );
    }

    const dashboard = new Dashboard(
        "dashboard",
        { stack, regions: pulumi.all(dashboardRegions), fields: ALARM_LOG_FIELDS },
        { provider: home },
    );
    if (config.alerts.slack) {
        new SlackChannel(
            "slack",
            {
                stack,
                workspaceId: config.alerts.slack.workspaceId,
                channelId: config.alerts.slack.channelId,
                topicArns: Object.values(alarmTopicArns),
            },
            { provider: home },
        );
    }

    return {
        homeRegion: config.homeRegion,
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

/** The whole program; a bad configuration ends it with the report and no resource registered. */
export async function runProgram(): Promise<StackOutputs> {
    let config: StackConfig;
    try {
        config = readStackConfig();
    } catch (err) {
        // RunError: the engine prints the message alone, without a stack trace.
        if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
        throw err;
    }
    return deployStack(config);
}
