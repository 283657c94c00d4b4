/**
 * Physical names (components/naming.ts): today's stacks keep theirs, every Pulumi stack name gets
 * names each service accepts, and no two stacks share one.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { NAME_RULES } from "../../components/awsLimits";
import {
    alarmLogGroupName,
    alarmName,
    alarmTopicDisplayName,
    alarmTopicName,
    athenaWorkgroupName,
    chatbotConfigurationName,
    contributorInsightRuleName,
    dashboardName,
    glueDatabaseName,
    logGroupPrefix,
    metricFilterName,
    metricNamespace,
    PULUMI_STACK_NAME,
    queryDefinitionName,
    stackNameProblem,
} from "../../components/naming";

/** Every name built from the stack alone, by the rule its service holds it to. */
const STACK_NAMES: readonly [keyof typeof NAME_RULES, (stack: string) => string][] = [
    ["glueDatabase", glueDatabaseName],
    ["athenaWorkgroup", athenaWorkgroupName],
    ["snsTopic", alarmTopicName],
    ["snsTopicDisplayName", (stack) => alarmTopicDisplayName(stack, "ap-southeast-4")],
    ["dashboard", dashboardName],
    ["chatbotConfiguration", chatbotConfigurationName],
    ["contributorInsightRule", (stack) => contributorInsightRuleName(stack, "top-rejected-sources")],
    ["contributorInsightRule", (stack) => contributorInsightRuleName(stack, "top-rejected-ports")],
    ["queryDefinition", (stack) => queryDefinitionName(stack, "accepted-vs-rejected-per-minute")],
];

/** Names that also carry a VPC (at most 32 characters) and a rule (at most 48). */
const LONGEST_VPC = "v".repeat(32);
const LONGEST_RULE = "r".repeat(48);
const VPC_NAMES: readonly [keyof typeof NAME_RULES, (stack: string) => string][] = [
    ["logGroup", (stack) => alarmLogGroupName(stack, LONGEST_VPC)],
    ["alarm", (stack) => alarmName(stack, LONGEST_VPC, LONGEST_RULE)],
    ["metricNamespace", (stack) => metricNamespace(stack, LONGEST_VPC)],
    ["metricFilter", () => metricFilterName(LONGEST_VPC, LONGEST_RULE)],
];

describe("physical names", () => {
    it("stay as they are for today's stacks dev, staging and prod", () => {
        const names = (stack: string) => ({
            glue: glueDatabaseName(stack),
            workgroup: athenaWorkgroupName(stack),
            topic: alarmTopicName(stack),
            displayName: alarmTopicDisplayName(stack, "us-east-1"),
            dashboard: dashboardName(stack),
            chatbot: chatbotConfigurationName(stack),
            insight: contributorInsightRuleName(stack, "top-rejected-sources"),
            query: queryDefinitionName(stack, "top-rejected-sources"),
            logGroup: alarmLogGroupName(stack, "core"),
            alarm: alarmName(stack, "core", "reject-any"),
        });
        for (const stack of ["dev", "staging", "prod"]) {
            assert.deepStrictEqual(names(stack), {
                glue: `vpc_flow_monitor_${stack}`,
                workgroup: `vpc-flow-monitor-${stack}`,
                topic: `vpc-flow-monitor-${stack}-alarms`,
                displayName: `vpc-flow-monitor ${stack} us-east-1`,
                dashboard: `vpc-flow-monitor-${stack}`,
                chatbot: `vpc-flow-monitor-${stack}`,
                insight: `vpc-flow-monitor-${stack}-top-rejected-sources`,
                query: `vpc-flow-monitor/${stack}/top-rejected-sources`,
                logGroup: `/vpc-flow-monitor/${stack}/core`,
                alarm: `vpc-flow-monitor-${stack}-core-reject-any`,
            });
        }
    });

    const derived: readonly { stack: string; glue: string; topic: string; dashboard: string }[] = [
        // Stacks with `-` or `_` (or upper case) used to share a Glue database: each now has its own.
        {
            stack: "dev-eu",
            glue: "vpc_flow_monitor_dev_eu_191c192f",
            topic: "vpc-flow-monitor-dev-eu-alarms",
            dashboard: "vpc-flow-monitor-dev-eu",
        },
        {
            stack: "dev_eu",
            glue: "vpc_flow_monitor_dev_eu_8347a337",
            topic: "vpc-flow-monitor-dev_eu-alarms",
            dashboard: "vpc-flow-monitor-dev_eu",
        },
        {
            stack: "Dev",
            glue: "vpc_flow_monitor_dev_9c24f45a",
            topic: "vpc-flow-monitor-Dev-alarms",
            dashboard: "vpc-flow-monitor-Dev",
        },
        // A `.` is not allowed in SNS topic, dashboard and Chatbot names: cleaned and hashed there too.
        {
            stack: "dev.eu",
            glue: "vpc_flow_monitor_dev_eu_46d7d943",
            topic: "vpc-flow-monitor-dev-eu-46d7d943-alarms",
            dashboard: "vpc-flow-monitor-dev-eu-46d7d943",
        },
    ];
    for (const { stack, glue, topic, dashboard } of derived) {
        it(`derives valid names for stack ${stack}, with a hash of the stack name where characters were replaced`, () => {
            assert.deepStrictEqual(
                {
                    glue: glueDatabaseName(stack),
                    topic: alarmTopicName(stack),
                    dashboard: dashboardName(stack),
                    chatbot: chatbotConfigurationName(stack),
                },
                { glue, topic, dashboard, chatbot: dashboard },
            );
        });
    }

    it("cut and hash the Contributor Insights rule names of stacks longer than 90 characters (128 at most)", () => {
        const stack = "s".repeat(100);
        const sources = contributorInsightRuleName(stack, "top-rejected-sources");
        const ports = contributorInsightRuleName(stack, "top-rejected-ports");
        assert.deepEqual([sources.length, ports.length], [128, 128]);
        assert.match(sources, /^vpc-flow-monitor-s{81}-[0-9a-f]{8}-top-rejected-sources$/);
        assert.match(ports, /^vpc-flow-monitor-s{83}-[0-9a-f]{8}-top-rejected-ports$/);
        assert.equal(contributorInsightRuleName("s".repeat(90), "top-rejected-sources").length, 128);
        assert.equal(
            contributorInsightRuleName("s".repeat(90), "top-rejected-sources"),
            `vpc-flow-monitor-${"s".repeat(90)}-top-rejected-sources`,
        );
    });

    const stackNameArb = fc.stringMatching(PULUMI_STACK_NAME);
    const oddStacks = ["a", "_", "-", ".", "..", "A.b_C-d", "s".repeat(100), "9".repeat(100), ".".repeat(100)];

    it("are valid for every stack name Pulumi accepts, the longest and oddest included", () => {
        const check = (stack: string) => {
            for (const [rule, name] of [...STACK_NAMES, ...VPC_NAMES]) {
                const value = name(stack);
                const { maxLength, pattern } = NAME_RULES[rule];
                assert.ok(value.length <= maxLength, `${rule} ${value}: ${value.length} > ${maxLength}`);
                assert.match(value, pattern, `${rule} for stack ${JSON.stringify(stack)}`);
            }
        };
        oddStacks.forEach(check);
        fc.assert(
            fc.property(stackNameArb, (stack) => check(stack)),
            { numRuns: 300 },
        );
    });

    it("never give two stacks the same name, whatever characters they differ in", () => {
        const pairs: [string, string][] = [
            ["dev-eu", "dev_eu"],
            ["dev-eu", "dev.eu"],
            ["dev_eu", "dev.eu"],
            ["Dev", "dev"],
            ["a-b", "a_b"],
            ["a__b", "a_-b"],
            ["prod", "prod_"],
        ];
        const distinct = (a: string, b: string) => {
            for (const [rule, name] of STACK_NAMES) {
                if (rule === "snsTopicDisplayName") continue; // a display name, not an identifier
                assert.notEqual(name(a), name(b), `${rule}: ${a} and ${b} -> ${name(a)}`);
            }
            assert.notEqual(logGroupPrefix(a), logGroupPrefix(b));
            assert.notEqual(metricNamespace(a, "core"), metricNamespace(b, "core"));
        };
        for (const [a, b] of pairs) distinct(a, b);
        fc.assert(
            fc.property(stackNameArb, stackNameArb, (a, b) => {
                fc.pre(a !== b);
                distinct(a, b);
            }),
            { numRuns: 500 },
        );
    });
});

describe("stackNameProblem: the one rule for stack names in every tool", () => {
    for (const stack of ["dev", "dev.eu", "prod_eu-1", "A", "s".repeat(100)]) {
        it(`accepts ${JSON.stringify(stack.length > 20 ? `${stack.slice(0, 5)}… (${stack.length})` : stack)}`, () => {
            assert.equal(stackNameProblem(stack), undefined);
        });
    }
    const ALLOWED = "1 to 100 characters of letters, digits, -, _ and . (Pulumi's rule for stack names)";
    for (const stack of ["", "../dev", "dev eu", "dév", "dev/eu", "s".repeat(101)]) {
        it(`refuses ${JSON.stringify(stack.length > 20 ? `${stack.slice(0, 5)}… (${stack.length})` : stack)}`, () => {
            assert.equal(
                stackNameProblem(stack),
                `not a stack name; given ${JSON.stringify(stack)}. Allowed: ${ALLOWED}`,
            );
        });
    }
});
