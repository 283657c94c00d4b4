/**
 * Alerting in the planned program (the real program under the offline mocks): per VPC the rules it
 * ends up with, each a metric filter with its pattern pinned as an exact string and an alarm that
 * notifies its region's topic; the aggregate metric filters; one topic per region with its policy
 * and email subscriptions; the Slack channel through AWS Chatbot.
 */
import * as assert from "node:assert/strict";
import { FlowAction, parsePattern, selectsAction } from "../../flowlogs";
import { parseLogFormat } from "../../flowlogs/fields";
import { AGGREGATE_FILTERS } from "../../components/naming";
import { Plan } from "../../tools/plan/offlinePlan";
import {
    ACCOUNT,
    byName,
    byType,
    childrenOf,
    inputsOf,
    jsonInput,
    outputsOf,
    planOf,
    providerOf,
} from "../helpers/plan";

const ALERTING_RULE = "vpc-flow-monitor:alerting:AlertingRule";
const METRIC_FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter";
const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TOPIC = "aws:sns/topic:Topic";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const SLACK = "vpc-flow-monitor:notifications:SlackChannel";

const STACK = "alerting";
const ADOPTED_ID = "vpc-0123456789abcdef0";

/** Two regions (the home region second), three VPCs, a stack rule, VPC rules (one overriding a default by name), email and Slack. */
const CONFIG = {
    "aws:region": "eu-west-1",
    "vpc-flow-monitor:regions": [
        { region: "us-west-2", vpcs: [{ name: "edge", cidrBlock: "10.20.0.0/16" }] },
        {
            region: "eu-west-1",
            vpcs: [
                {
                    name: "core",
                    cidrBlock: "10.10.0.0/16",
                    rules: [
                        {
                            name: "ssh-rejected",
                            description: "SSH attempts on the core",
                            match: { action: "REJECT", protocol: "tcp", dstPort: 22 },
                            threshold: 10,
                        },
                        {
                            name: "db-rejected",
                            match: { action: "REJECT", protocol: 6, dstPort: [3306, 5432] },
                            threshold: 2,
                            periodSeconds: 60,
                            evaluationPeriods: 3,
                        },
                    ],
                },
                { name: "legacy", vpcId: ADOPTED_ID },
            ],
        },
    ],
    "vpc-flow-monitor:alerts": {
        emails: ["secops@example.com", "oncall@example.com"],
        slack: { workspaceId: "T0123ABCD", channelId: "C0123ABCD" },
        rules: [
            {
                name: "bastion-http-rejected",
                description: "Rejected HTTP from the bastion host",
                match: { action: "REJECT", protocol: "tcp", srcAddr: "10.0.0.155", dstPort: 80 },
                threshold: 3,
                periodSeconds: 300,
            },
        ],
    },
};

const REGION_OF: Record<string, string> = { edge: "us-west-2", core: "eu-west-1", legacy: "eu-west-1" };

/** What each VPC must end up with, in order: defaults, stack rules, VPC rules (a replacement takes its own place), SKIPDATA. */
const RULES_OF: Record<string, readonly string[]> = {
    edge: ["reject-any", "ssh-rejected", "rdp-rejected", "bastion-http-rejected", "flow-log-skipdata"],
    core: ["reject-any", "rdp-rejected", "bastion-http-rejected", "ssh-rejected", "db-rejected", "flow-log-skipdata"],
    legacy: ["reject-any", "ssh-rejected", "rdp-rejected", "bastion-http-rejected", "flow-log-skipdata"],
};

/** Every pattern, as CloudWatch will receive it, for the default format the alarm log group gets. */
const PATTERNS: Record<string, string> = {
    "reject-any": "[srcaddr, dstport, protocol, packets, start, action = REJECT, log_status]",
    "ssh-rejected": "[srcaddr, dstport = 22, protocol = 6, packets, start, action = REJECT, log_status]",
    "rdp-rejected": "[srcaddr, dstport = 3389, protocol = 6, packets, start, action = REJECT, log_status]",
    "bastion-http-rejected":
        "[srcaddr = 10.0.0.155, dstport = 80, protocol = 6, packets, start, action = REJECT, log_status]",
    "db-rejected":
        "[srcaddr, dstport = 3306 || dstport = 5432, protocol = 6, packets, start, action = REJECT, log_status]",
    "flow-log-skipdata": "[srcaddr, dstport, protocol, packets, start, action, log_status = SKIPDATA]",
    aggregateRejected: "[srcaddr, dstport, protocol, packets, start, action = REJECT, log_status]",
    aggregateRecords: "[srcaddr, dstport, protocol, packets, start, action, log_status = OK]",
};

interface AlarmSettings {
    readonly threshold: number;
    readonly period: number;
    readonly evaluationPeriods: number;
    readonly description: string;
}
const DEFAULT_SETTINGS: Record<string, AlarmSettings> = {
    "reject-any": {
        threshold: 50,
        period: 300,
        evaluationPeriods: 1,
        description: "A burst of rejected traffic (any source, port and protocol)",
    },
    "ssh-rejected": {
        threshold: 3,
        period: 300,
        evaluationPeriods: 1,
        description: "Rejected SSH (TCP 22) connection attempts",
    },
    "rdp-rejected": {
        threshold: 3,
        period: 300,
        evaluationPeriods: 1,
        description: "Rejected RDP (TCP 3389) connection attempts",
    },
    "bastion-http-rejected": {
        threshold: 3,
        period: 300,
        evaluationPeriods: 1,
        description: "Rejected HTTP from the bastion host",
    },
    "flow-log-skipdata": {
        threshold: 1,
        period: 300,
        evaluationPeriods: 1,
        description: "The flow log skipped records during an aggregation interval",
    },
};
/** core's own rules: ssh-rejected retuned, db-rejected added. */
function settingsOf(vpc: string, rule: string): AlarmSettings {
    if (vpc === "core" && rule === "ssh-rejected")
        return { threshold: 10, period: 300, evaluationPeriods: 1, description: "SSH attempts on the core" };
    if (vpc === "core" && rule === "db-rejected")
        return { threshold: 2, period: 60, evaluationPeriods: 3, description: "Rule db-rejected" };
    return DEFAULT_SETTINGS[rule];
}

/** The fields the VPC's alarm flow log delivers, as the plan renders them. */
const alarmFieldsOf = (plan: Plan, vpc: string) => parseLogFormat(inputsOf(plan, `${vpc}-alarmFlowLog`).logFormat);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const topicArnOf = (region: string) => `arn:aws:sns:${region}:${ACCOUNT}:vpc-flow-monitor-${STACK}-alarms`;
const logGroupOf = (vpc: string) => `/vpc-flow-monitor/${STACK}/${vpc}`;
const namespaceOf = (vpc: string) => `VpcFlowMonitor/${STACK}/${vpc}`;

describe("alerting in the planned program", function () {
    this.timeout(60000);
    let plan: Plan;
    before(async () => {
        plan = await planOf(CONFIG, STACK);
    });

    it("gives every VPC exactly its effective rules, each an AlertingRule holding one metric filter and one alarm", () => {
        for (const [vpc, rules] of Object.entries(RULES_OF)) {
            const components = childrenOf(plan, vpc).filter((r) => r.type === ALERTING_RULE);
            assert.deepEqual(
                components.map((c) => c.name),
                rules.map((rule) => `${vpc}-${rule}`),
                vpc,
            );
            for (const component of components) {
                const children = childrenOf(plan, component.name);
                assert.deepEqual(
                    children.map((c) => [c.type, c.name]),
                    [
                        [METRIC_FILTER, `${component.name}-metricFilter`],
                        [METRIC_ALARM, `${component.name}-alarm`],
                    ],
                );
            }
        }
        assert.equal(byType(plan, METRIC_ALARM).length, 16);
    });

    for (const [vpc, rules] of Object.entries(RULES_OF)) {
        const region = REGION_OF[vpc];
        describe(`${vpc} (${region})`, () => {
            for (const rule of rules) {
                it(`${rule}: a metric filter on the VPC's log group with the rendered pattern, counting 1 per record`, () => {
                    const filter = byName(plan, `${vpc}-${rule}-metricFilter`);
                    assert.deepStrictEqual(filter.inputs, {
                        name: `${vpc}-${rule}`,
                        logGroupName: logGroupOf(vpc),
                        pattern: PATTERNS[rule],
                        metricTransformation: { name: rule, namespace: namespaceOf(vpc), value: "1", unit: "Count" },
                    });
                    assert.deepEqual(filter.propertyDependencies.logGroupName, [
                        byName(plan, `${vpc}-alarmLogGroup`).urn,
                    ]);
                    assert.equal(filter.provider, providerOf(plan, region));
                });

                it(`${rule}: an alarm on Sum >= threshold, missing data not breaching, ALARM and OK to the ${region} topic`, () => {
                    const alarm = byName(plan, `${vpc}-${rule}-alarm`);
                    const settings = settingsOf(vpc, rule);
                    assert.deepStrictEqual(alarm.inputs, {
                        name: `vpc-flow-monitor-${STACK}-${vpc}-${rule}`,
                        alarmDescription: alarm.inputs.alarmDescription,
                        namespace: namespaceOf(vpc),
                        metricName: rule,
                        statistic: "Sum",
                        comparisonOperator: "GreaterThanOrEqualToThreshold",
                        threshold: settings.threshold,
                        period: settings.period,
                        evaluationPeriods: settings.evaluationPeriods,
                        datapointsToAlarm: settings.evaluationPeriods,
                        treatMissingData: "notBreaching",
                        alarmActions: [topicArnOf(region)],
                        okActions: [topicArnOf(region)],
                    });
                    // What the notification says: what, where (the VPC's id, account, region) and the link to its records.
                    const lines = (alarm.inputs.alarmDescription as string).split("\n");
                    const records = settings.threshold === 1 ? "record" : "records";
                    assert.match(
                        lines[0],
                        new RegExp(
                            `^${escapeRegExp(settings.description)}: at least ${settings.threshold} matching flow log ${records} in `,
                        ),
                    );
                    assert.match(
                        lines[1],
                        new RegExp(
                            `^VPC ${vpc} \\(vpc-[0-9a-f]+\\), account ${ACCOUNT}, region ${region}, stack ${STACK}\\.$`,
                        ),
                    );
                    assert.match(
                        lines[lines.length - 2],
                        /^Matching records of the last \d+ hours? \(Logs Insights\):$/,
                    );
                    const url = lines[lines.length - 1];
                    assert.ok(
                        url.startsWith(
                            `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:logs-insights`,
                        ),
                        url,
                    );
                    assert.ok(url.endsWith(`~source~(~'${logGroupOf(vpc).replace(/\//g, "*2F")}))`), url);
                    assert.ok(Buffer.byteLength(alarm.inputs.alarmDescription as string) <= 1024);
                    const topic = byName(plan, `alerts-${region}-topic`);
                    assert.deepEqual(alarm.propertyDependencies.alarmActions, [topic.urn]);
                    assert.deepEqual(alarm.propertyDependencies.okActions, [topic.urn]);
                    // Created after its metric filter: the metric exists before anything reads it.
                    assert.ok(alarm.dependencies.includes(byName(plan, `${vpc}-${rule}-metricFilter`).urn));
                    assert.equal(alarm.provider, providerOf(plan, region));
                });
            }

            it("has the baseline REJECT alarm: a pattern that selects action = REJECT, with actions", () => {
                const pattern = parsePattern(inputsOf(plan, `${vpc}-reject-any-metricFilter`).pattern);
                assert.ok(selectsAction(pattern, FlowAction.REJECT, alarmFieldsOf(plan, vpc)));
                assert.deepEqual(inputsOf(plan, `${vpc}-reject-any-alarm`).alarmActions, [topicArnOf(region)]);
            });

            it("publishes rejected packets per protocol and records per action (no default value: they carry dimensions)", () => {
                assert.deepStrictEqual(inputsOf(plan, `${vpc}-rejectedPacketsFilter`), {
                    name: `${vpc}-rejected-packets`,
                    logGroupName: logGroupOf(vpc),
                    pattern: PATTERNS.aggregateRejected,
                    metricTransformation: {
                        name: "RejectedPackets",
                        namespace: namespaceOf(vpc),
                        value: "$packets",
                        unit: "Count",
                        dimensions: { Protocol: "$protocol" },
                    },
                });
                assert.deepStrictEqual(inputsOf(plan, `${vpc}-flowRecordsFilter`), {
                    name: `${vpc}-flow-records`,
                    logGroupName: logGroupOf(vpc),
                    pattern: PATTERNS.aggregateRecords,
                    metricTransformation: {
                        name: "FlowRecords",
                        namespace: namespaceOf(vpc),
                        value: "1",
                        unit: "Count",
                        dimensions: { Action: "$action" },
                    },
                });
                // The dimension and value names are fields the pattern names, as CloudWatch requires.
                const columns = parsePattern(PATTERNS.aggregateRejected).columns;
                for (const ref of ["packets", "protocol", "action"]) assert.ok(columns.includes(ref), ref);
            });
        });
    }

    it("keeps every metric filter name unique within its log group", () => {
        for (const vpc of Object.keys(RULES_OF)) {
            const names = byType(plan, METRIC_FILTER)
                .filter((f) => f.inputs.logGroupName === logGroupOf(vpc))
                .map((f) => f.inputs.name as string);
            // One per rule plus one per AGGREGATE_FILTERS entry: the count the config holds to CloudWatch's 100 (alertConfig.ts).
            assert.equal(names.length, RULES_OF[vpc].length + Object.keys(AGGREGATE_FILTERS).length);
            for (const filter of Object.values(AGGREGATE_FILTERS))
                assert.ok(names.includes(`${vpc}-${filter}`), filter);
            assert.equal(new Set(names).size, names.length, names.join(", "));
        }
    });

    describe("notifications", () => {
        it("creates one topic per region, on that region's provider, unencrypted so CloudWatch can publish", () => {
            const topics = byType(plan, TOPIC);
            assert.deepEqual(topics.map((t) => t.name).sort(), ["alerts-eu-west-1-topic", "alerts-us-west-2-topic"]);
            for (const region of ["us-west-2", "eu-west-1"]) {
                const topic = byName(plan, `alerts-${region}-topic`);
                assert.deepStrictEqual(topic.inputs, {
                    name: `vpc-flow-monitor-${STACK}-alarms`,
                    displayName: `vpc-flow-monitor ${STACK} ${region}`,
                });
                assert.equal(topic.provider, providerOf(plan, region));
                assert.equal(outputsOf(plan, `alerts-${region}-topic`).arn, topicArnOf(region));
            }
        });

        for (const region of ["us-west-2", "eu-west-1"]) {
            it(`lets only CloudWatch alarms of this account in ${region} publish to the ${region} topic`, () => {
                const policy = byName(plan, `alerts-${region}-topicPolicy`);
                assert.equal(policy.inputs.arn, topicArnOf(region));
                assert.deepEqual(policy.propertyDependencies.arn, [byName(plan, `alerts-${region}-topic`).urn]);
                assert.deepStrictEqual(jsonInput(policy, "policy"), {
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "CloudWatchAlarmsOfThisAccount",
                            Effect: "Allow",
                            Principal: { Service: "cloudwatch.amazonaws.com" },
                            Action: "sns:Publish",
                            Resource: topicArnOf(region),
                            Condition: {
                                StringEquals: { "aws:SourceAccount": ACCOUNT },
                                ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${region}:${ACCOUNT}:alarm:*` },
                            },
                        },
                    ],
                });
            });

            it(`subscribes every configured address to the ${region} topic by email`, () => {
                const subscriptions = byType(plan, SUBSCRIPTION).filter((s) => s.name.startsWith(`alerts-${region}-`));
                assert.deepStrictEqual(
                    subscriptions.map((s) => [s.name, s.inputs]),
                    [
                        [
                            `alerts-${region}-email-0`,
                            { topic: topicArnOf(region), protocol: "email", endpoint: "secops@example.com" },
                        ],
                        [
                            `alerts-${region}-email-1`,
                            { topic: topicArnOf(region), protocol: "email", endpoint: "oncall@example.com" },
                        ],
                    ],
                );
                for (const s of subscriptions) assert.equal(s.provider, providerOf(plan, region));
            });
        }

        it("posts every region's topic to one Slack channel through AWS Chatbot, managed in us-east-2", () => {
            const configuration = byName(plan, "slack-configuration");
            const role = byName(plan, "slack-role");
            assert.deepStrictEqual(configuration.inputs, {
                region: "us-east-2",
                configurationName: `vpc-flow-monitor-${STACK}`,
                slackTeamId: "T0123ABCD",
                slackChannelId: "C0123ABCD",
                iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/${role.id}`,
                guardrailPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                snsTopicArns: [topicArnOf("us-west-2"), topicArnOf("eu-west-1")],
                loggingLevel: "ERROR",
            });
            assert.deepEqual(configuration.propertyDependencies.snsTopicArns, [
                byName(plan, "alerts-us-west-2-topic").urn,
                byName(plan, "alerts-eu-west-1-topic").urn,
            ]);
            assert.ok(
                configuration.dependencies.includes(byName(plan, "slack-rolePolicy").urn),
                "created after the role's policy",
            );
        });

        it("gives the Chatbot channel a role only Chatbot can assume, allowed to read alarms and metrics and nothing else", () => {
            assert.deepStrictEqual(jsonInput(byName(plan, "slack-role"), "assumeRolePolicy"), {
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Principal: { Service: "chatbot.amazonaws.com" }, Action: "sts:AssumeRole" },
                ],
            });
            const rolePolicy = byName(plan, "slack-rolePolicy");
            assert.equal(rolePolicy.inputs.role, byName(plan, "slack-role").id);
            assert.deepStrictEqual(jsonInput(rolePolicy, "policy"), {
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
            });
            assert.deepEqual(
                childrenOf(plan, "slack").map((c) => c.name),
                ["slack-role", "slack-rolePolicy", "slack-configuration"],
            );
        });
    });
});

describe("alerting defaults and variants", function () {
    this.timeout(60000);

    const single = (alerts: unknown, vpcs: unknown[] = [{ name: "solo", cidrBlock: "10.0.0.0/16" }]) => ({
        "aws:region": "us-east-1",
        "vpc-flow-monitor:regions": [{ region: "us-east-1", vpcs }],
        ...(alerts === undefined ? {} : { "vpc-flow-monitor:alerts": alerts }),
    });
    const rulesOf = (plan: Plan, vpc: string) =>
        childrenOf(plan, vpc)
            .filter((r) => r.type === ALERTING_RULE)
            .map((r) => r.name.slice(vpc.length + 1));

    it("without an alerts key: the default rules, a topic with its policy, no subscription and no Slack", async () => {
        const plan = await planOf(single(undefined), "quiet");
        assert.deepEqual(rulesOf(plan, "solo"), ["reject-any", "ssh-rejected", "rdp-rejected", "flow-log-skipdata"]);
        assert.equal(byType(plan, TOPIC).length, 1);
        assert.equal(byType(plan, "aws:sns/topicPolicy:TopicPolicy").length, 1);
        assert.equal(byType(plan, SUBSCRIPTION).length, 0);
        assert.equal(byType(plan, SLACK).length, 0);
        assert.equal(byType(plan, "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration").length, 0);
    });

    it("defaultRules: false with no other REJECT rule keeps the baseline REJECT alarm (and the SKIPDATA alarm)", async () => {
        const plan = await planOf(
            single({ defaultRules: false, rules: [{ name: "tcp-any", match: { protocol: "tcp" }, threshold: 100 }] }),
            "nodefaults",
        );
        assert.deepEqual(rulesOf(plan, "solo"), ["reject-any", "tcp-any", "flow-log-skipdata"]);
        assert.equal(inputsOf(plan, "solo-reject-any-metricFilter").pattern, PATTERNS["reject-any"]);
    });

    it("defaultRules: false with another REJECT rule replaces the baseline, per VPC", async () => {
        const plan = await planOf(
            single({ defaultRules: false }, [
                {
                    name: "web",
                    cidrBlock: "10.1.0.0/16",
                    rules: [
                        {
                            name: "web-rejected",
                            match: { action: "REJECT", dstPort: { from: 80, to: 443 } },
                            threshold: 5,
                        },
                    ],
                },
                { name: "plain", cidrBlock: "10.2.0.0/16" },
            ]),
            "replaced",
        );
        assert.deepEqual(rulesOf(plan, "web"), ["web-rejected", "flow-log-skipdata"]);
        assert.deepEqual(rulesOf(plan, "plain"), ["reject-any", "flow-log-skipdata"]);
        const pattern = inputsOf(plan, "web-web-rejected-metricFilter").pattern;
        assert.equal(
            pattern,
            "[srcaddr, dstport >= 80 && dstport <= 443, protocol, packets, start, action = REJECT, log_status]",
        );
        assert.ok(
            selectsAction(parsePattern(pattern), FlowAction.REJECT, alarmFieldsOf(plan, "web")),
            "the replacing rule is itself a REJECT alarm",
        );
    });

    it("keeps the alarm description within CloudWatch's 1024 bytes for long multi-byte prose, the link whole", async () => {
        const ports = Array.from({ length: 16 }, (_, i) => 2000 + i);
        const plan = await planOf(
            single({
                rules: [
                    {
                        name: "many-ports",
                        description: "Connexions refusées — à vérifier… ".repeat(6).slice(0, 200),
                        match: { action: "REJECT", dstPort: ports },
                    },
                ],
            }),
            "long",
        );
        const description = inputsOf(plan, "solo-many-ports-alarm").alarmDescription as string;
        // Bytes, not characters: 1024 characters of "é" are 2048 bytes and PutMetricAlarm refuses them.
        assert.ok(Buffer.byteLength(description) <= 1024, `${Buffer.byteLength(description)} bytes`);
        assert.ok(description.startsWith("Connexions refusées — à vérifier… "));
        assert.match(
            description,
            /\.\.\.\nMatching records of the last 1 hour \(Logs Insights\):\nhttps:\/\/[^\n]+~source~\(~'\*2Fvpc-flow-monitor\*2Flong\*2Fsolo\)\)$/,
        );
    });
});
