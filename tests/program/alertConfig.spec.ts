/**
 * The `alerts` part of the stack configuration and the `rules` a VPC entry may carry
 * (program/alertConfig.ts, validated through validateStackConfig), and which rules each VPC ends
 * up with (components/alerting/rules.ts effectiveRules).
 *
 * Every rejected configuration asserts its exact list of problems (key path, the value given, what
 * is allowed). The properties at the end hold the schema to the pattern engine: whatever match the
 * config accepts renders a pattern that parses, and nothing under `alerts` makes validation fail
 * with anything but a ConfigError.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { MAX_ALARM_WINDOW_SECONDS } from "../../program/alertConfig";
import {
    AlertRule,
    BASELINE_REJECT_RULE,
    DEFAULT_RULES,
    effectiveRules,
    SKIPDATA_RULE,
} from "../../components/alerting/rules";
import { FlowAction, MAX_FILTER_PATTERN_LENGTH, parsePattern, renderPattern, selectsAction } from "../../flowlogs";
import { columnName } from "../../flowlogs/fields";
import { ALARM_LOG_FIELDS } from "../../components/defaults";
import { ConfigError, ConfigProblem, StackConfig, validateStackConfig } from "../../program/stackConfig";
import { planStack, toEngineConfig } from "../../tools/plan/offlinePlan";

// ---------------------------------------------------------------------------------------------
// Fixtures and helpers

type Draft = Record<string, any>;

const REGIONS = "vpc-flow-monitor:regions";
const ALERTS = "vpc-flow-monitor:alerts";
const FLOW_LOGS = "vpc-flow-monitor:flowLogs";

/** A full example, with a stack rule (the tutorial lab's) and a VPC-level rule. */
const EXAMPLE = {
    "aws:region": "us-east-1",
    [REGIONS]: [
        {
            region: "us-east-1",
            vpcs: [
                { name: "lab", cidrBlock: "10.0.0.0/16" },
                {
                    name: "shared",
                    vpcId: "vpc-0123456789abcdef0",
                    rules: [
                        {
                            name: "db-rejected",
                            match: { action: "REJECT", protocol: 6, dstPort: [3306, 5432] },
                            threshold: 2,
                        },
                    ],
                },
            ],
        },
    ],
    [ALERTS]: {
        emails: ["secops@example.com", "oncall@example.com"],
        slack: { workspaceId: "T0123ABCD", channelId: "C0123ABCD" },
        defaultRules: true,
        rules: [
            {
                name: "bastion-http-rejected",
                description: "Rejected HTTP from the bastion host",
                match: { action: "REJECT", protocol: "tcp", srcAddr: "10.0.0.155", dstPort: 80 },
                threshold: 3,
                periodSeconds: 300,
                evaluationPeriods: 1,
            },
            {
                name: "high-ports",
                match: { action: "REJECT", protocol: "UDP", dstAddr: "10.0.*", srcPort: { from: 1024, to: 65535 } },
            },
        ],
    },
};

const draft = (): Draft => structuredClone(EXAMPLE);

function problemsOf(raw: Draft): readonly ConfigProblem[] {
    try {
        validateStackConfig(raw);
    } catch (err) {
        assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
        return err.problems;
    }
    assert.fail("the configuration was accepted");
}

/** The rule config under test as the only stack rule. */
function withRule(rule: Draft): (c: Draft) => void {
    return (c) => (c[ALERTS].rules = [rule]);
}
const rule = (extra: Draft): Draft => ({ name: "r", match: { action: "REJECT" }, ...extra });
const match = (m: Draft): Draft => rule({ match: { action: "REJECT", ...m } });

const ALLOWED = {
    ruleName: "1 to 48 characters of a-z, 0-9 and -, not starting or ending with -",
    protocol: "a protocol name (icmp, tcp, udp, icmpv6) or an IANA protocol number 0–255",
    address:
        "an exact address (10.0.0.155, or a lower-case IPv6 address such as 2001:db8::1) or a prefix of whole octets or groups ending in .* or :* (10.0.*, 2001:db8:*)",
    port: "a port 0–65535, a list of ports [22, 3389], or a range { from: 1024, to: 2048 }",
    match: "a mapping with at least one of action, protocol, srcAddr, dstAddr, srcPort, dstPort, interfaceId, logStatus",
    period: "a multiple of 60 seconds from 60 to 86400",
    ruleKeys: "name, description, match, threshold, periodSeconds, evaluationPeriods, by, statistic",
    matchKeys: "action, protocol, srcAddr, dstAddr, srcPort, dstPort, interfaceId, logStatus",
} as const;
const R0 = "alerts.rules[0]";

interface BadCase {
    readonly name: string;
    readonly change: (c: Draft) => void;
    readonly problems: readonly ConfigProblem[];
}

// ---------------------------------------------------------------------------------------------
// Rejected configurations

const BAD_CASES: readonly BadCase[] = [
    // alerts itself
    {
        name: "alerts not a mapping",
        change: (c) => (c[ALERTS] = "yes"),
        problems: [
            {
                path: "alerts",
                message:
                    'not a mapping; given "yes". Allowed: a mapping with the keys emails, slack, defaultRules, rules',
            },
        ],
    },
    {
        name: "a misspelt key in alerts (email)",
        change: (c) => (c[ALERTS] = { email: ["secops@example.com"] }),
        problems: [
            { path: "alerts.email", message: "unknown key. Allowed keys here: emails, slack, defaultRules, rules" },
        ],
    },
    {
        name: "emails a single string",
        change: (c) => (c[ALERTS].emails = "secops@example.com"),
        problems: [
            {
                path: "alerts.emails",
                message: 'not a list; given "secops@example.com". Allowed: a list of email addresses',
            },
        ],
    },
    {
        name: "an email without a domain",
        change: (c) => (c[ALERTS].emails = ["secops@example.com", "secops"]),
        problems: [
            {
                path: "alerts.emails[1]",
                message: 'not an email address; given "secops". Allowed: an address such as secops@example.com',
            },
        ],
    },
    {
        name: "slack without a channel",
        change: (c) => (c[ALERTS].slack = { workspaceId: "T0123ABCD" }),
        problems: [
            { path: "alerts.slack.channelId", message: "missing. Allowed: a Slack channel id such as C0123ABCD" },
        ],
    },
    {
        name: "slack workspace id in lower case",
        change: (c) => (c[ALERTS].slack.workspaceId = "t0123abcd"),
        problems: [
            {
                path: "alerts.slack.workspaceId",
                message:
                    'not a Slack workspace id; given "t0123abcd". Allowed: T followed by upper-case letters and digits, such as T0123ABCD (AWS Chatbot console, after authorising the workspace)',
            },
        ],
    },
    {
        name: "slack channel given by name",
        change: (c) => (c[ALERTS].slack.channelId = "#secops"),
        problems: [
            {
                path: "alerts.slack.channelId",
                message:
                    'not a Slack channel id; given "#secops". Allowed: C or G followed by upper-case letters and digits, such as C0123ABCD (channel details in Slack)',
            },
        ],
    },
    {
        name: "an unknown key in slack",
        change: (c) => (c[ALERTS].slack.channel = "#secops"),
        problems: [{ path: "alerts.slack.channel", message: "unknown key. Allowed keys here: workspaceId, channelId" }],
    },
    {
        name: "defaultRules as a word",
        change: (c) => (c[ALERTS].defaultRules = "yes"),
        problems: [{ path: "alerts.defaultRules", message: 'not a boolean; given "yes". Allowed: true or false' }],
    },

    // the rule list and its entries
    {
        name: "rules a mapping instead of a list",
        change: (c) => (c[ALERTS].rules = { name: "r" }),
        problems: [
            {
                path: "alerts.rules",
                message:
                    'not a list; given {"name":"r"}. Allowed: a list of { name, match, threshold, periodSeconds, evaluationPeriods }',
            },
        ],
    },
    {
        name: "a rule given as a bare name",
        change: (c) => (c[ALERTS].rules = ["ssh"]),
        problems: [
            { path: R0, message: `not a mapping; given "ssh". Allowed: a mapping with the keys ${ALLOWED.ruleKeys}` },
        ],
    },
    {
        name: "a rule without a name",
        change: withRule({ match: { action: "REJECT" } }),
        problems: [{ path: `${R0}.name`, message: `missing. Allowed: ${ALLOWED.ruleName}` }],
    },
    {
        name: "a rule without a match",
        change: withRule({ name: "r" }),
        problems: [{ path: `${R0}.match`, message: `missing: what the rule counts. Allowed: ${ALLOWED.match}` }],
    },
    {
        name: "a rule name in upper case",
        change: withRule(rule({ name: "SSH" })),
        problems: [{ path: `${R0}.name`, message: `not a valid rule name; given "SSH". Allowed: ${ALLOWED.ruleName}` }],
    },
    {
        name: "a rule name of 49 characters",
        change: withRule(rule({ name: "a".repeat(49) })),
        problems: [
            {
                path: `${R0}.name`,
                message: `not a valid rule name; given "${"a".repeat(49)}". Allowed: ${ALLOWED.ruleName}`,
            },
        ],
    },
    {
        name: "a rule name ending with -",
        change: withRule(rule({ name: "ssh-" })),
        problems: [
            { path: `${R0}.name`, message: `not a valid rule name; given "ssh-". Allowed: ${ALLOWED.ruleName}` },
        ],
    },
    {
        name: "two rules of one name in one list",
        change: (c) => (c[ALERTS].rules = [rule({}), rule({ match: { dstPort: 22 } })]),
        problems: [
            {
                path: "alerts.rules[1].name",
                message:
                    'duplicate rule name; given "r", already used at alerts.rules[0]. Allowed: a name unique in this list',
            },
        ],
    },
    {
        name: "the name of an aggregate metric filter (rejected-packets)",
        change: withRule(rule({ name: "rejected-packets" })),
        problems: [
            {
                path: `${R0}.name`,
                message: `reserved: the VPC's aggregate metric filter <vpc>-rejected-packets already has this name; given "rejected-packets". Allowed: any other rule name`,
            },
        ],
    },
    {
        name: "reject-any retuned to something that is not a REJECT rule",
        change: withRule({ name: "reject-any", match: { protocol: "tcp" } }),
        problems: [
            {
                path: `${R0}.match.action`,
                message:
                    "reject-any is the baseline REJECT alarm every VPC must keep; given nothing. Allowed: REJECT (retune the rule), or give this rule another name",
            },
        ],
    },
    {
        name: "flow-log-skipdata retuned to count NODATA",
        change: withRule({ name: "flow-log-skipdata", match: { logStatus: "NODATA" } }),
        problems: [
            {
                path: `${R0}.match.logStatus`,
                message:
                    'flow-log-skipdata is the SKIPDATA alarm every VPC must keep; given "NODATA". Allowed: SKIPDATA (retune the rule), or give this rule another name',
            },
        ],
    },
    {
        name: "a misspelt rule key (thresold)",
        change: withRule(rule({ thresold: 3 })),
        problems: [{ path: `${R0}.thresold`, message: `unknown key. Allowed keys here: ${ALLOWED.ruleKeys}` }],
    },
    {
        name: "a description of 201 characters",
        change: withRule(rule({ description: "x".repeat(201) })),
        problems: [
            {
                path: `${R0}.description`,
                message: `too long; given "${"x".repeat(76)}.... Allowed: at most 200 characters`,
            },
        ],
    },

    // the match
    {
        name: "an empty match",
        change: withRule(rule({ match: {} })),
        problems: [
            { path: `${R0}.match`, message: `empty: it would count every record; given {}. Allowed: ${ALLOWED.match}` },
        ],
    },
    {
        name: "a match key in the flow log's spelling (dstport)",
        change: withRule(rule({ match: { action: "REJECT", dstport: 22 } })),
        problems: [{ path: `${R0}.match.dstport`, message: `unknown key. Allowed keys here: ${ALLOWED.matchKeys}` }],
    },
    {
        name: "an action in lower case",
        change: withRule(rule({ match: { action: "reject" } })),
        problems: [{ path: `${R0}.match.action`, message: 'not an action; given "reject". Allowed: ACCEPT or REJECT' }],
    },
    {
        name: "an ACCEPT rule while the alarm log group receives REJECT records only",
        change: withRule(rule({ match: { action: "ACCEPT", dstPort: 22 } })),
        problems: [
            {
                path: `${R0}.match.action`,
                message:
                    'the alarm log group receives REJECT records only, so this rule could never fire; given "ACCEPT". Allowed: REJECT, or set flowLogs.cloudWatchTrafficType: ALL',
            },
        ],
    },
    {
        name: "a misspelt protocol name",
        change: withRule(match({ protocol: "tpc" })),
        problems: [
            { path: `${R0}.match.protocol`, message: `not a protocol; given "tpc". Allowed: ${ALLOWED.protocol}` },
        ],
    },
    {
        name: "protocol 256",
        change: withRule(match({ protocol: 256 })),
        problems: [
            { path: `${R0}.match.protocol`, message: `not a protocol; given 256. Allowed: ${ALLOWED.protocol}` },
        ],
    },
    {
        name: "a fractional protocol number",
        change: withRule(match({ protocol: 6.5 })),
        problems: [
            { path: `${R0}.match.protocol`, message: `not a protocol; given 6.5. Allowed: ${ALLOWED.protocol}` },
        ],
    },
    {
        name: "a CIDR block as a source address",
        change: withRule(match({ srcAddr: "10.0.0.0/16" })),
        problems: [
            {
                path: `${R0}.match.srcAddr`,
                message: `not an address; given "10.0.0.0/16". Allowed: ${ALLOWED.address}`,
            },
        ],
    },
    {
        name: "a wildcard inside an octet",
        change: withRule(match({ srcAddr: "10.0.1*" })),
        problems: [
            { path: `${R0}.match.srcAddr`, message: `not an address; given "10.0.1*". Allowed: ${ALLOWED.address}` },
        ],
    },
    {
        name: "a destination address as a number",
        change: withRule(match({ dstAddr: 10 })),
        problems: [{ path: `${R0}.match.dstAddr`, message: `not a string; given 10. Allowed: ${ALLOWED.address}` }],
    },
    {
        name: "port 70000",
        change: withRule(match({ dstPort: 70000 })),
        problems: [{ path: `${R0}.match.dstPort`, message: `not a port match; given 70000. Allowed: ${ALLOWED.port}` }],
    },
    {
        name: "an empty port list",
        change: withRule(match({ dstPort: [] })),
        problems: [{ path: `${R0}.match.dstPort`, message: `not a port match; given []. Allowed: ${ALLOWED.port}` }],
    },
    {
        name: "a port range running backwards",
        change: withRule(match({ dstPort: { from: 2048, to: 1024 } })),
        problems: [
            {
                path: `${R0}.match.dstPort`,
                message: `not a port match; given {"from":2048,"to":1024}. Allowed: ${ALLOWED.port}`,
            },
        ],
    },
    {
        name: "a port range with a step",
        change: withRule(match({ dstPort: { from: 1024, to: 2048, step: 2 } })),
        problems: [
            {
                path: `${R0}.match.dstPort`,
                message: `not a port match; given {"from":1024,"to":2048,"step":2}. Allowed: ${ALLOWED.port}`,
            },
        ],
    },
    {
        name: "a port as a service name",
        change: withRule(match({ srcPort: "ssh" })),
        problems: [{ path: `${R0}.match.srcPort`, message: `not a port match; given "ssh". Allowed: ${ALLOWED.port}` }],
    },
    {
        name: "a port list whose pattern would exceed CloudWatch's 1024 characters",
        change: withRule(match({ dstPort: Array.from({ length: 80 }, (_, i) => 1000 + i) })),
        problems: [
            {
                path: `${R0}.match`,
                message:
                    'the filter pattern would be 1567 characters; given {"action":"REJECT","dstPort":[1000,1001,1002,1003,1004,1005,1006,1007,1008,10.... ' +
                    "Allowed: a pattern of at most 1024 characters (CloudWatch's limit): use a port range { from, to } instead of a long list of ports",
            },
        ],
    },
    {
        name: "an interface id in upper case",
        change: withRule(match({ interfaceId: "eni-0A1B2C3D" })),
        problems: [
            {
                path: `${R0}.match.interfaceId`,
                message:
                    'not a network interface id; given "eni-0A1B2C3D". Allowed: a network interface id such as eni-1235b8ca123456789',
            },
        ],
    },
    {
        name: "an abbreviated log status",
        change: withRule(rule({ match: { logStatus: "SKIP" } })),
        problems: [
            {
                path: `${R0}.match.logStatus`,
                message: 'not a log status; given "SKIP". Allowed: OK, NODATA or SKIPDATA',
            },
        ],
    },

    // threshold and the alarm window
    {
        name: "threshold 0",
        change: withRule(rule({ threshold: 0 })),
        problems: [
            {
                path: `${R0}.threshold`,
                message: "out of range; given 0. Allowed: a whole number of records from 1 to 1000000",
            },
        ],
    },
    {
        name: "a fractional threshold",
        change: withRule(rule({ threshold: 1.5 })),
        problems: [
            {
                path: `${R0}.threshold`,
                message: "not a whole number; given 1.5. Allowed: a whole number of records from 1 to 1000000",
            },
        ],
    },
    {
        name: "a threshold in quotes",
        change: withRule(rule({ threshold: "3" })),
        problems: [
            {
                path: `${R0}.threshold`,
                message: 'not a number; given "3". Allowed: a whole number of records from 1 to 1000000',
            },
        ],
    },
    {
        name: "a period that is not a whole minute",
        change: withRule(rule({ periodSeconds: 90 })),
        problems: [
            { path: `${R0}.periodSeconds`, message: `not an alarm period; given 90. Allowed: ${ALLOWED.period}` },
        ],
    },
    {
        name: "a period of two days",
        change: withRule(rule({ periodSeconds: 172800 })),
        problems: [
            { path: `${R0}.periodSeconds`, message: `not an alarm period; given 172800. Allowed: ${ALLOWED.period}` },
        ],
    },
    {
        name: "evaluationPeriods 0",
        change: withRule(rule({ evaluationPeriods: 0 })),
        problems: [
            {
                path: `${R0}.evaluationPeriods`,
                message: "out of range; given 0. Allowed: a whole number of periods from 1 to 1440",
            },
        ],
    },
    {
        name: "a window over one day with periods shorter than an hour",
        change: withRule(rule({ periodSeconds: 300, evaluationPeriods: 289 })),
        problems: [
            {
                path: `${R0}.evaluationPeriods`,
                message:
                    "the alarm would look back 86700 seconds; given 289 periods of 300 seconds. Allowed: periodSeconds × evaluationPeriods at most 86400 (one day) for periods shorter than an hour",
            },
        ],
    },
    {
        name: "a window over seven days with hourly periods",
        change: withRule(rule({ periodSeconds: 3600, evaluationPeriods: 169 })),
        problems: [
            {
                path: `${R0}.evaluationPeriods`,
                message:
                    "the alarm would look back 608400 seconds; given 169 periods of 3600 seconds. Allowed: periodSeconds × evaluationPeriods at most 604800 (seven days)",
            },
        ],
    },

    // VPC-level rules: the same checks, under the VPC's path
    {
        name: "VPC rules a mapping",
        change: (c) => (c[REGIONS][0].vpcs[1].rules = { name: "r" }),
        problems: [
            {
                path: "regions[0].vpcs[1].rules",
                message:
                    'not a list; given {"name":"r"}. Allowed: a list of { name, match, threshold, periodSeconds, evaluationPeriods }',
            },
        ],
    },
    {
        name: "a bad port and a duplicate name in a VPC's rules",
        change: (c) => (c[REGIONS][0].vpcs[1].rules = [match({ dstPort: "ssh" }), rule({})]),
        problems: [
            {
                path: "regions[0].vpcs[1].rules[0].match.dstPort",
                message: `not a port match; given "ssh". Allowed: ${ALLOWED.port}`,
            },
            {
                path: "regions[0].vpcs[1].rules[1].name",
                message:
                    'duplicate rule name; given "r", already used at regions[0].vpcs[1].rules[0]. Allowed: a name unique in this list',
            },
        ],
    },
    {
        name: "an ACCEPT rule in a VPC's rules",
        change: (c) => (c[REGIONS][0].vpcs[0].rules = [rule({ match: { action: "ACCEPT" } })]),
        problems: [
            {
                path: "regions[0].vpcs[0].rules[0].match.action",
                message:
                    'the alarm log group receives REJECT records only, so this rule could never fire; given "ACCEPT". Allowed: REJECT, or set flowLogs.cloudWatchTrafficType: ALL',
            },
        ],
    },
    // per-key rules
    {
        name: "a per-key rule by a field it cannot count per",
        change: withRule(rule({ by: "protocol" })),
        problems: [
            {
                path: `${R0}.by`,
                message: 'not a field to count per; given "protocol". Allowed: srcAddr, dstAddr, dstPort',
            },
        ],
    },
    {
        name: "a per-key statistic CloudWatch does not have",
        change: withRule(rule({ by: "srcAddr", statistic: "sum" })),
        problems: [
            {
                path: `${R0}.statistic`,
                message:
                    'not a per-key statistic; given "sum". Allowed: maxContributorValue (one key\'s record count) or uniqueContributors (the number of distinct keys), with by',
            },
        ],
    },
    {
        name: "a statistic without by",
        change: withRule(rule({ statistic: "uniqueContributors" })),
        problems: [
            {
                path: `${R0}.statistic`,
                message:
                    'only a per-key rule has a statistic; given "uniqueContributors" without by. Allowed: add by (srcAddr, dstAddr, dstPort), or remove statistic',
            },
        ],
    },
    {
        name: "the baseline reject-any made a per-key rule",
        change: withRule(rule({ name: "reject-any", by: "srcAddr" })),
        problems: [
            {
                path: `${R0}.by`,
                message:
                    'reject-any counts the whole log group through a metric filter, which the policy pack\'s REJECT-alarm check needs; given by "srcAddr". Allowed: no by on this rule (give a per-key rule another name)',
            },
        ],
    },
    {
        name: "a per-key rule whose match needs 5 Contributor Insights filters",
        change: withRule(
            rule({
                by: "srcAddr",
                match: { action: "REJECT", protocol: "tcp", dstAddr: "10.0.*", dstPort: { from: 1, to: 1023 } },
            }),
        ),
        problems: [
            {
                path: `${R0}.match`,
                message:
                    "as a Contributor Insights rule (by) the match needs 5 Contributor Insights filters (a port range takes two) and a rule allows at most 4: match on fewer fields",
            },
        ],
    },
    {
        name: "a per-key rule listing 11 ports",
        change: withRule(
            rule({ by: "srcAddr", match: { action: "REJECT", dstPort: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] } }),
        ),
        problems: [
            {
                path: `${R0}.match`,
                message:
                    "as a Contributor Insights rule (by) the match dstport lists 11 values and a Contributor Insights filter allows at most 10: use a port range",
            },
        ],
    },
];

describe("alerts config: rejected configurations", () => {
    it("has at least 25 cases, every one a distinct name", () => {
        assert.ok(BAD_CASES.length >= 25, `${BAD_CASES.length} cases`);
        assert.equal(new Set(BAD_CASES.map((c) => c.name)).size, BAD_CASES.length);
    });

    for (const badCase of BAD_CASES) {
        it(`rejects ${badCase.name}`, () => {
            const c = draft();
            badCase.change(c);
            assert.deepStrictEqual(problemsOf(c), badCase.problems);
        });
    }

    it("reports every problem of the stack's and the VPCs' rules at once", () => {
        const c = draft();
        c[ALERTS].rules[0].match.protocol = "tpc";
        c[ALERTS].rules[1].threshold = 0;
        c[REGIONS][0].vpcs[1].rules[0].match.srcAddr = "10.0.0.0/8";
        c[ALERTS].emails = ["nobody"];
        assert.deepStrictEqual(problemsOf(c), [
            {
                path: "regions[0].vpcs[1].rules[0].match.srcAddr",
                message: `not an address; given "10.0.0.0/8". Allowed: ${ALLOWED.address}`,
            },
            {
                path: "alerts.emails[0]",
                message: 'not an email address; given "nobody". Allowed: an address such as secops@example.com',
            },
            {
                path: "alerts.rules[0].match.protocol",
                message: `not a protocol; given "tpc". Allowed: ${ALLOWED.protocol}`,
            },
            {
                path: "alerts.rules[1].threshold",
                message: "out of range; given 0. Allowed: a whole number of records from 1 to 1000000",
            },
        ]);
    });
});

// ---------------------------------------------------------------------------------------------
// Configurations every field of which is valid but which a deployment would break on

/** A stack of the given VPCs (name, then extra keys) in us-east-1 and eu-west-1, no alerts section. */
function stackOf(vpcs: readonly Draft[], alerts?: Draft, more: Readonly<Record<string, readonly Draft[]>> = {}): Draft {
    let n = 0;
    const cidr = () => `10.${n++}.0.0/16`;
    const withSource = (vpc: Draft) => (vpc.vpcId === undefined ? { cidrBlock: cidr(), ...vpc } : vpc);
    return {
        "aws:region": "us-east-1",
        [REGIONS]: [
            { region: "us-east-1", vpcs: vpcs.map(withSource) },
            ...Object.entries(more).map(([region, list]) => ({ region, vpcs: list.map(withSource) })),
        ],
        ...(alerts !== undefined ? { [ALERTS]: alerts } : {}),
    };
}
/** `count` rules r0, r1, ... that count NODATA records: none counts REJECT, so the baseline is added. */
const rulesOf = (count: number, prefix = "r"): Draft[] =>
    Array.from({ length: count }, (_, i) => ({ name: `${prefix}${i}`, match: { logStatus: "NODATA" } }));

const RENAME =
    "Allowed: VPC and rule names that never join into the same <vpc>-<rule> (alarm names are unique per account and region, and Pulumi names each alarm's resources so): rename the VPC or the rule";
const FILTERS_ALLOWED =
    "Allowed: at most 100 metric filters per log group (CloudWatch Logs' limit), so at most 98 rules per VPC, whatever their source";

const DEPLOY_CASES: readonly { name: string; config: Draft; problems: ConfigProblem[] }[] = [
    {
        name: "VPC a with a stack rule b-c and VPC a-b with its own rule c: one alarm name",
        config: stackOf(
            [{ name: "a" }, { name: "a-b", rules: [{ name: "c", match: { action: "REJECT", dstPort: 22 } }] }],
            { rules: [{ name: "b-c", match: { action: "REJECT", dstPort: 23 } }] },
        ),
        problems: [
            {
                path: "regions[0].vpcs[1].name",
                message: `the alarm of rule "c" (regions[0].vpcs[1].rules[0]) would be named vpc-flow-monitor-<stack>-a-b-c, as would VPC "a"'s alarm of rule "b-c" (alerts.rules[0]) at regions[0].vpcs[0]; given VPC name "a-b". ${RENAME}`,
            },
        ],
    },
    {
        name: "the same collision across regions (one Pulumi name, whatever the region)",
        config: stackOf([{ name: "a", rules: [{ name: "b-c", match: { action: "REJECT" } }] }], undefined, {
            "eu-west-1": [{ name: "a-b", rules: [{ name: "c", match: { action: "REJECT" } }] }],
        }),
        problems: [
            {
                path: "regions[1].vpcs[0].name",
                message: `the alarm of rule "c" (regions[1].vpcs[0].rules[0]) would be named vpc-flow-monitor-<stack>-a-b-c, as would VPC "a"'s alarm of rule "b-c" (regions[0].vpcs[0].rules[0]) at regions[0].vpcs[0]; given VPC name "a-b". ${RENAME}`,
            },
        ],
    },
    {
        name: "a VPC whose own rule meets another VPC's default rule",
        config: stackOf([
            { name: "web" },
            { name: "web-rdp", rules: [{ name: "rejected", match: { action: "REJECT" } }] },
        ]),
        problems: [
            {
                path: "regions[0].vpcs[1].name",
                message: `the alarm of rule "rejected" (regions[0].vpcs[1].rules[0]) would be named vpc-flow-monitor-<stack>-web-rdp-rejected, as would VPC "web"'s alarm of rule "rdp-rejected" (a default rule, alerts.defaultRules) at regions[0].vpcs[0]; given VPC name "web-rdp". ${RENAME}`,
            },
        ],
    },
    {
        name: "a VPC whose rule meets the built-in baseline of another",
        config: stackOf(
            [{ name: "a" }, { name: "a-reject", rules: [{ name: "any", match: { action: "REJECT", dstPort: 80 } }] }],
            { defaultRules: false },
        ),
        problems: [
            {
                path: "regions[0].vpcs[1].name",
                message: `the alarm of rule "any" (regions[0].vpcs[1].rules[0]) would be named vpc-flow-monitor-<stack>-a-reject-any, as would VPC "a"'s alarm of rule "reject-any" (built in: added when no rule counts REJECT records) at regions[0].vpcs[0]; given VPC name "a-reject". ${RENAME}`,
            },
        ],
    },
    {
        name: "two collisions of one pair of VPCs, each reported",
        config: stackOf(
            [
                { name: "a" },
                {
                    name: "a-x",
                    rules: [
                        { name: "y", match: { action: "REJECT" } },
                        { name: "z", match: { action: "REJECT" } },
                    ],
                },
            ],
            {
                rules: [
                    { name: "x-y", match: { action: "REJECT" } },
                    { name: "x-z", match: { action: "REJECT" } },
                ],
            },
        ),
        problems: ["y", "z"].map((r, i) => ({
            path: "regions[0].vpcs[1].name",
            message: `the alarm of rule "${r}" (regions[0].vpcs[1].rules[${i}]) would be named vpc-flow-monitor-<stack>-a-x-${r}, as would VPC "a"'s alarm of rule "x-${r}" (alerts.rules[${i}]) at regions[0].vpcs[0]; given VPC name "a-x". ${RENAME}`,
        })),
    },
    {
        name: "more metric filters than a log group takes, from the stack's rules",
        config: stackOf([{ name: "a" }, { name: "b" }], { rules: rulesOf(96) }),
        problems: [
            {
                path: "alerts.rules",
                message: `every VPC's log group would hold 102 metric filters: one for each of 100 rules (3 default, 96 from alerts.rules, 1 built in) and 2 aggregate filters; given 96 rules. ${FILTERS_ALLOWED}`,
            },
        ],
    },
    {
        name: "more metric filters than a log group takes, from one VPC's own rules",
        config: stackOf([{ name: "a" }, { name: "b", rules: rulesOf(50, "own") }], {
            defaultRules: false,
            rules: rulesOf(47),
        }),
        problems: [
            {
                path: "regions[0].vpcs[1].rules",
                message: `VPC "b"'s log group would hold 101 metric filters: one for each of 99 rules (47 from alerts.rules, 50 its own, 2 built in) and 2 aggregate filters; given 50 rules of its own. ${FILTERS_ALLOWED}`,
            },
        ],
    },
    {
        name: "101 Contributor Insights rules in one region: 99 per-key rules over VPCs and the dashboard's 2",
        config: stackOf(
            Array.from({ length: 33 }, (_, i) => ({ name: `v${i}` })),
            {
                rules: ["a", "b", "c"].map((name) => ({ name, by: "srcAddr", match: { action: "REJECT" } })),
            },
        ),
        problems: [
            {
                path: "regions[0]",
                message:
                    "region us-east-1 would hold 101 Contributor Insights rules: 99 per-key rules (one per VPC and rule with by) and 2 for the dashboard. Allowed: at most 100 per region and account (CloudWatch's quota, adjustable on request): fewer per-key rules or VPCs in this region",
            },
        ],
    },
];

describe("alerts config: malformed addresses", () => {
    for (const address of [":::::", "::1::", "1:2:3:4:5:6:7:8:9", "1.2.3.4.5", ":::*"]) {
        it(`refuses srcAddr ${JSON.stringify(address)}`, () => {
            const c = draft();
            c[ALERTS].rules[0].match.srcAddr = address;
            assert.deepStrictEqual(problemsOf(c), [
                {
                    path: "alerts.rules[0].match.srcAddr",
                    message: `not an address; given ${JSON.stringify(address)}. Allowed: ${ALLOWED.address}`,
                },
            ]);
        });
    }
});

describe("alerts config: names and counts a deployment needs", () => {
    for (const { name, config, problems } of DEPLOY_CASES) {
        it(`rejects ${name}`, () => {
            assert.deepStrictEqual(problemsOf(config), problems);
        });
    }

    it("accepts VPC and rule names that only look alike, and a VPC's rule replacing the stack's", () => {
        const config = validateStackConfig(
            stackOf(
                [{ name: "a" }, { name: "a-b", rules: [{ name: "b-c", match: { action: "REJECT", dstPort: 1 } }] }],
                { rules: [{ name: "b-c", match: { action: "REJECT" } }] },
            ),
        );
        assert.deepEqual(
            config.regions[0].vpcs.map((v) => v.name),
            ["a", "a-b"],
        );
    });

    it("accepts exactly 98 rules per VPC (100 metric filters with the 2 aggregate ones) and refuses 99", () => {
        // 96 rules that count no REJECT record: the baseline and the SKIPDATA rule are added, 98 in all.
        const at = (count: number) => stackOf([{ name: "a" }], { defaultRules: false, rules: rulesOf(count) });
        const config = validateStackConfig(at(96));
        assert.equal(
            effectiveRules({ defaultRules: false, stackRules: config.alerts.rules, vpcRules: [] }).length + 2,
            100,
        );
        assert.deepStrictEqual(problemsOf(at(97)), [
            {
                path: "alerts.rules",
                message: `every VPC's log group would hold 101 metric filters: one for each of 99 rules (97 from alerts.rules, 2 built in) and 2 aggregate filters; given 97 rules. ${FILTERS_ALLOWED}`,
            },
        ]);
    });

    it("counts and compares only rule lists that are valid on their own (their own problems are reported instead)", () => {
        const config = stackOf(
            [{ name: "a" }, { name: "a-b", rules: [{ name: "c", match: { action: "REJECT", dstPort: "ssh" } }] }],
            { rules: [{ name: "b-c", match: { action: "REJECT" } }, ...rulesOf(96)] },
        );
        config[ALERTS].rules[1].threshold = 0;
        assert.deepStrictEqual(problemsOf(config), [
            {
                path: "regions[0].vpcs[1].rules[0].match.dstPort",
                message: `not a port match; given "ssh". Allowed: ${ALLOWED.port}`,
            },
            {
                path: "alerts.rules[1].threshold",
                message: "out of range; given 0. Allowed: a whole number of records from 1 to 1000000",
            },
        ]);
    });

    it("are checked where `pulumi up` reads its config too: the program refuses them before registering anything", async () => {
        await assert.rejects(planStack("collide", toEngineConfig(DEPLOY_CASES[0].config)), (err: unknown) => {
            assert.ok(err instanceof ConfigError);
            assert.deepStrictEqual(err.problems, DEPLOY_CASES[0].problems);
            return true;
        });
    });
});

// ---------------------------------------------------------------------------------------------
// Accepted configurations

describe("alerts config: valid configurations", () => {
    it("accepts exactly 100 Contributor Insights rules in one region (98 per-key rules and the dashboard's 2)", () => {
        const config = validateStackConfig(
            stackOf(
                Array.from({ length: 49 }, (_, i) => ({ name: `v${i}` })),
                { rules: ["a", "b"].map((name) => ({ name, by: "dstPort", match: { action: "REJECT" } })) },
            ),
        );
        assert.deepEqual(
            config.alerts.rules.map((r) => [r.name, r.by]),
            [
                ["a", "dstPort"],
                ["b", "dstPort"],
            ],
        );
    });

    it("normalises the example: protocol names to IANA numbers, the defaults applied, VPC rules on their VPC", () => {
        const config = validateStackConfig(draft());
        assert.deepStrictEqual(config.alerts, {
            emails: ["secops@example.com", "oncall@example.com"],
            slack: { workspaceId: "T0123ABCD", channelId: "C0123ABCD" },
            defaultRules: true,
            rules: [
                {
                    name: "bastion-http-rejected",
                    description: "Rejected HTTP from the bastion host",
                    match: { action: "REJECT", srcAddr: "10.0.0.155", protocol: 6, dstPort: 80 },
                    threshold: 3,
                    periodSeconds: 300,
                    evaluationPeriods: 1,
                },
                {
                    name: "high-ports",
                    description: undefined,
                    match: { action: "REJECT", dstAddr: "10.0.*", protocol: 17, srcPort: { from: 1024, to: 65535 } },
                    threshold: 1,
                    periodSeconds: 300,
                    evaluationPeriods: 1,
                },
            ],
        });
        assert.deepStrictEqual(config.regions[0].vpcs[0].rules, []);
        assert.deepStrictEqual(config.regions[0].vpcs[1].rules, [
            {
                name: "db-rejected",
                description: undefined,
                match: { action: "REJECT", protocol: 6, dstPort: [3306, 5432] },
                threshold: 2,
                periodSeconds: 300,
                evaluationPeriods: 1,
            },
        ]);
    });

    it("without an alerts key: default rules on, no extra rules, nobody subscribed, no Slack", () => {
        const c = draft();
        delete c[ALERTS];
        delete c[REGIONS][0].vpcs[1].rules;
        assert.deepStrictEqual(validateStackConfig(c).alerts, {
            emails: [],
            slack: undefined,
            defaultRules: true,
            rules: [],
        });
    });

    const ACCEPTED: readonly { readonly name: string; readonly rule: Draft; readonly flowLogs?: Draft }[] = [
        { name: "a 48-character name", rule: rule({ name: "a".repeat(48) }) },
        { name: "a 200-character description", rule: rule({ description: "x".repeat(200) }) },
        { name: "the protocol as a number in quotes and in capitals", rule: match({ protocol: "6", srcPort: 22 }) },
        { name: "the largest threshold", rule: rule({ threshold: 1_000_000 }) },
        {
            name: "one day of 5-minute periods (the limit under an hour)",
            rule: rule({ periodSeconds: 300, evaluationPeriods: 288 }),
        },
        {
            name: "seven days of hourly periods (CloudWatch's longest window)",
            rule: rule({ periodSeconds: 3600, evaluationPeriods: MAX_ALARM_WINDOW_SECONDS / 3600 }),
        },
        { name: "a one-day period", rule: rule({ periodSeconds: 86400, evaluationPeriods: 7 }) },
        {
            name: "reject-any retuned, still a REJECT rule",
            rule: { name: "reject-any", match: { action: "REJECT", protocol: "tcp" }, threshold: 200 },
        },
        {
            name: "flow-log-skipdata retuned",
            rule: { name: "flow-log-skipdata", match: { logStatus: "SKIPDATA" }, threshold: 2 },
        },
        {
            name: "an ACCEPT rule when the alarm log group receives ALL traffic",
            rule: rule({ match: { action: "ACCEPT", dstPort: 23 } }),
            flowLogs: { cloudWatchTrafficType: "ALL" },
        },
        { name: "IPv6 source prefix", rule: match({ srcAddr: "2001:db8:*" }) },
        {
            name: "45 destination ports (the pattern still fits)",
            rule: match({ dstPort: Array.from({ length: 45 }, (_, i) => 1000 + i) }),
        },
    ];
    for (const accepted of ACCEPTED) {
        it(`accepts ${accepted.name}`, () => {
            const c = draft();
            c[ALERTS].rules = [accepted.rule];
            if (accepted.flowLogs) c[FLOW_LOGS] = accepted.flowLogs;
            const config = validateStackConfig(c);
            assert.equal(config.alerts.rules[0].name, accepted.rule.name);
        });
    }
});

// ---------------------------------------------------------------------------------------------
// Which rules each VPC gets

const names = (rules: readonly AlertRule[]) => rules.map((r) => r.name);
const r = (name: string, m: AlertRule["match"], threshold = 1): AlertRule => ({
    name,
    match: m,
    threshold,
    periodSeconds: 300,
    evaluationPeriods: 1,
});

describe("effectiveRules", () => {
    it("gives a VPC with nothing configured the defaults and the SKIPDATA alarm", () => {
        const rules = effectiveRules({ defaultRules: true, stackRules: [], vpcRules: [] });
        assert.deepStrictEqual(names(rules), ["reject-any", "ssh-rejected", "rdp-rejected", "flow-log-skipdata"]);
        assert.deepStrictEqual(rules.slice(0, 3), DEFAULT_RULES);
        assert.deepStrictEqual(rules[3], SKIPDATA_RULE);
    });

    it("pins the built-in rules: what they count and when they fire", () => {
        assert.deepStrictEqual(
            [...DEFAULT_RULES, SKIPDATA_RULE].map(({ name, match, threshold, periodSeconds, evaluationPeriods }) => ({
                name,
                match,
                threshold,
                periodSeconds,
                evaluationPeriods,
            })),
            [
                {
                    name: "reject-any",
                    match: { action: "REJECT" },
                    threshold: 50,
                    periodSeconds: 300,
                    evaluationPeriods: 1,
                },
                {
                    name: "ssh-rejected",
                    match: { action: "REJECT", protocol: 6, dstPort: 22 },
                    threshold: 3,
                    periodSeconds: 300,
                    evaluationPeriods: 1,
                },
                {
                    name: "rdp-rejected",
                    match: { action: "REJECT", protocol: 6, dstPort: 3389 },
                    threshold: 3,
                    periodSeconds: 300,
                    evaluationPeriods: 1,
                },
                {
                    name: "flow-log-skipdata",
                    match: { logStatus: "SKIPDATA" },
                    threshold: 1,
                    periodSeconds: 300,
                    evaluationPeriods: 1,
                },
            ],
        );
    });

    it("adds stack rules after the defaults and VPC rules after those", () => {
        const rules = effectiveRules({
            defaultRules: true,
            stackRules: [r("web", { action: "REJECT", dstPort: 80 })],
            vpcRules: [r("db", { action: "REJECT", dstPort: 5432 })],
        });
        assert.deepStrictEqual(names(rules), [
            "reject-any",
            "ssh-rejected",
            "rdp-rejected",
            "web",
            "db",
            "flow-log-skipdata",
        ]);
    });

    it("lets a VPC rule replace a stack rule, and a stack rule replace a default, by name (the replacement takes its own place)", () => {
        const stackSsh = r("ssh-rejected", { action: "REJECT", protocol: 6, dstPort: 22 }, 10);
        const vpcWeb = r("web", { action: "REJECT", dstPort: 8080 }, 7);
        const rules = effectiveRules({
            defaultRules: true,
            stackRules: [stackSsh, r("web", { action: "REJECT", dstPort: 80 })],
            vpcRules: [vpcWeb],
        });
        assert.deepStrictEqual(names(rules), [
            "reject-any",
            "rdp-rejected",
            "ssh-rejected",
            "web",
            "flow-log-skipdata",
        ]);
        assert.equal(rules[2], stackSsh);
        assert.equal(rules[3], vpcWeb);
    });

    it("keeps the baseline REJECT rule when defaultRules is false and no other rule counts REJECT records", () => {
        const rules = effectiveRules({
            defaultRules: false,
            stackRules: [r("tcp-any", { protocol: 6 })],
            vpcRules: [],
        });
        assert.deepStrictEqual(names(rules), ["reject-any", "tcp-any", "flow-log-skipdata"]);
        assert.equal(rules[0], BASELINE_REJECT_RULE);
    });

    it("drops the baseline when defaultRules is false and another REJECT rule exists (at stack or VPC level)", () => {
        const web = r("web", { action: "REJECT", dstPort: 80 });
        assert.deepStrictEqual(names(effectiveRules({ defaultRules: false, stackRules: [web], vpcRules: [] })), [
            "web",
            "flow-log-skipdata",
        ]);
        assert.deepStrictEqual(names(effectiveRules({ defaultRules: false, stackRules: [], vpcRules: [web] })), [
            "web",
            "flow-log-skipdata",
        ]);
    });

    it("keeps a retuned SKIPDATA rule instead of adding the built-in one", () => {
        const retuned = r("flow-log-skipdata", { logStatus: "SKIPDATA" }, 5);
        const rules = effectiveRules({ defaultRules: false, stackRules: [retuned], vpcRules: [] });
        assert.deepStrictEqual(names(rules), ["reject-any", "flow-log-skipdata"]);
        assert.equal(rules[1], retuned);
    });

    it("resolves the example's VPCs from the validated config", () => {
        const config: StackConfig = validateStackConfig(draft());
        const perVpc = config.regions[0].vpcs.map((vpc) =>
            names(
                effectiveRules({
                    defaultRules: config.alerts.defaultRules,
                    stackRules: config.alerts.rules,
                    vpcRules: vpc.rules,
                }),
            ),
        );
        assert.deepStrictEqual(perVpc, [
            ["reject-any", "ssh-rejected", "rdp-rejected", "bastion-http-rejected", "high-ports", "flow-log-skipdata"],
            [
                "reject-any",
                "ssh-rejected",
                "rdp-rejected",
                "bastion-http-rejected",
                "high-ports",
                "db-rejected",
                "flow-log-skipdata",
            ],
        ]);
    });
});

// ---------------------------------------------------------------------------------------------
// Properties

const octet = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 256, max: 999 }));
/** Addresses people write: exact IPv4, prefixes, CIDR blocks, mid-octet wildcards, IPv6, junk. */
const addressArb: fc.Arbitrary<unknown> = fc.oneof(
    fc.tuple(octet, octet, octet, octet).map((o) => o.join(".")),
    fc.tuple(octet, octet).map(([a, b]) => `${a}.${b}.*`),
    fc.constantFrom(
        "10.*",
        "10.0.0.*",
        "10.0.1*",
        "10.0.0.0/16",
        "*",
        "2001:db8::1",
        "2001:db8:*",
        "2001:DB8::1",
        "",
        10,
    ),
);
const portArb: fc.Arbitrary<unknown> = fc.oneof(
    fc.integer({ min: -10, max: 70000 }),
    fc.array(fc.integer({ min: 0, max: 65535 }), { maxLength: 120 }),
    fc.record({ from: fc.integer({ min: 0, max: 65535 }), to: fc.integer({ min: 0, max: 65535 }) }),
    fc.constantFrom("22", "ssh", 22.5, null, { from: 1, to: 2, step: 1 }),
);
const rawMatchArb: fc.Arbitrary<Draft> = fc
    .tuple(
        fc.record({
            action: fc.constantFrom("REJECT", "ACCEPT", "reject", "DROP", 1),
            protocol: fc.oneof(
                fc.constantFrom("tcp", "TCP", "udp", "icmp", "icmpv6", "6", "17", "tpc", ""),
                fc.integer({ min: -5, max: 300 }),
                fc.double(),
            ),
            srcAddr: addressArb,
            dstAddr: addressArb,
            srcPort: portArb,
            dstPort: portArb,
            interfaceId: fc.constantFrom("eni-0a1b2c3d4e5f67890", "eni-1235b8ca123456789", "eni-XYZ", "eni-", 7),
            logStatus: fc.constantFrom("OK", "NODATA", "SKIPDATA", "SKIP"),
        }),
        fc.subarray(["action", "protocol", "srcAddr", "dstAddr", "srcPort", "dstPort", "interfaceId", "logStatus"], {
            minLength: 1,
        }),
    )
    .map(([all, keys]) => Object.fromEntries(keys.map((key) => [key, all[key as keyof typeof all]])));

describe("alerts config: properties", () => {
    it("every random match the config accepts renders, for the alarm log group's format, a pattern that parses", () => {
        let accepted = 0;
        let rejected = 0;
        fc.assert(
            fc.property(rawMatchArb, fc.constantFrom("REJECT", "ALL"), (raw, trafficType) => {
                const c = draft();
                c[ALERTS].rules = [{ name: "random", match: raw }];
                c[FLOW_LOGS] = { cloudWatchTrafficType: trafficType };
                let config: StackConfig;
                try {
                    config = validateStackConfig(c);
                } catch (err) {
                    // Refused: a ConfigError whose every problem points into the rule.
                    assert.ok(err instanceof ConfigError, String(err));
                    for (const problem of err.problems)
                        assert.match(problem.path, /^alerts\.rules\[0\]\.match(\.|$)/, problem.path);
                    rejected++;
                    return;
                }
                accepted++;
                const { match } = config.alerts.rules[0];
                const pattern = renderPattern(match, ALARM_LOG_FIELDS);
                assert.ok(pattern.length <= MAX_FILTER_PATTERN_LENGTH, `${pattern.length} characters`);
                const parsed = parsePattern(pattern);
                assert.deepStrictEqual(parsed.columns, ALARM_LOG_FIELDS.map(columnName));
                assert.equal(
                    selectsAction(parsed, FlowAction.REJECT, ALARM_LOG_FIELDS),
                    // NODATA and SKIPDATA records carry "-" in action: REJECT with such a status matches nothing.
                    match.action === FlowAction.REJECT && (match.logStatus ?? "OK") === "OK",
                    pattern,
                );
            }),
            { numRuns: 600 },
        );
        // The generator must exercise both outcomes, or the property says little.
        assert.ok(accepted > 60 && rejected > 60, `accepted ${accepted}, rejected ${rejected}`);
    });

    it("never fails with anything but a ConfigError for any JSON value under alerts, rules or a VPC's rules", () => {
        fc.assert(
            fc.property(fc.jsonValue(), fc.constantFrom("alerts", "rules", "rule", "vpc"), (value, where) => {
                const c = draft();
                if (where === "alerts") c[ALERTS] = value;
                if (where === "rules") c[ALERTS].rules = value;
                if (where === "rule") c[ALERTS].rules = [value];
                if (where === "vpc") c[REGIONS][0].vpcs[0].rules = value;
                try {
                    validateStackConfig(c);
                } catch (err) {
                    assert.ok(err instanceof ConfigError, String(err));
                    for (const problem of err.problems) assert.match(problem.message, /\S/);
                }
            }),
            { numRuns: 400 },
        );
    });
});
