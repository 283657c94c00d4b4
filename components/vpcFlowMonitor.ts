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
import { programProviderSettings, ProviderSettings, providerArgs } from "./providerSettings";
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
    /**
     * Also monitor every VPC of this account and region that has these tags (all of them; no tags:
     * every VPC), read when the program runs. A discovered VPC is named by its VPC id, so finding
     * one more or one fewer adds or removes only that VPC's resources; a VPC listed in `vpcs` is
     * never monitored twice.
     * @default no discovery
     */
    readonly discover?: DiscoverSpec;
}

export interface DiscoverSpec {
    /** @default {} (every VPC) */
    readonly tags?: Readonly<Record<string, string>>;
    /** VPC ids never to monitor. @default [] */
    readonly exclude?: readonly string[];
}

/**
 * The VPCs `discover` finds in one account and region, as VpcSpecs named by id, sorted so the
 * registration order does not depend on the order AWS lists them in.
 */
export async function discoveredVpcs(region: RegionSpec, provider: aws.Provider): Promise<VpcSpec[]> {
    if (region.discover === undefined) return [];
    const listed = new Set(region.vpcs.flatMap((v) => (v.vpcId !== undefined ? [v.vpcId] : [])));
    const excluded = new Set(region.discover.exclude ?? []);
    // Awaited, not an Output: resources declared inside an apply would be missing from previews.
    const found = await aws.ec2.getVpcs(
        { ...(region.discover.tags ? { tags: { ...region.discover.tags } } : {}) },
        { provider },
    );
    return [...new Set(found.ids)]
        .filter((id) => !listed.has(id) && !excluded.has(id))
        .sort()
        .map((id) => ({ name: id, vpcId: id }));
}

/**
 * Another AWS account whose VPCs this stack monitors, reached by assuming `roleArn` (after any
 * roles in the provider settings). Its flow logs go to the one lake in the home account.
 */
export interface AccountSpec {
    /** Unique in the stack; names the account's providers (`aws-<name>-<region>`) and resources. */
    readonly name: string;
    /** The 12-digit account id: every provider of the account is pinned to it (allowedAccountIds). */
    readonly accountId: string;
    /** The IAM role in the account that the providers assume. */
    readonly roleArn: string;
    readonly regions: readonly RegionSpec[];
}

export interface VpcFlowMonitorArgs {
    /** The stack name: part of every physical name (log groups, topics, alarms, Glue database, workgroup). */
    readonly stack: string;
    /** The Pulumi project, for the default tags. */
    readonly project: string;
    /** Where the lake, Glue, Athena and the dashboard live. Need not hold a VPC itself. */
    readonly homeRegion: string;
    /** The home account's regions and VPCs (may be empty when `accounts` hold every VPC). */
    readonly regions: readonly RegionSpec[];
    /**
     * The home account's id. When given, the home providers are pinned to it (allowedAccountIds)
     * and the lake's ARNs use it.
     * @default the caller's account (aws.getCallerIdentity), not pinned
     */
    readonly homeAccountId?: string;
    /**
     * Other accounts, each reached through its own role; their flow logs go to the home account's lake.
     * @default []
     */
    readonly accounts?: readonly AccountSpec[];
    /**
     * The AWS Organization (o-...) whose accounts may all deliver into the lake (aws:SourceOrgID),
     * instead of exactly the listed accounts and regions.
     * @default the listed accounts and regions only
     */
    readonly organizationId?: string;
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
     * The AWS profile of the providers created here (not used with `providers`); overrides the
     * profile in `providerSettings`.
     * @default the program's `aws:profile` setting, as the default AWS provider would read it
     */
    readonly profile?: string;
    /**
     * Settings for every provider created here (not used with `providers`): credentials, profile,
     * roles to assume, allowed accounts, default tags (the library's tags are added to them), ...
     * @default the program's `aws:*` config, as the default AWS provider would read it
     */
    readonly providerSettings?: ProviderSettings;
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
    /** The account's name from `accounts`, or `home`. */
    readonly account: string;
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
    /** By region for the home account, by `<account name>/<region>` for the others. */
    readonly alarmTopicArns: Record<string, pulumi.Output<string>>;
    readonly vpcs: Record<string, VpcOutputs>;
    /** The VPC ids discovery found, by region (home account) or `<account name>/<region>`; only regions that discover. */
    readonly discoveredVpcs: Record<string, string[]>;
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

    // One explicit provider per account and region: every regional resource says where it lives, and
    // no resource silently falls back to the default provider's region or account.
    const created = new Map<string, aws.Provider>();
    const baseSettings = args.providerSettings ?? programProviderSettings();
    const profile = args.profile ?? baseSettings.profile;
    const settings: ProviderSettings = { ...baseSettings, ...(profile !== undefined ? { profile } : {}) };
    const tags = defaultTags(project, stack);
    const providerFor = (region: string, account?: AccountSpec): aws.Provider => {
        if (account === undefined) {
            const given = args.providers?.[region];
            if (given) return given;
        }
        // The home account's providers keep the name they always had, so today's stacks keep their URNs.
        const name = account === undefined ? `aws-${region}` : `aws-${account.name}-${region}`;
        let provider = created.get(name);
        if (!provider) {
            // An explicit provider reads no `aws:` config of its own: pass the settings on as the default provider would read them.
            const pin =
                account === undefined
                    ? args.homeAccountId === undefined
                        ? undefined
                        : { accountId: args.homeAccountId }
                    : { accountId: account.accountId, roleArn: account.roleArn };
            provider = new aws.Provider(name, providerArgs(settings, region, tags, pin));
            created.set(name, provider);
        }
        return provider;
    };

    const home = providerFor(args.homeRegion);
    const accountId: pulumi.Input<string> =
        args.homeAccountId ?? aws.getCallerIdentityOutput({}, { provider: home }).accountId;
    const partition = aws.getPartitionOutput({}, { provider: home }).partition;
    const accounts = args.accounts ?? [];
    // Every account and region whose flow logs reach the lake; the home account first.
    const targets: { account?: AccountSpec; accountId: pulumi.Input<string>; region: RegionSpec }[] = [
        ...args.regions.map((region) => ({ accountId, region })),
        ...accounts.flatMap((account) =>
            account.regions.map((region) => ({ account, accountId: account.accountId, region })),
        ),
    ];

    const lake = new AnalyticsLake(
        "lake",
        {
            stack,
            accountId,
            partition,
            regions: [...new Set(targets.map((t) => t.region.region))],
            // With other accounts, the policy names each account with its own regions.
            ...(accounts.length > 0
                ? {
                      deliverySources: [
                          { accountId, regions: args.regions.map((r) => r.region) },
                          ...accounts.map((a) => ({ accountId: a.accountId, regions: a.regions.map((r) => r.region) })),
                      ],
                  }
                : {}),
            ...(args.organizationId !== undefined ? { organizationId: args.organizationId } : {}),
            transitionToInfrequentAccessDays: args.lake?.transitionToInfrequentAccessDays,
            expireAfterDays: args.lake?.expireAfterDays,
            bytesScannedCutoffGb: args.lake?.bytesScannedCutoffGb,
            fields: args.lake?.fields,
            protectData,
        },
        { provider: home },
    );

    const vpcs: Record<string, VpcOutputs> = {};
    const discovered: Record<string, string[]> = {};
    const alarmTopicArns: Record<string, pulumi.Output<string>> = {};
    const dashboardRegions: pulumi.Output<DashboardRegion>[] = [];
    for (const { account, accountId: vpcAccountId, region: regionSpec } of targets) {
        const { region } = regionSpec;
        const provider = providerFor(region, account);
        const found = await discoveredVpcs(regionSpec, provider);
        const regionVpcs = [...regionSpec.vpcs, ...found];
        discovered[account === undefined ? region : `${account.name}/${region}`] = found.map((v) => v.name);
        // A region that discovers nothing (yet) gets nothing: its topic and queries come with its first VPC.
        if (regionVpcs.length === 0) continue;
        // Home-account names stay as they were (today's URNs); another account's carry its name.
        const where = account === undefined ? region : `${account.name}-${region}`;
        // Alarms can only notify a topic in their own account and region: one topic per account and region.
        const topic = new AlarmTopic(
            `alerts-${where}`,
            { stack, region, accountId: vpcAccountId, partition, emails },
            { provider },
        );
        alarmTopicArns[account === undefined ? region : `${account.name}/${region}`] = topic.topicArn;

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
                    accountId: vpcAccountId,
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
                account: account?.name ?? "home",
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
            `insights-${where}`,
            {
                stack,
                logGroupNames: monitoredVpcs.map((v) => v.monitored.logGroupName),
                fields: alarmFields,
                contributorInsights: args.insights?.contributorInsights,
            },
            { provider },
        );
        // The dashboard lives in the home account and reads that account's metrics and log groups;
        // another account's would need CloudWatch cross-account observability, which this stack does not set up.
        if (account !== undefined) continue;
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
    const homeTopicArns = Object.entries(alarmTopicArns)
        .filter(([key]) => !key.includes("/"))
        .map(([, arn]) => arn);
    if (args.slack && homeTopicArns.length > 0) {
        new SlackChannel(
            "slack",
            {
                stack,
                workspaceId: args.slack.workspaceId,
                channelId: args.slack.channelId,
                // The home account's topics: the Chatbot configuration lives there, and whether it may
                // subscribe to another account's topics is not something this stack can check offline.
                topicArns: homeTopicArns,
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
        discoveredVpcs: Object.fromEntries(
            targets
                .filter((t) => t.region.discover !== undefined)
                .map((t) => {
                    const key = t.account === undefined ? t.region.region : `${t.account.name}/${t.region.region}`;
                    return [key, discovered[key] ?? []];
                }),
        ),
    };
}
