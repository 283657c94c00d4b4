/**
 * What each component accepts: the pure checks (no Pulumi runtime), every branch with its exact
 * message, and each component refusing bad args with one pulumi.InputPropertiesError that lists
 * every problem, before anything is registered.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
    AlarmTopic,
    AlarmTopicArgs,
    AlertingRule,
    AlertingRuleArgs,
    alarmTopicProblems,
    alertingRuleProblems,
    AlertRule,
    AnalyticsLake,
    AnalyticsLakeArgs,
    analyticsLakeProblems,
    ArgProblem,
    DEFAULT_FORMAT_FIELDS,
    deployVpcFlowMonitor,
    FlowAction,
    formatArgProblems,
    MonitoredVpc,
    MonitoredVpcArgs,
    monitoredVpcProblems,
    PROTOCOL_NUMBERS,
    SlackChannel,
    SlackChannelArgs,
    slackChannelProblems,
    VpcFlowMonitorArgs,
    vpcFlowMonitorProblems,
} from "../../components";

const CIDR_ALLOWED = "an IPv4 network address with a prefix length from /16 to /24, such as 10.10.0.0/16";
const VPC_ID_ALLOWED = "vpc- followed by 8 or 17 hexadecimal digits, such as vpc-0123456789abcdef0";
const RETENTION_ALLOWED =
    "one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653";
const RULE_NAME_ALLOWED = "1 to 48 characters of a-z, 0-9 and -, not starting or ending with -";
const SOURCE_ALLOWED = "exactly one of cidrBlock (create a VPC) or vpcId (adopt an existing VPC)";
const PROVIDERS_ALLOWED =
    "an aws.Provider for the home region and for every region in regions, or leave providers out to create one per region";

const RULE: AlertRule = {
    name: "ssh-from-anywhere",
    match: { action: FlowAction.REJECT, protocol: PROTOCOL_NUMBERS.tcp, dstPort: 22 },
    threshold: 3,
    periodSeconds: 300,
    evaluationPeriods: 1,
};

const VPC_ARGS = {
    vpc: { vpcId: "vpc-0123456789abcdef0" },
    region: "eu-west-1",
    accountId: "123456789012",
    partition: "aws",
    lakeBucketArn: "arn:aws:s3:::lake",
    logGroupName: "/vpc-flow-monitor/test/core",
    alerting: { stack: "test", rules: [RULE], topicArn: "arn:aws:sns:eu-west-1:123456789012:alarms" },
} satisfies MonitoredVpcArgs;

const LAKE_ARGS = {
    stack: "test",
    accountId: "123456789012",
    partition: "aws",
    regions: ["eu-west-1"],
} satisfies AnalyticsLakeArgs;

const RULE_ARGS = {
    stack: "test",
    vpcName: "core",
    rule: RULE,
    logGroupName: "/vpc-flow-monitor/test/core",
    region: "eu-west-1",
    accountId: "123456789012",
    topicArn: "arn:aws:sns:eu-west-1:123456789012:alarms",
} satisfies AlertingRuleArgs;

const TOPIC_ARGS = {
    stack: "test",
    region: "eu-west-1",
    accountId: "123456789012",
    partition: "aws",
    emails: ["secops@example.com"],
} satisfies AlarmTopicArgs;

const SLACK_ARGS = {
    stack: "test",
    workspaceId: "T0123ABCD",
    channelId: "C0123ABCD",
    topicArns: ["arn:aws:sns:eu-west-1:123456789012:alarms"],
} satisfies SlackChannelArgs;

const MONITOR_ARGS = {
    stack: "test",
    project: "example",
    homeRegion: "eu-west-1",
    regions: [{ region: "eu-west-1", vpcs: [{ name: "core", cidrBlock: "10.10.0.0/16" }] }],
    protectData: false,
} satisfies VpcFlowMonitorArgs;

/** Args deliberately wrong for the type too: what a JavaScript caller, or a cast, can hand over. */
function loose<T>(args: T, change: Record<string, unknown>): T {
    return { ...args, ...change } as T;
}

function rule(change: Record<string, unknown>): AlertRule {
    return { ...RULE, ...change } as AlertRule;
}

interface Case<A> {
    readonly title: string;
    readonly args: A;
    readonly problems: readonly ArgProblem[];
}

function table<A>(name: string, check: (args: A) => ArgProblem[], valid: A, cases: readonly Case<A>[]): void {
    describe(name, () => {
        it("accepts the valid args", () => assert.deepEqual(check(valid), []));
        for (const c of cases) it(c.title, () => assert.deepEqual(check(c.args), c.problems));
    });
}

table("monitoredVpcProblems", monitoredVpcProblems, VPC_ARGS as MonitoredVpcArgs, [
    {
        title: "refuses both a CIDR block and a VPC id",
        args: loose(VPC_ARGS, { vpc: { cidrBlock: "10.0.0.0/16", vpcId: "vpc-0123456789abcdef0" } }),
        problems: [
            {
                propertyPath: "vpc",
                reason: `both cidrBlock and vpcId are set; given {"cidrBlock":"10.0.0.0/16","vpcId":"vpc-0123456789abcdef0"}. Allowed: ${SOURCE_ALLOWED}`,
            },
        ],
    },
    {
        title: "refuses neither",
        args: loose(VPC_ARGS, { vpc: {} }),
        problems: [
            { propertyPath: "vpc", reason: `neither cidrBlock nor vpcId is set; given {}. Allowed: ${SOURCE_ALLOWED}` },
        ],
    },
    ...(
        [
            ["10.0.0.1/16", "host bits set (the network address is 10.0.0.0/16)"],
            ["10.0.0.0/12", "prefix length /12 out of range"],
            ["10.0.0.0/28", "prefix length /28 out of range"],
            ["2001:db8::/56", "an IPv6 CIDR block"],
            ["10.0.0.0", "not a CIDR block"],
            ["010.0.0.0/16", "not in dotted-decimal form"],
        ] as const
    ).map(([cidrBlock, what]) => ({
        title: `refuses the CIDR block ${cidrBlock}: ${what}`,
        args: loose(VPC_ARGS, { vpc: { cidrBlock } }),
        problems: [
            {
                propertyPath: "vpc.cidrBlock",
                reason: `${what}; given ${JSON.stringify(cidrBlock)}. Allowed: ${CIDR_ALLOWED}`,
            },
        ],
    })),
    ...["vpc-123", "vpc-0123456789ABCDEF0", "subnet-0123456789abcdef0"].map((vpcId) => ({
        title: `refuses the VPC id ${vpcId}`,
        args: loose(VPC_ARGS, { vpc: { vpcId } }),
        problems: [{ propertyPath: "vpc.vpcId", reason: `not a VPC id; given "${vpcId}". Allowed: ${VPC_ID_ALLOWED}` }],
    })),
    {
        title: "refuses a retention CloudWatch Logs does not offer",
        args: loose(VPC_ARGS, { logRetentionInDays: 42 }),
        problems: [
            {
                propertyPath: "logRetentionInDays",
                reason: `not a retention CloudWatch Logs accepts; given 42. Allowed: ${RETENTION_ALLOWED}`,
            },
        ],
    },
    {
        title: "refuses an empty log group name",
        args: loose(VPC_ARGS, { logGroupName: "" }),
        problems: [
            {
                propertyPath: "logGroupName",
                reason: 'empty; given "". Allowed: 1 to 512 characters of a-z, A-Z, 0-9, _, -, /, . and #',
            },
        ],
    },
    {
        title: "refuses a log group name with characters CloudWatch does not allow",
        args: loose(VPC_ARGS, { logGroupName: "flow logs:core" }),
        problems: [
            {
                propertyPath: "logGroupName",
                reason: 'not a log group name; given "flow logs:core". Allowed: 1 to 512 characters of a-z, A-Z, 0-9, _, -, /, . and #',
            },
        ],
    },
    {
        title: "refuses a region that is not a region name, and a traffic type CloudWatch would not alarm on",
        args: loose(VPC_ARGS, { region: "Virginia", cloudWatchTrafficType: "ACCEPT" }),
        problems: [
            {
                propertyPath: "region",
                reason: 'not a region name; given "Virginia". Allowed: an AWS region name such as us-east-1',
            },
            {
                propertyPath: "cloudWatchTrafficType",
                reason: 'not a traffic type for the alarm log group; given "ACCEPT". Allowed: REJECT or ALL',
            },
        ],
    },
    {
        title: "refuses rules that collide by name, take an aggregate filter's name, or can never fire",
        args: loose(VPC_ARGS, {
            alerting: {
                ...VPC_ARGS.alerting,
                rules: [
                    rule({ name: "accepted", match: { action: "ACCEPT" } }),
                    rule({ name: "accepted" }),
                    rule({ name: "rejected-packets" }),
                ],
            },
        }),
        problems: [
            {
                propertyPath: "alerting.rules[0].match.action",
                reason: 'the alarm log group receives REJECT records only, so this rule could never fire; given "ACCEPT". Allowed: REJECT, or set cloudWatchTrafficType to ALL',
            },
            {
                propertyPath: "alerting.rules[1].name",
                reason: 'duplicate rule name, already used at alerting.rules[0]; given "accepted". Allowed: a name unique in this list',
            },
            {
                propertyPath: "alerting.rules[2].name",
                reason: `reserved: the VPC's aggregate metric filter <vpc>-rejected-packets already has this name; given "rejected-packets". Allowed: any other rule name`,
            },
        ],
    },
    {
        title: "accepts an ACCEPT rule when the alarm log group receives ALL traffic",
        args: loose(VPC_ARGS, {
            cloudWatchTrafficType: "ALL",
            alerting: { ...VPC_ARGS.alerting, rules: [rule({ match: { action: "ACCEPT", dstPort: 22 } })] },
        }),
        problems: [],
    },
    {
        title: "checks each rule at its own path",
        args: loose(VPC_ARGS, {
            alerting: { ...VPC_ARGS.alerting, rules: [RULE, rule({ name: "ssh-again", threshold: 0 })] },
        }),
        problems: [
            {
                propertyPath: "alerting.rules[1].threshold",
                reason: "not a threshold an alarm on a record count can reach; given 0. Allowed: a number of records, at least 1",
            },
        ],
    },
]);

table("analyticsLakeProblems", analyticsLakeProblems, LAKE_ARGS as AnalyticsLakeArgs, [
    {
        title: "refuses an expiry that is not after the transition",
        args: loose(LAKE_ARGS, { transitionToInfrequentAccessDays: 60, expireAfterDays: 60 }),
        problems: [
            {
                propertyPath: "expireAfterDays",
                reason: "expires the records before or when they move to Infrequent Access; given 60 with transitionToInfrequentAccessDays 60. Allowed: a value greater than transitionToInfrequentAccessDays",
            },
        ],
    },
    {
        title: "compares the expiry with the default transition, and says so",
        args: loose(LAKE_ARGS, { expireAfterDays: 20 }),
        problems: [
            {
                propertyPath: "expireAfterDays",
                reason: "expires the records before or when they move to Infrequent Access; given 20 with transitionToInfrequentAccessDays 30 (the default). Allowed: a value greater than transitionToInfrequentAccessDays",
            },
        ],
    },
    {
        title: "refuses a transition before S3's 30 days, without comparing it",
        args: loose(LAKE_ARGS, { transitionToInfrequentAccessDays: 7, expireAfterDays: 5 }),
        problems: [
            {
                propertyPath: "transitionToInfrequentAccessDays",
                reason: "out of range; given 7. Allowed: a whole number of days from 30 to 36500",
            },
        ],
    },
    {
        title: "refuses a fractional expiry",
        args: loose(LAKE_ARGS, { expireAfterDays: 400.5 }),
        problems: [
            {
                propertyPath: "expireAfterDays",
                reason: "not a whole number; given 400.5. Allowed: a whole number of days from 1 to 36500",
            },
        ],
    },
    ...[0, 1025, "10"].map((cutoff) => ({
        title: `refuses a scan cutoff of ${JSON.stringify(cutoff)} GiB`,
        args: loose(LAKE_ARGS, { bytesScannedCutoffGb: cutoff }),
        problems: [
            {
                propertyPath: "bytesScannedCutoffGb",
                reason: `${typeof cutoff === "string" ? "not a number" : "out of range"}; given ${JSON.stringify(cutoff)}. Allowed: a whole number of GiB from 1 to 1024`,
            },
        ],
    })),
    {
        title: "refuses a lake no region delivers to",
        args: loose(LAKE_ARGS, { regions: [] }),
        problems: [
            {
                propertyPath: "regions",
                reason: "no region delivers to the lake; given []. Allowed: a list of at least one region name",
            },
        ],
    },
    {
        title: "refuses a region listed twice",
        args: loose(LAKE_ARGS, { regions: ["eu-west-1", "us-east-1", "eu-west-1"] }),
        problems: [
            {
                propertyPath: "regions[2]",
                reason: 'duplicate region, already listed at regions[0]; given "eu-west-1". Allowed: each region once',
            },
        ],
    },
]);

table("alertingRuleProblems", alertingRuleProblems, RULE_ARGS as AlertingRuleArgs, [
    {
        title: "reports each invalid match property at its own path, in the pattern engine's words",
        args: loose(RULE_ARGS, {
            rule: rule({ match: { action: "DROP", protocol: 300, srcAddr: "10.0.0", dstPort: [22, 70000], eni: "x" } }),
        }),
        problems: [
            { propertyPath: "rule.match.action", reason: 'action is "DROP": use one of ACCEPT, REJECT' },
            {
                propertyPath: "rule.match.protocol",
                reason: 'protocol is 300: use an IANA protocol number 0–255 (protocolNumber("tcp") gives 6)',
            },
            {
                propertyPath: "rule.match.srcAddr",
                reason: 'srcAddr is "10.0.0": use an exact address ("10.0.0.155", lower-case IPv6) or a prefix of whole octets ending in ".*" ("10.0.*") or ":*" for IPv6',
            },
            { propertyPath: "rule.match.dstPort", reason: "dstPort has 70000: ports are whole numbers 0–65535" },
            {
                propertyPath: "rule.match.eni",
                reason: 'unknown property "eni": a flow match has action, protocol, srcAddr, dstAddr, srcPort, dstPort, interfaceId, logStatus',
            },
        ],
    },
    {
        title: "refuses an empty match",
        args: loose(RULE_ARGS, { rule: rule({ match: {} }) }),
        problems: [
            {
                propertyPath: "rule.match",
                reason: "empty: it would count every record; given {}. Allowed: a mapping with at least one of action, protocol, srcAddr, dstAddr, srcPort, dstPort, interfaceId, logStatus",
            },
        ],
    },
    {
        title: "refuses a match whose every property is undefined: it renders no condition",
        args: loose(RULE_ARGS, { rule: rule({ match: { dstPort: undefined, action: undefined } }) }),
        problems: [
            {
                propertyPath: "rule.match",
                reason: "empty: it would count every record; given {}. Allowed: a mapping with at least one of action, protocol, srcAddr, dstAddr, srcPort, dstPort, interfaceId, logStatus",
            },
        ],
    },
    {
        title: "refuses a match whose rendered pattern is longer than CloudWatch accepts",
        args: loose(RULE_ARGS, {
            rule: rule({ match: { action: "REJECT", dstPort: Array.from({ length: 100 }, (_, i) => 1000 + i) } }),
        }),
        problems: [
            {
                propertyPath: "rule.match",
                reason: `the filter pattern would be 1927 characters; given {"action":"REJECT","dstPort":[1000,1001,1002,1003,1004,1005,1006,1007,1008,10.... Allowed: a pattern of at most 1024 characters (CloudWatch's limit): use a port range { from, to } instead of a long list of ports`,
            },
        ],
    },
    {
        title: "refuses a match on a field the delivered format lacks",
        args: loose(RULE_ARGS, { fields: DEFAULT_FORMAT_FIELDS.filter((f) => f.name !== "dstport") }),
        problems: [
            {
                propertyPath: "rule.match",
                reason: 'dstPort needs the field "dstport", which the log format (version account-id interface-id srcaddr dstaddr srcport protocol packets bytes start end action log-status) does not include',
            },
        ],
    },
    {
        title: "refuses a bad name and a threshold below 1",
        args: loose(RULE_ARGS, { rule: rule({ name: "SSH_rule", threshold: 0.5 }) }),
        problems: [
            {
                propertyPath: "rule.name",
                reason: `not a valid rule name; given "SSH_rule". Allowed: ${RULE_NAME_ALLOWED}`,
            },
            {
                propertyPath: "rule.threshold",
                reason: "not a threshold an alarm on a record count can reach; given 0.5. Allowed: a number of records, at least 1",
            },
        ],
    },
    ...[30, 90, 90000, 600.5].map((periodSeconds) => ({
        title: `refuses a period of ${periodSeconds} seconds`,
        args: loose(RULE_ARGS, { rule: rule({ periodSeconds }) }),
        problems: [
            {
                propertyPath: "rule.periodSeconds",
                reason: `not an alarm period; given ${periodSeconds}. Allowed: a multiple of 60 seconds from 60 to 86400`,
            },
        ],
    })),
    {
        title: "refuses a region that is not a region name (it goes into the description's console link)",
        args: loose(RULE_ARGS, { region: "Ireland" }),
        problems: [
            {
                propertyPath: "region",
                reason: 'not a region name; given "Ireland". Allowed: an AWS region name such as us-east-1',
            },
        ],
    },
    {
        title: "refuses a per-key rule by an unknown field, and an unknown statistic",
        args: loose(RULE_ARGS, { rule: rule({ by: "protocol", statistic: "sum" }) }),
        problems: [
            {
                propertyPath: "rule.statistic",
                reason: 'not a per-key statistic; given "sum". Allowed: maxContributorValue or uniqueContributors',
            },
            {
                propertyPath: "rule.by",
                reason: 'not a field to count per; given "protocol". Allowed: srcAddr, dstAddr, dstPort',
            },
        ],
    },
    {
        title: "refuses a per-key rule whose match needs 5 Contributor Insights filters",
        args: loose(RULE_ARGS, {
            rule: rule({
                by: "srcAddr",
                match: { action: "REJECT", protocol: 6, dstAddr: "10.*", dstPort: { from: 1, to: 9 } },
            }),
        }),
        problems: [
            {
                propertyPath: "rule.match",
                reason: "as a Contributor Insights rule (by) the match needs 5 Contributor Insights filters (a port range takes two) and a rule allows at most 4: match on fewer fields",
            },
        ],
    },
    {
        title: "refuses zero evaluation periods",
        args: loose(RULE_ARGS, { rule: rule({ evaluationPeriods: 0 }) }),
        problems: [
            {
                propertyPath: "rule.evaluationPeriods",
                reason: "not a number of periods; given 0. Allowed: a whole number, at least 1",
            },
        ],
    },
    {
        title: "refuses a short-period alarm looking back more than a day",
        args: loose(RULE_ARGS, { rule: rule({ periodSeconds: 300, evaluationPeriods: 289 }) }),
        problems: [
            {
                propertyPath: "rule.evaluationPeriods",
                reason: "the alarm would look back 86700 seconds; given 289 periods of 300 seconds. Allowed: periodSeconds × evaluationPeriods at most 86400 (one day) for periods shorter than an hour",
            },
        ],
    },
    {
        title: "accepts a short-period alarm looking back exactly a day",
        args: loose(RULE_ARGS, { rule: rule({ periodSeconds: 300, evaluationPeriods: 288 }) }),
        problems: [],
    },
    {
        title: "refuses an hourly alarm looking back more than seven days",
        args: loose(RULE_ARGS, { rule: rule({ periodSeconds: 3600, evaluationPeriods: 169 }) }),
        problems: [
            {
                propertyPath: "rule.evaluationPeriods",
                reason: "the alarm would look back 608400 seconds; given 169 periods of 3600 seconds. Allowed: periodSeconds × evaluationPeriods at most 604800 (seven days)",
            },
        ],
    },
]);

table("alarmTopicProblems", alarmTopicProblems, TOPIC_ARGS as AlarmTopicArgs, [
    {
        title: "refuses an email that is not an address, at its index",
        args: loose(TOPIC_ARGS, { emails: ["secops@example.com", "secops", "ops@"] }),
        problems: [
            {
                propertyPath: "emails[1]",
                reason: 'not an email address; given "secops". Allowed: an address such as secops@example.com',
            },
            {
                propertyPath: "emails[2]",
                reason: 'not an email address; given "ops@". Allowed: an address such as secops@example.com',
            },
        ],
    },
    {
        title: "refuses a stack name that cannot name the topic",
        args: loose(TOPIC_ARGS, { stack: "my stack" }),
        problems: [
            {
                propertyPath: "stack",
                reason: 'not a stack name; given "my stack". Allowed: 1 to 100 characters of letters, digits, -, _ and . (a Pulumi stack name)',
            },
        ],
    },
]);

table("slackChannelProblems", slackChannelProblems, SLACK_ARGS as SlackChannelArgs, [
    {
        title: "refuses a workspace id and a channel id of the wrong form",
        args: loose(SLACK_ARGS, { workspaceId: "t0123abcd", channelId: "#alerts" }),
        problems: [
            {
                propertyPath: "workspaceId",
                reason: 'not a Slack workspace id; given "t0123abcd". Allowed: T followed by upper-case letters and digits, such as T0123ABCD (AWS Chatbot console, after authorising the workspace)',
            },
            {
                propertyPath: "channelId",
                reason: 'not a Slack channel id; given "#alerts". Allowed: C or G followed by upper-case letters and digits, such as C0123ABCD (channel details in Slack)',
            },
        ],
    },
    {
        title: "refuses a channel with no topic to post from",
        args: loose(SLACK_ARGS, { topicArns: [] }),
        problems: [
            {
                propertyPath: "topicArns",
                reason: "no topic to post from; given []. Allowed: a list of at least one SNS topic ARN",
            },
        ],
    },
]);

table("vpcFlowMonitorProblems", vpcFlowMonitorProblems, MONITOR_ARGS as VpcFlowMonitorArgs, [
    {
        title: "refuses a VPC name used twice across regions, and a region listed twice",
        args: loose(MONITOR_ARGS, {
            regions: [
                { region: "eu-west-1", vpcs: [{ name: "core", cidrBlock: "10.10.0.0/16" }] },
                { region: "us-east-1", vpcs: [{ name: "core", vpcId: "vpc-0123456789abcdef0" }] },
                { region: "eu-west-1", vpcs: [{ name: "edge", cidrBlock: "10.20.0.0/16" }] },
            ],
        }),
        problems: [
            {
                propertyPath: "regions[2].region",
                reason: 'duplicate region, already listed at regions[0].region; given "eu-west-1". Allowed: each region once',
            },
            {
                propertyPath: "regions[1].vpcs[0].name",
                reason: 'duplicate VPC name, already used at regions[0].vpcs[0].name; given "core". Allowed: a name unique in the stack, across all regions',
            },
        ],
    },
    {
        title: "checks each VPC's name, source and rules at the path the caller wrote",
        args: loose(MONITOR_ARGS, {
            regions: [
                {
                    region: "eu-west-1",
                    vpcs: [
                        {
                            name: "Core VPC",
                            cidrBlock: "10.10.0.0/8",
                            rules: [rule({ name: "reject-any", match: { dstPort: 22 } })],
                        },
                    ],
                },
            ],
        }),
        problems: [
            {
                propertyPath: "regions[0].vpcs[0].name",
                reason: 'not a valid VPC name; given "Core VPC". Allowed: 1 to 32 characters of a-z, 0-9 and -',
            },
            {
                propertyPath: "regions[0].vpcs[0].cidrBlock",
                reason: `prefix length /8 out of range; given "10.10.0.0/8". Allowed: ${CIDR_ALLOWED}`,
            },
            {
                propertyPath: "regions[0].vpcs[0].rules[0].match.action",
                reason: "reject-any is the baseline REJECT alarm every VPC must keep; given nothing. Allowed: REJECT (retune the rule), or give this rule another name",
            },
        ],
    },
    {
        title: "refuses a VPC neither created nor adopted, and a region without VPCs",
        args: loose(MONITOR_ARGS, {
            regions: [
                { region: "eu-west-1", vpcs: [{ name: "core" }] },
                { region: "us-east-1", vpcs: [] },
            ],
        }),
        problems: [
            {
                propertyPath: "regions[0].vpcs[0]",
                reason: `neither cidrBlock nor vpcId is set; given {"name":"core"}. Allowed: ${SOURCE_ALLOWED}`,
            },
            {
                propertyPath: "regions[1].vpcs",
                reason: "no VPC in this region; given []. Allowed: a list of at least one { name, cidrBlock | vpcId }",
            },
        ],
    },
    {
        title: "refuses stack-wide settings at their own paths",
        args: loose(MONITOR_ARGS, {
            homeRegion: "EU",
            flowLogs: { logRetentionInDays: 0 },
            lake: { expireAfterDays: 30 },
            emails: ["nobody"],
            slack: { workspaceId: "T0123ABCD", channelId: "general" },
            rules: [
                rule({ name: "flow-log-skipdata", match: { logStatus: "NODATA" } }),
                rule({ match: { action: "ACCEPT" } }),
            ],
        }),
        problems: [
            {
                propertyPath: "homeRegion",
                reason: 'not a region name; given "EU". Allowed: an AWS region name such as us-east-1',
            },
            {
                propertyPath: "flowLogs.logRetentionInDays",
                reason: `not a retention CloudWatch Logs accepts; given 0. Allowed: ${RETENTION_ALLOWED}`,
            },
            {
                propertyPath: "lake.expireAfterDays",
                reason: "expires the records before or when they move to Infrequent Access; given 30 with transitionToInfrequentAccessDays 30 (the default). Allowed: a value greater than transitionToInfrequentAccessDays",
            },
            {
                propertyPath: "emails[0]",
                reason: 'not an email address; given "nobody". Allowed: an address such as secops@example.com',
            },
            {
                propertyPath: "slack.channelId",
                reason: 'not a Slack channel id; given "general". Allowed: C or G followed by upper-case letters and digits, such as C0123ABCD (channel details in Slack)',
            },
            {
                propertyPath: "rules[0].match.logStatus",
                reason: 'flow-log-skipdata is the SKIPDATA alarm every VPC must keep; given "NODATA". Allowed: SKIPDATA (retune the rule), or give this rule another name',
            },
            {
                propertyPath: "rules[1].match.action",
                reason: 'the alarm log group receives REJECT records only, so this rule could never fire; given "ACCEPT". Allowed: REJECT, or set flowLogs.cloudWatchTrafficType to ALL',
            },
        ],
    },
    {
        title: "refuses explicit providers that miss the home region or a VPC's region, naming each once",
        args: loose(MONITOR_ARGS, {
            homeRegion: "us-east-1",
            regions: [
                { region: "eu-west-1", vpcs: [{ name: "core", cidrBlock: "10.10.0.0/16" }] },
                { region: "us-west-2", vpcs: [{ name: "edge", cidrBlock: "10.20.0.0/16" }] },
            ],
            providers: { "eu-west-1": {} },
        }),
        problems: [
            {
                propertyPath: 'providers["us-east-1"]',
                reason: `no provider for region "us-east-1" (used at homeRegion); given providers for "eu-west-1". Allowed: ${PROVIDERS_ALLOWED}`,
            },
            {
                propertyPath: 'providers["us-west-2"]',
                reason: `no provider for region "us-west-2" (used at regions[1].region); given providers for "eu-west-1". Allowed: ${PROVIDERS_ALLOWED}`,
            },
        ],
    },
    {
        title: "counts a provider given as undefined as missing",
        args: loose(MONITOR_ARGS, { providers: { "eu-west-1": undefined } }),
        problems: [
            {
                propertyPath: 'providers["eu-west-1"]',
                reason: `no provider for region "eu-west-1" (used at homeRegion); given providers for no region. Allowed: ${PROVIDERS_ALLOWED}`,
            },
        ],
    },
    {
        title: "accepts a home region that holds no VPC (the lake may live apart)",
        args: loose(MONITOR_ARGS, { homeRegion: "us-east-1" }),
        problems: [],
    },
    {
        title: "refuses an empty stack name, an empty project and no regions",
        args: loose(MONITOR_ARGS, { stack: "", project: "", regions: [] }),
        problems: [
            {
                propertyPath: "stack",
                reason: 'not a stack name; given "". Allowed: 1 to 100 characters of letters, digits, -, _ and . (a Pulumi stack name)',
            },
            { propertyPath: "project", reason: 'empty; given "". Allowed: the Pulumi project name, for tags' },
            {
                propertyPath: "regions",
                reason: "no region to monitor; given []. Allowed: a list of at least one { region, vpcs }",
            },
        ],
    },
]);

describe("components refuse bad args with one InputPropertiesError", () => {
    /** The error the component threw, checked to be the SDK's InputPropertiesError with these problems. */
    function assertRefused(build: () => unknown, subject: string, problems: readonly ArgProblem[]): void {
        assert.throws(build, (err: unknown) => {
            assert.ok(pulumi.InputPropertiesError.isInstance(err), `not an InputPropertiesError: ${String(err)}`);
            assert.deepEqual(err.errors, problems);
            assert.equal(err.message, formatArgProblems(subject, problems));
            return true;
        });
    }

    it("formats every problem into the message, so a program's uncaught error still shows them all", () => {
        assert.equal(
            formatArgProblems('MonitoredVpc "core"', [
                { propertyPath: "vpc.vpcId", reason: "r1" },
                { propertyPath: "logGroupName", reason: "r2" },
            ]),
            'Invalid arguments for MonitoredVpc "core": 2 problems\n  - vpc.vpcId: r1\n  - logGroupName: r2',
        );
        assert.equal(
            formatArgProblems("deployVpcFlowMonitor", [{ propertyPath: "stack", reason: "r" }]),
            "Invalid arguments for deployVpcFlowMonitor: 1 problem\n  - stack: r",
        );
    });

    it("MonitoredVpc", () => {
        const args = loose(VPC_ARGS, { vpc: { vpcId: "vpc-1" }, logRetentionInDays: 10 });
        assertRefused(() => new MonitoredVpc("core", args), 'MonitoredVpc "core"', monitoredVpcProblems(args));
        assert.equal(monitoredVpcProblems(args).length, 2);
    });

    it("AnalyticsLake", () => {
        const args = loose(LAKE_ARGS, { regions: [], bytesScannedCutoffGb: 0 });
        assertRefused(() => new AnalyticsLake("lake", args), 'AnalyticsLake "lake"', analyticsLakeProblems(args));
        assert.equal(analyticsLakeProblems(args).length, 2);
    });

    it("AlertingRule", () => {
        const args = loose(RULE_ARGS, { rule: rule({ periodSeconds: 45, match: { dstPort: -1 } }) });
        assertRefused(() => new AlertingRule("core-x", args), 'AlertingRule "core-x"', alertingRuleProblems(args));
        assert.equal(alertingRuleProblems(args).length, 2);
    });

    it("AlarmTopic", () => {
        const args = loose(TOPIC_ARGS, { emails: ["a@"], region: "" });
        assertRefused(() => new AlarmTopic("alerts", args), 'AlarmTopic "alerts"', alarmTopicProblems(args));
        assert.equal(alarmTopicProblems(args).length, 2);
    });

    it("SlackChannel", () => {
        const args = loose(SLACK_ARGS, { channelId: "c1" });
        assertRefused(() => new SlackChannel("slack", args), 'SlackChannel "slack"', slackChannelProblems(args));
        assert.equal(slackChannelProblems(args).length, 1);
    });

    it("deployVpcFlowMonitor, as a rejected promise", async () => {
        const args = loose(MONITOR_ARGS, { stack: "a b", emails: ["x"] });
        await assert.rejects(deployVpcFlowMonitor(args), (err: unknown) => {
            assert.ok(pulumi.InputPropertiesError.isInstance(err));
            assert.deepEqual(err.errors, vpcFlowMonitorProblems(args));
            assert.equal(err.message, formatArgProblems("deployVpcFlowMonitor", vpcFlowMonitorProblems(args)));
            return true;
        });
        assert.equal(vpcFlowMonitorProblems(args).length, 2);
    });
});
