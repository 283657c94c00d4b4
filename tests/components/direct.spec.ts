/**
 * The components constructed directly, as another program would (not through a stack config),
 * under the offline mocks: each with an explicit aws.Provider and args that differ from what the
 * program passes (another account and partition), asserting the inputs the engine would receive.
 */
import * as assert from "node:assert/strict";
import { logsInsightsUrl, offendingRecordsQuery } from "../../components/alerting/alarmText";
import { DEFAULT_FORMAT_FIELDS } from "../../flowlogs";
import * as aws from "@pulumi/aws";
import {
    AlarmTopic,
    AlertingRule,
    AnalyticsLake,
    FlowAction,
    MonitoredVpc,
    PROTOCOL_NUMBERS,
    SlackChannel,
} from "../../components";
import { Plan, PlannedResource } from "../../tools/plan/offlinePlan";
import { byName, byType, childrenOf, jsonInput, planComponents, unwrap } from "../helpers/plan";

/** Not the offline cloud's account: these values must come from the args, not from an invoke. */
const ACCOUNT = "210987654321";
const PARTITION = "aws-us-gov";
const REGION = "us-gov-west-1";
const BUCKET_ARN = "arn:aws-us-gov:s3:::their-lake";
const TOPIC_ARN = `arn:aws-us-gov:sns:${REGION}:${ACCOUNT}:their-alarms`;
/** Derived from what reads the records: the rules given, the aggregates and the insights. */
const ALARM_FORMAT = "${srcaddr} ${dstport} ${protocol} ${packets} ${start} ${action} ${log-status}";

function providerUrn(plan: Plan, name: string): string {
    const provider = byName(plan, name);
    assert.equal(provider.type, "pulumi:providers:aws");
    return provider.urn;
}

function customResources(plan: Plan): PlannedResource[] {
    return plan.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
}

describe("MonitoredVpc constructed directly", () => {
    describe("creating a VPC, with an explicit provider and its own lake", () => {
        let plan: Plan;
        before(async () => {
            ({ plan } = await planComponents(() => {
                const provider = new aws.Provider("gov", { region: REGION });
                // Stands for the caller's bucket policy: the lake flow log must wait for it.
                const ready = new aws.s3.BucketPolicy(
                    "their-policy",
                    { bucket: "their-lake", policy: "{}" },
                    { provider },
                );
                new MonitoredVpc(
                    "app",
                    {
                        vpc: { cidrBlock: "10.40.0.0/16" },
                        region: REGION,
                        accountId: ACCOUNT,
                        partition: PARTITION,
                        lakeBucketArn: BUCKET_ARN,
                        lakeReady: [ready],
                        logGroupName: "/their/flow-logs/app",
                        cloudWatchTrafficType: "ALL",
                        logRetentionInDays: 7,
                        protectLogGroup: false,
                    },
                    { provider },
                );
            }));
        });

        it("forwards the explicit provider to the remote awsx VPC, which would not inherit it", () => {
            const vpc = byName(plan, "app-vpc");
            assert.equal(vpc.type, "awsx:ec2:Vpc");
            assert.equal(vpc.parent, byName(plan, "app").urn);
            assert.deepEqual(vpc.providers, { aws: providerUrn(plan, "gov") });
            assert.deepEqual(vpc.inputs, {
                cidrBlock: "10.40.0.0/16",
                numberOfAvailabilityZones: 2,
                natGateways: { strategy: "Single" },
                tags: { Name: "app" },
            });
        });

        it("puts every AWS resource on the explicit provider", () => {
            const gov = providerUrn(plan, "gov");
            const resources = customResources(plan);
            assert.deepEqual(resources.map((r) => r.name).sort(), [
                "app-alarmFlowLog",
                "app-alarmLogGroup",
                "app-deliveryPolicy",
                "app-deliveryRole",
                "app-lakeFlowLog",
                "their-policy",
            ]);
            for (const r of resources) assert.equal(r.provider, gov, r.name);
            assert.deepEqual(byName(plan, "app").providers, { aws: gov });
        });

        it("delivers ALL traffic as Parquet to the given bucket, after the given resources", () => {
            const lake = byName(plan, "app-lakeFlowLog");
            assert.deepStrictEqual(lake.inputs, {
                vpcId: lake.inputs.vpcId,
                trafficType: "ALL",
                logDestinationType: "s3",
                logDestination: `${BUCKET_ARN}/vpc-flow-logs/`,
                destinationOptions: { fileFormat: "parquet", hiveCompatiblePartitions: true, perHourPartition: true },
                logFormat: lake.inputs.logFormat,
                maxAggregationInterval: 600,
                tags: { Name: "app-lake" },
            });
            assert.match(lake.inputs.vpcId as string, /^vpc-[0-9a-f]{17}$/);
            assert.deepEqual(lake.propertyDependencies.vpcId, [byName(plan, "app-vpc").urn]);
            assert.ok(lake.dependencies.includes(byName(plan, "their-policy").urn));
        });

        it("sends the configured traffic type to the named log group, with the given retention, unprotected", () => {
            const group = byName(plan, "app-alarmLogGroup");
            assert.deepStrictEqual(group.inputs, { name: "/their/flow-logs/app", retentionInDays: 7 });
            assert.equal(group.protect, false);
            assert.equal(group.retainOnDelete, false);
            const alarm = byName(plan, "app-alarmFlowLog");
            const role = byName(plan, "app-deliveryRole");
            assert.deepStrictEqual(alarm.inputs, {
                vpcId: byName(plan, "app-lakeFlowLog").inputs.vpcId,
                trafficType: "ALL",
                logDestinationType: "cloud-watch-logs",
                logDestination: `arn:aws:logs:${REGION}:123456789012:log-group:/their/flow-logs/app`,
                iamRoleArn: `arn:aws:iam::123456789012:role/${role.id}`,
                logFormat: ALARM_FORMAT,
                maxAggregationInterval: 60,
                tags: { Name: "app-alarms" },
            });
            assert.ok(alarm.dependencies.includes(byName(plan, "app-deliveryPolicy").urn));
        });

        it("trusts only the flow logs service of the given account, partition and region", () => {
            const role = byName(plan, "app-deliveryRole");
            assert.equal(role.inputs.description, "Lets VPC Flow Logs write /their/flow-logs/app");
            assert.deepStrictEqual(jsonInput(role, "assumeRolePolicy"), {
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                        Action: "sts:AssumeRole",
                        Condition: {
                            StringEquals: { "aws:SourceAccount": ACCOUNT },
                            ArnLike: { "aws:SourceArn": `arn:aws-us-gov:ec2:${REGION}:${ACCOUNT}:vpc-flow-log/*` },
                        },
                    },
                ],
            });
        });

        it("without alerting args, declares no metric filter and no alarm", () => {
            assert.deepEqual(
                childrenOf(plan, "app")
                    .map((r) => r.name)
                    .sort(),
                [
                    "app-alarmFlowLog",
                    "app-alarmLogGroup",
                    "app-deliveryPolicy",
                    "app-deliveryRole",
                    "app-lakeFlowLog",
                    "app-vpc",
                ],
            );
        });
    });

    describe("adopting a VPC by id, with defaults", () => {
        let plan: Plan;
        let vpcId: string;
        before(async () => {
            const run = await planComponents(
                () => {
                    const provider = new aws.Provider("frankfurt", { region: "eu-central-1" });
                    return new MonitoredVpc(
                        "legacy",
                        {
                            vpc: { vpcId: "vpc-0aaabbbcccdddeee1" },
                            region: "eu-central-1",
                            accountId: ACCOUNT,
                            partition: "aws",
                            lakeBucketArn: "arn:aws:s3:::their-lake",
                            logGroupName: "/their/legacy",
                        },
                        { provider },
                    );
                },
                { region: "eu-central-1" },
            );
            plan = run.plan;
            vpcId = await unwrap(run.result.vpcId);
        });

        it("reads the VPC by its id on the explicit provider instead of creating one", () => {
            const vpc = byName(plan, "legacy-vpc");
            assert.equal(vpc.type, "aws:ec2/vpc:Vpc");
            assert.equal(vpc.read, true);
            assert.equal(vpc.id, "vpc-0aaabbbcccdddeee1");
            assert.equal(vpc.provider, providerUrn(plan, "frankfurt"));
            assert.equal(byType(plan, "awsx:ec2:Vpc").length, 0);
            assert.equal(vpcId, "vpc-0aaabbbcccdddeee1");
            assert.equal(byName(plan, "legacy-lakeFlowLog").inputs.vpcId, "vpc-0aaabbbcccdddeee1");
        });

        it("defaults to REJECT traffic, 90 days' retention and a protected log group", () => {
            assert.equal(byName(plan, "legacy-alarmFlowLog").inputs.trafficType, "REJECT");
            const group = byName(plan, "legacy-alarmLogGroup");
            assert.deepStrictEqual(group.inputs, { name: "/their/legacy", retentionInDays: 90 });
            assert.equal(group.protect, true);
            assert.equal(group.retainOnDelete, true);
        });
    });
});

describe("AnalyticsLake constructed directly", () => {
    let plan: Plan;
    before(async () => {
        ({ plan } = await planComponents(() => {
            const provider = new aws.Provider("gov", { region: REGION });
            new AnalyticsLake(
                "archive",
                {
                    stack: "Shared.Logs",
                    accountId: ACCOUNT,
                    partition: PARTITION,
                    regions: ["us-gov-west-1", "us-gov-east-1"],
                    transitionToInfrequentAccessDays: 60,
                    expireAfterDays: 730,
                    bytesScannedCutoffGb: 50,
                    protectData: false,
                },
                { provider },
            );
        }));
    });

    it("puts every lake resource under the component, on the explicit provider", () => {
        const gov = providerUrn(plan, "gov");
        const component = byName(plan, "archive");
        for (const r of customResources(plan)) {
            assert.equal(r.provider, gov, r.name);
            assert.equal(r.parent, component.urn, r.name);
        }
    });

    it("admits log delivery for the given account and regions only, in the given partition", () => {
        const bucket = byName(plan, "archive-bucket");
        const bucketArn = `arn:aws:s3:::${bucket.id}`;
        const prefix = `${bucketArn}/vpc-flow-logs/AWSLogs/aws-account-id=${ACCOUNT}/aws-service=vpcflowlogs`;
        const conditions = {
            StringEquals: { "aws:SourceAccount": ACCOUNT },
            ArnLike: {
                "aws:SourceArn": [
                    `arn:aws-us-gov:logs:us-gov-east-1:${ACCOUNT}:*`,
                    `arn:aws-us-gov:logs:us-gov-west-1:${ACCOUNT}:*`,
                ],
            },
        };
        assert.deepStrictEqual(jsonInput(byName(plan, "archive-bucketPolicy"), "policy"), {
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
                    Principal: { Service: "delivery.logs.amazonaws.com" },
                    Action: "s3:PutObject",
                    Resource: [`${prefix}/aws-region=us-gov-east-1/*`, `${prefix}/aws-region=us-gov-west-1/*`],
                    Condition: {
                        ...conditions,
                        StringEquals: { ...conditions.StringEquals, "s3:x-amz-acl": "bucket-owner-full-control" },
                    },
                },
                {
                    Sid: "AWSLogDeliveryAclCheck",
                    Effect: "Allow",
                    Principal: { Service: "delivery.logs.amazonaws.com" },
                    Action: ["s3:GetBucketAcl", "s3:ListBucket"],
                    Resource: bucketArn,
                    Condition: conditions,
                },
            ],
        });
    });

    it("catalogues a Parquet table in the stack's database, projecting the given regions", () => {
        const bucket = byName(plan, "archive-bucket").id;
        assert.equal(byName(plan, "archive-database").inputs.name, "vpc_flow_monitor_shared_logs_af47c107");
        const table = byName(plan, "archive-table").inputs as Record<string, any>;
        const location = `s3://${bucket}/vpc-flow-logs/AWSLogs/aws-account-id=${ACCOUNT}/aws-service=vpcflowlogs/`;
        assert.equal(table.databaseName, "vpc_flow_monitor_shared_logs_af47c107");
        assert.equal(table.name, "flow_logs");
        assert.equal(table.tableType, "EXTERNAL_TABLE");
        assert.equal(table.storageDescriptor.location, location);
        assert.equal(table.storageDescriptor.columns.length, 14);
        assert.deepEqual(table.storageDescriptor.columns.slice(0, 3), [
            { name: "interface_id", type: "string" },
            { name: "srcaddr", type: "string" },
            { name: "dstaddr", type: "string" },
        ]);
        assert.deepEqual(
            table.partitionKeys.map((k: { name: string }) => k.name),
            ["aws_region", "year", "month", "day", "hour"],
        );
        assert.equal(table.parameters.classification, "parquet");
        assert.equal(table.parameters["projection.aws_region.values"], "us-gov-east-1,us-gov-west-1");
        assert.equal(
            table.parameters["storage.location.template"],
            `${location}aws-region=\${aws_region}/year=\${year}/month=\${month}/day=\${day}/hour=\${hour}/`,
        );
    });

    it("applies the given lifecycle, scan cutoff and protection", () => {
        const rules = (byName(plan, "archive-lifecycle").inputs as Record<string, any>).rules;
        assert.deepEqual(rules[0].transitions, [{ days: 60, storageClass: "STANDARD_IA" }]);
        assert.deepEqual(rules[0].expiration, { days: 730 });
        const workgroup = byName(plan, "archive-workgroup").inputs as Record<string, any>;
        assert.equal(workgroup.name, "vpc-flow-monitor-Shared.Logs");
        assert.equal(workgroup.configuration.bytesScannedCutoffPerQuery, 50 * 1024 ** 3);
        const bucket = byName(plan, "archive-bucket");
        assert.deepEqual(bucket.inputs, { forceDestroy: true });
        assert.equal(bucket.protect, false);
        assert.equal(bucket.retainOnDelete, false);
    });
});

const RULE_MATCH = {
    action: FlowAction.REJECT,
    protocol: PROTOCOL_NUMBERS.tcp,
    dstPort: [3306, 5432],
    srcAddr: "192.168.*",
};

describe("AlertingRule constructed directly", () => {
    let plan: Plan;
    let pattern: string;
    before(async () => {
        const run = await planComponents(() => {
            const provider = new aws.Provider("gov", { region: REGION });
            return new AlertingRule(
                "web-db-from-outside",
                {
                    stack: "shared",
                    vpcName: "web",
                    rule: {
                        name: "db-from-outside",
                        description: "Rejected database connections from outside 10.0.0.0/8",
                        match: RULE_MATCH,
                        threshold: 5,
                        periodSeconds: 60,
                        evaluationPeriods: 3,
                    },
                    logGroupName: "/their/web",
                    region: REGION,
                    accountId: ACCOUNT,
                    topicArn: TOPIC_ARN,
                },
                { provider },
            );
        });
        plan = run.plan;
        pattern = run.result.pattern;
    });

    const PATTERN =
        "[version, account_id, interface_id, srcaddr = 192.168.*, dstaddr, srcport, dstport = 3306 || dstport = 5432, protocol = 6, packets, bytes, start, end, action = REJECT, log_status]";

    it("renders the match into the space-delimited pattern of the default format", () => {
        assert.equal(pattern, PATTERN);
        assert.deepStrictEqual(byName(plan, "web-db-from-outside-metricFilter").inputs, {
            name: "web-db-from-outside",
            logGroupName: "/their/web",
            pattern: PATTERN,
            metricTransformation: {
                name: "db-from-outside",
                namespace: "VpcFlowMonitor/shared/web",
                value: "1",
                unit: "Count",
            },
        });
    });

    it("alarms on Sum >= threshold for every evaluation period, notifying the given topic", () => {
        const alarm = byName(plan, "web-db-from-outside-alarm");
        assert.deepStrictEqual(alarm.inputs, {
            name: "vpc-flow-monitor-shared-web-db-from-outside",
            alarmDescription: [
                "Rejected database connections from outside 10.0.0.0/8: at least 5 matching flow log records in 1 minute, in each of 3 periods in a row.",
                `VPC web, account ${ACCOUNT}, region ${REGION}, stack shared.`,
                // The "Counts records where ..." line does not fit beside this link: left out whole, the link kept.
                "Matching records of the last 1 hour (Logs Insights):",
                logsInsightsUrl(REGION, ["/their/web"], offendingRecordsQuery(RULE_MATCH, DEFAULT_FORMAT_FIELDS), 3600),
            ].join("\n"),
            namespace: "VpcFlowMonitor/shared/web",
            metricName: "db-from-outside",
            statistic: "Sum",
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: 5,
            period: 60,
            evaluationPeriods: 3,
            datapointsToAlarm: 3,
            treatMissingData: "notBreaching",
            alarmActions: [TOPIC_ARN],
            okActions: [TOPIC_ARN],
        });
        assert.ok(alarm.dependencies.includes(byName(plan, "web-db-from-outside-metricFilter").urn));
        assert.equal(alarm.provider, providerUrn(plan, "gov"));
    });
});

describe("AlarmTopic and SlackChannel constructed directly", () => {
    let plan: Plan;
    before(async () => {
        ({ plan } = await planComponents(() => {
            const provider = new aws.Provider("gov", { region: REGION });
            const topic = new AlarmTopic(
                "alerts",
                {
                    stack: "shared",
                    region: REGION,
                    accountId: ACCOUNT,
                    partition: PARTITION,
                    emails: ["a@example.com", "b@example.com"],
                },
                { provider },
            );
            new SlackChannel(
                "chat",
                { stack: "shared", workspaceId: "T0123ABCD", channelId: "C0123ABCD", topicArns: [topic.topicArn] },
                { provider },
            );
        }));
    });

    it("lets only CloudWatch alarms of the given account and region publish to the topic", () => {
        const topic = byName(plan, "alerts-topic");
        assert.equal(topic.inputs.name, "vpc-flow-monitor-shared-alarms");
        const topicArn = topic.id;
        assert.deepStrictEqual(jsonInput(byName(plan, "alerts-topicPolicy"), "policy"), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "CloudWatchAlarmsOfThisAccount",
                    Effect: "Allow",
                    Principal: { Service: "cloudwatch.amazonaws.com" },
                    Action: "sns:Publish",
                    Resource: topicArn,
                    Condition: {
                        StringEquals: { "aws:SourceAccount": ACCOUNT },
                        ArnLike: { "aws:SourceArn": `arn:aws-us-gov:cloudwatch:${REGION}:${ACCOUNT}:alarm:*` },
                    },
                },
            ],
        });
    });

    it("subscribes each address, and points the Slack channel at the topic", () => {
        const topicArn = byName(plan, "alerts-topic").id;
        assert.deepEqual(
            ["alerts-email-0", "alerts-email-1"].map((n) => byName(plan, n).inputs),
            [
                { topic: topicArn, protocol: "email", endpoint: "a@example.com" },
                { topic: topicArn, protocol: "email", endpoint: "b@example.com" },
            ],
        );
        const configuration = byName(plan, "chat-configuration").inputs as Record<string, any>;
        assert.equal(configuration.slackTeamId, "T0123ABCD");
        assert.equal(configuration.slackChannelId, "C0123ABCD");
        assert.deepEqual(configuration.snsTopicArns, [topicArn]);
        assert.equal(configuration.configurationName, "vpc-flow-monitor-shared");
    });
});

describe("a per-key AlertingRule constructed directly", () => {
    let plan: Plan;
    before(async () => {
        ({ plan } = await planComponents(() => {
            const provider = new aws.Provider("gov", { region: REGION });
            const rule = (name: string, extra: object) =>
                new AlertingRule(
                    `web-${name}`,
                    {
                        stack: "shared",
                        vpcName: "web",
                        rule: {
                            name,
                            match: { action: FlowAction.REJECT, dstPort: 22 },
                            threshold: 50,
                            periodSeconds: 300,
                            evaluationPeriods: 1,
                            by: "srcAddr",
                            ...extra,
                        },
                        logGroupName: "/their/web",
                        region: REGION,
                        accountId: ACCOUNT,
                        vpcId: "vpc-0123456789abcdef0",
                        topicArn: TOPIC_ARN,
                    },
                    { provider },
                );
            return [rule("ssh-per-source", {}), rule("ssh-many-sources", { statistic: "uniqueContributors" })];
        }));
    });

    it("creates a Contributor Insights rule keyed by the field, positions from the format, and no metric filter", () => {
        assert.deepEqual(
            childrenOf(plan, "web-ssh-per-source").map((r) => [r.type, r.name]),
            [
                ["aws:cloudwatch/contributorInsightRule:ContributorInsightRule", "web-ssh-per-source-insightRule"],
                ["aws:cloudwatch/metricAlarm:MetricAlarm", "web-ssh-per-source-alarm"],
            ],
        );
        const insight = byName(plan, "web-ssh-per-source-insightRule");
        assert.equal(insight.inputs.ruleName, "vpc-flow-monitor-shared-web-ssh-per-source");
        assert.equal(insight.inputs.ruleState, "ENABLED");
        assert.deepEqual(jsonInput(insight, "ruleDefinition"), {
            Schema: { Name: "CloudWatchLogRule", Version: 1 },
            LogGroupNames: ["/their/web"],
            LogFormat: "CLF",
            Fields: { "4": "srcaddr", "7": "dstport", "13": "action" },
            Contribution: {
                Keys: ["srcaddr"],
                Filters: [
                    { Match: "action", In: ["REJECT"] },
                    { Match: "dstport", EqualTo: 22 },
                ],
            },
            AggregateOn: "Count",
        });
    });

    it("alarms on INSIGHT_RULE_METRIC of that rule: the busiest source, or the number of distinct sources", () => {
        const alarm = byName(plan, "web-ssh-per-source-alarm");
        const { alarmDescription, ...inputs } = alarm.inputs;
        assert.deepStrictEqual(inputs, {
            name: "vpc-flow-monitor-shared-web-ssh-per-source",
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: 50,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            treatMissingData: "notBreaching",
            metricQueries: [
                {
                    id: "contributors",
                    expression:
                        "INSIGHT_RULE_METRIC('vpc-flow-monitor-shared-web-ssh-per-source', 'MaxContributorValue')",
                    label: "Matching records of the busiest source address",
                    period: 300,
                    returnData: true,
                },
            ],
            alarmActions: [TOPIC_ARN],
            okActions: [TOPIC_ARN],
        });
        assert.ok(alarm.dependencies.includes(byName(plan, "web-ssh-per-source-insightRule").urn));
        const lines = (alarmDescription as string).split("\n");
        assert.deepEqual(lines.slice(0, 2), [
            "Rule ssh-per-source: a single source address with at least 50 matching records in 5 minutes.",
            `VPC web (vpc-0123456789abcdef0), account ${ACCOUNT}, region ${REGION}, stack shared.`,
        ]);
        assert.equal(lines[lines.length - 2], "Top source addresses of the last 1 hour (Logs Insights):");
        // The link counts the matching records per source: the "who" the notification itself cannot carry.
        assert.ok(lines[lines.length - 1].includes("stats*20count*28*2A*29*20as*20records*20by*20srcaddr"));
        const unique = byName(plan, "web-ssh-many-sources-alarm").inputs.metricQueries as {
            expression: string;
            label: string;
        }[];
        assert.equal(
            unique[0].expression,
            "INSIGHT_RULE_METRIC('vpc-flow-monitor-shared-web-ssh-many-sources', 'UniqueContributors')",
        );
        assert.equal(unique[0].label, "Distinct source addresses with matching records");
        assert.ok(
            (byName(plan, "web-ssh-many-sources-alarm").inputs.alarmDescription as string).startsWith(
                "Rule ssh-many-sources: at least 50 distinct source addresses with matching records in 5 minutes.\n",
            ),
        );
    });
});
