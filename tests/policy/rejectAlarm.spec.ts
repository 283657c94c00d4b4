/**
 * What vpc-reject-alarm-required accepts as a REJECT alarm, case by case and in both directions:
 * the filter's pattern (judged on what flow log records hold), what the filter publishes, the
 * alarm's metric, statistic and comparison, its actions, the account and region names link in,
 * DefaultVpc, and values the pack cannot read (secrets and unknowns of a stack export), which
 * vpc-reject-alarm-verifiable reports. Every case runs through the offline runner
 * (tools/analyzer/policyRunner.ts) with the pack's default config.
 */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { renderLogFormat, parseLogFormat } from "../../flowlogs";
import { asPreview, fromStackExport, toStackExport } from "../../tools/analyzer/policyInputs";
import { loadPolicyConfig, PACK } from "../../tools/analyzer/policyPack";
import { PolicyInputResource, runPolicyPack, Violation } from "../../tools/analyzer/policyRunner";
import { addMonitoredVpc, addProvider, addTopic, ACCOUNT, MonitoredVpcOptions } from "../fixtures/stacks";
import { StackBuilder, UNKNOWN_STRING } from "../helpers/policy";

const REQUIRED = "vpc-reject-alarm-required";
const VERIFIABLE = "vpc-reject-alarm-verifiable";
const CONFIG = loadPolicyConfig();

async function run(resources: readonly PolicyInputResource[], secrets = false): Promise<Violation[]> {
    const { violations } = await runPolicyPack(resources, PACK, {
        config: CONFIG,
        unknownsAre: secrets ? "secrets" : "preview",
    });
    return [...violations];
}

const of = (violations: readonly Violation[], policy: string) => violations.filter((v) => v.policy === policy);

/** One monitored VPC "app" with an alarm topic in us-east-1, changed by `options`. */
function chain(options: Partial<MonitoredVpcOptions> = {}, build?: (stack: StackBuilder, provider: string) => void) {
    const stack = new StackBuilder();
    const provider = addProvider(stack);
    const topic = addTopic(stack, provider);
    const vpc = addMonitoredVpc(stack, "app", { provider, topic, ...options });
    build?.(stack, provider);
    return { stack, vpc, provider, topic };
}

/** Runs the case and checks the verdict of vpc-reject-alarm-required (and that it never crashes into a note). */
async function expectVerdict(
    stack: StackBuilder,
    passes: boolean,
    message?: string | RegExp,
): Promise<readonly Violation[]> {
    const violations = await run(stack.resources());
    const required = of(violations, REQUIRED);
    assert.equal(required.length === 0, passes, JSON.stringify(required, null, 1));
    if (message !== undefined) {
        const text = required.map((v) => v.message).join("\n");
        if (typeof message === "string") assert.ok(text.includes(message), `expected ${message} in\n${text}`);
        else assert.match(text, message);
    }
    return violations;
}

const cols = (slots: Partial<Record<string, string>> = {}) =>
    `[${["version", "account", "eni", "src", "dst", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end", "action", "status"].map((c) => slots[c] ?? c).join(", ")}]`;

describe("vpc-reject-alarm-required: the filter's pattern", () => {
    const cases: [string, string, boolean, (string | RegExp)?][] = [
        // Selects exactly the REJECT records: reports none.
        ["action = REJECT", cols({ action: "action = REJECT" }), true],
        ["a prefix wildcard REJ*", cols({ action: "action = REJ*" }), true],
        ["a suffix wildcard *EJECT", cols({ action: "action = *EJECT" }), true],
        ["a regular expression %REJECT%", cols({ action: "action = %REJECT%" }), true],
        ["an anchored regular expression %^REJECT$%", cols({ action: "action = %^REJECT$%" }), true],
        ["the term REJECT", "REJECT", true],
        ['the quoted term "REJECT"', '"REJECT"', true],
        ["a term with an exclusion", "REJECT -ACCEPT", true],
        ["the term pattern regex %REJECT%", "%REJECT%", true],
        [
            "action != ACCEPT with a port condition (which NODATA's - cannot meet)",
            cols({ action: "action != ACCEPT", dstport: "dstport >= 0" }),
            true,
        ],
        // Can never match a REJECT record of the format: reports a violation.
        [
            "protocol = 300",
            cols({ action: "action = REJECT", protocol: "protocol = 300" }),
            false,
            "the condition on field 8 (protocol: protocol = 300) never holds in a REJECT record, where protocol is an IANA protocol number 0-255",
        ],
        [
            "dstport = 70000",
            cols({ action: "action = REJECT", dstport: "dstport = 70000" }),
            false,
            "dstport is a port number 0-65535",
        ],
        ["action = DROP", cols({ action: "action = DROP" }), false, "(action: action = DROP) never holds"],
        ["log_status = FOO", cols({ action: "action = REJECT", status: "status = FOO" }), false, "status = FOO"],
        ["version = 1", cols({ version: "version = 1", action: "action = REJECT" }), false, "version is 2"],
        [
            "REJECT together with NODATA (a NODATA record has - in action)",
            cols({ action: "action = REJECT", status: "status = NODATA" }),
            false,
            "log-status is OK (in a REJECT record)",
        ],
        [
            "contradictory conditions",
            cols({ action: "action = REJECT && action = ACCEPT" }),
            false,
            "never holds in a REJECT record",
        ],
        ["a term that starts no word (EJECT)", "EJECT", false, "no REJECT record contains its terms"],
        ["a term regex anchored to the whole record", "%^REJECT$%", false, "no REJECT record contains its terms"],
        ["a JSON pattern", '{ $.action = "REJECT" }', false, "JSON pattern"],
        // Matches other records too: reports a violation.
        ["*E* (ACCEPT has an E)", cols({ action: "action = *E*" }), false, "it also matches ACCEPT records"],
        ["%E%", cols({ action: "action = %E%" }), false, "it also matches ACCEPT records"],
        ["?REJECT ?ACCEPT", "?REJECT ?ACCEPT", false, "it also matches ACCEPT records"],
        ["the empty pattern", "", false, "it also matches ACCEPT records"],
        ["action != ACCEPT (NODATA's - is not ACCEPT)", cols({ action: "action != ACCEPT" }), false, "NODATA records"],
        ["a phrase that spans fields", '"REJECT OK"', false, "may span fields"],
    ];
    for (const [name, pattern, passes, message] of cases) {
        it(`${passes ? "reports none" : "reports a violation"} for ${name}`, async () => {
            await expectVerdict(chain({ pattern }).stack, passes, message);
        });
    }

    it("decides a term per format: REJECT may be an ECS service's name, so the term alone is refused there", async () => {
        const logFormat = renderLogFormat(parseLogFormat("${version} ${action} ${ecs-service-name} ${log-status}"));
        await expectVerdict(chain({ logFormat, pattern: "REJECT" }).stack, false, 'such as "7 ACCEPT REJECT OK"');
        await expectVerdict(chain({ logFormat, pattern: "REJECT -ACCEPT" }).stack, true);
        await expectVerdict(chain({ logFormat, pattern: "[v, action = REJECT, service, status]" }).stack, true);
    });
});

describe("vpc-reject-alarm-required: what the filter publishes and what the alarm asks for", () => {
    const dimensioned = { dimensions: { Protocol: "$protocol" } };
    const cases: [string, Partial<MonitoredVpcOptions>, boolean, string?][] = [
        ["metric value 1", {}, true],
        ["metric value $packets (at least 1)", { transformation: { value: "$packets" } }, true],
        ["metric value 0 summed", { transformation: { value: "0" } }, false, "Sum of the metric value 0"],
        [
            "metric value 0 counted with SampleCount (a 0 is still a datapoint)",
            { transformation: { value: "0" }, alarmProps: { statistic: "SampleCount" } },
            true,
        ],
        [
            "a field the pattern fixes to 0",
            {
                pattern: cols({ action: "action = REJECT", dstport: "dstport = 0" }),
                transformation: { value: "$dstport" },
            },
            false,
            "$dstport (0 to 0)",
        ],
        [
            "a field that is never a number ($src)",
            { pattern: cols({ action: "action = REJECT" }), transformation: { value: "$src" } },
            false,
            "is never a number",
        ],
        [
            "a $field of a term pattern",
            { pattern: "REJECT", transformation: { value: "$packets" } },
            false,
            "extracts no fields",
        ],
        [
            "dimensions on the filter, none on the alarm",
            { pattern: cols({ action: "action = REJECT" }), transformation: dimensioned },
            false,
            "it asks for the series with no dimensions, and the filter publishes the series with dimensions Protocol only",
        ],
        [
            "the filter's dimensions, with a value REJECT records carry",
            {
                pattern: cols({ action: "action = REJECT" }),
                transformation: dimensioned,
                alarmProps: { dimensions: { Protocol: "6" } },
            },
            true,
        ],
        [
            "a dimension value the field never has (Protocol = tcp)",
            {
                pattern: cols({ action: "action = REJECT" }),
                transformation: dimensioned,
                alarmProps: { dimensions: { Protocol: "tcp" } },
            },
            false,
            'dimension Protocol = "tcp" is never published',
        ],
        [
            "a dimension value the pattern excludes",
            {
                pattern: cols({ action: "action = REJECT", protocol: "protocol = 17" }),
                transformation: dimensioned,
                alarmProps: { dimensions: { Protocol: "6" } },
            },
            false,
            'dimension Protocol = "6" is never published',
        ],
        [
            "dimensions on the alarm the filter does not publish",
            { alarmProps: { dimensions: { VpcId: "vpc-1" } } },
            false,
            "it asks for the series with dimensions VpcId, and the filter publishes the series with no dimensions only",
        ],
        ["a unit the filter does not publish", { alarmProps: { unit: "Bytes" } }, false, "it asks for unit Bytes"],
        ["the unit the filter publishes", { alarmProps: { unit: "Count" } }, true],
    ];
    for (const [name, options, passes, message] of cases) {
        it(`${passes ? "reports none" : "reports a violation"} for ${name}`, async () => {
            await expectVerdict(chain(options).stack, passes, message);
        });
    }
});

describe("vpc-reject-alarm-required: the alarm's statistic and comparison", () => {
    const alarm = (props: Record<string, unknown>, transformation?: Record<string, unknown>) => ({
        alarmProps: props,
        transformation,
    });
    const cases: [string, Partial<MonitoredVpcOptions>, boolean, string?][] = [
        ["Sum >= 50", {}, true],
        [
            "Sum > 1000000 (more rejected packets always reach it)",
            alarm({ comparisonOperator: "GreaterThanThreshold", threshold: 1e6 }),
            true,
        ],
        [
            "SampleCount > 5",
            alarm({ statistic: "SampleCount", comparisonOperator: "GreaterThanThreshold", threshold: 5 }),
            true,
        ],
        [
            "Sum < 0",
            alarm({ comparisonOperator: "LessThanThreshold", threshold: 0 }),
            false,
            "LessThanThreshold 0 never holds",
        ],
        [
            "Sum < 10 (one rejected record makes 1)",
            alarm({ comparisonOperator: "LessThanThreshold", threshold: 10 }),
            true,
        ],
        [
            "Maximum of 1 > 5",
            alarm({ statistic: "Maximum", comparisonOperator: "GreaterThanThreshold", threshold: 5 }),
            false,
            "the statistic ranges from 1 to 1",
        ],
        [
            "Minimum of 1 > 5",
            alarm({ statistic: "Minimum", comparisonOperator: "GreaterThanThreshold", threshold: 5 }),
            false,
        ],
        [
            "Average of 1 >= 1",
            alarm({ statistic: "Average", comparisonOperator: "GreaterThanOrEqualToThreshold", threshold: 1 }),
            true,
        ],
        [
            "p99 of 1 > 1",
            alarm({
                statistic: "",
                extendedStatistic: "p99",
                comparisonOperator: "GreaterThanThreshold",
                threshold: 1,
            }),
            false,
        ],
        [
            "Maximum of $bytes > 5",
            alarm(
                { statistic: "Maximum", comparisonOperator: "GreaterThanThreshold", threshold: 5 },
                { value: "$bytes" },
            ),
            true,
        ],
        ["Sum of -1 > 0", alarm({ comparisonOperator: "GreaterThanThreshold", threshold: 0 }, { value: "-1" }), false],
        ["no comparisonOperator", alarm({ comparisonOperator: undefined }), false, "it has no comparisonOperator"],
        ["no threshold", alarm({ threshold: undefined }), false, "it has no threshold"],
        [
            "LessThanLowerThreshold (an anomaly band)",
            alarm({ comparisonOperator: "LessThanLowerThreshold" }),
            false,
            "needs an anomaly detection band",
        ],
    ];
    for (const [name, options, passes, message] of cases) {
        it(`${passes ? "reports none" : "reports a violation"} for ${name}`, async () => {
            await expectVerdict(chain(options).stack, passes, message);
        });
    }

    const math = (queries: unknown[], extra: Record<string, unknown> = {}) => ({
        alarmProps: {
            namespace: undefined,
            metricName: undefined,
            statistic: undefined,
            metricQueries: queries,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: 1,
            ...extra,
        },
    });
    const m1 = {
        id: "m1",
        metric: { namespace: "VpcFlowMonitor/test/app", metricName: "reject-any", period: 60, stat: "Sum" },
    };
    const other = {
        id: "m2",
        metric: { namespace: "AWS/EC2", metricName: "CPUUtilization", period: 60, stat: "Average" },
    };
    const mathCases: [string, Partial<MonitoredVpcOptions>, boolean, string?][] = [
        [
            "a returned expression of the filter's metric",
            math([m1, { id: "e1", expression: "m1 * 60", returnData: true }]),
            true,
        ],
        [
            "a returned expression that does not use it",
            math([m1, other, { id: "e1", expression: "m2 * 2", returnData: true }]),
            false,
            'its returned expression "m2 * 2" does not use the filter\'s metric',
        ],
        ["the metric itself returned", math([{ ...m1, returnData: true }]), true],
        [
            "an expression that can never reach the threshold",
            math([m1, { id: "e1", expression: "m1 * 0", returnData: true }]),
            false,
            "never holds",
        ],
        [
            "an anomaly band above which rejected traffic rises",
            math(
                [
                    { ...m1, returnData: true },
                    { id: "ad1", expression: "ANOMALY_DETECTION_BAND(m1, 2)", returnData: true },
                ],
                { comparisonOperator: "GreaterThanUpperThreshold", threshold: undefined, thresholdMetricId: "ad1" },
            ),
            true,
        ],
        [
            "an anomaly band below which it must fall",
            math(
                [
                    { ...m1, returnData: true },
                    { id: "ad1", expression: "ANOMALY_DETECTION_BAND(m1, 2)", returnData: true },
                ],
                { comparisonOperator: "LessThanLowerThreshold", threshold: undefined, thresholdMetricId: "ad1" },
            ),
            false,
            "falls below its band",
        ],
    ];
    for (const [name, options, passes, message] of mathCases) {
        it(`metric math: ${passes ? "reports none" : "reports a violation"} for ${name}`, async () => {
            await expectVerdict(chain(options).stack, passes, message);
        });
    }

    it("metric math it cannot evaluate passes the mandatory policy and is reported by the advisory one", async () => {
        const violations = await expectVerdict(
            chain(math([m1, { id: "e1", expression: "RATE(m1)", returnData: true }])).stack,
            true,
        );
        const [note] = of(violations, VERIFIABLE);
        assert.equal(note.enforcementLevel, "advisory");
        assert.match(note.message, /the pack evaluates only arithmetic of one metric query, not "RATE\(m1\)"/);
    });
});

describe("vpc-reject-alarm-required: the alarm's actions", () => {
    const cases: [string, unknown[], boolean, string?][] = [
        ["an SNS topic", [`arn:aws:sns:us-east-1:${ACCOUNT}:alerts`], true],
        ["a Lambda function", [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:notify`], true],
        ["a Systems Manager OpsItem", [`arn:aws:ssm:us-east-1:${ACCOUNT}:opsitem:3#CATEGORY=Security`], true],
        ["an Incident Manager response plan", [`arn:aws:ssm-incidents::${ACCOUNT}:response-plan/oncall`], true],
        ["an empty string and an SNS topic", ["", `arn:aws:sns:us-east-1:${ACCOUNT}:alerts`], true],
        ["an empty string", [""], false, '"" (an empty string)'],
        ["whitespace", ["  "], false, '"  " (an empty string)'],
        ["an EC2 stop action", ["arn:aws:automate:us-east-1:ec2:stop"], false, "an EC2 action"],
        [
            "an Auto Scaling policy",
            [`arn:aws:autoscaling:us-east-1:${ACCOUNT}:scalingPolicy:1a2b:autoScalingGroupName/web:policyName/up`],
            false,
            "an Auto Scaling policy",
        ],
        ["a topic name instead of its ARN", ["alerts"], false, "not the ARN of an SNS topic"],
    ];
    for (const [name, actions, passes, message] of cases) {
        it(`${passes ? "reports none" : "reports a violation"} for ${name}`, async () => {
            await expectVerdict(chain({ alarmActions: actions }).stack, passes, message);
        });
    }
});

describe("vpc-reject-alarm-required: names link only within one account and region", () => {
    it("reports a violation when the only filter on the group's name is in another region, or another account", async () => {
        for (const [where, at] of [
            [
                "us-west-2",
                (stack: StackBuilder) => ({ provider: addProvider(stack, "us-west-2"), region: "us-west-2" }),
            ],
            [
                "account 999988887777",
                (stack: StackBuilder) => ({
                    provider: addProvider(stack, "us-east-1", "999988887777"),
                    region: "us-east-1",
                }),
            ],
        ] as const) {
            const stack = new StackBuilder();
            const provider = addProvider(stack, "us-east-1", ACCOUNT);
            const topic = addTopic(stack, provider);
            addMonitoredVpc(stack, "app", { provider, topic, filterAt: at(stack) });
            const [violation] = of(await run(stack.resources()), REQUIRED);
            assert.ok(violation, where);
            assert.match(violation.message, /no metric filter reads log group "\/vpc-flow-monitor\/test\/app"/, where);
        }
    });

    it("reports a violation when the alarm on the metric is in another account", async () => {
        const stack = new StackBuilder();
        const provider = addProvider(stack, "us-east-1", ACCOUNT);
        const topic = addTopic(stack, provider);
        const other = addProvider(stack, "us-east-1", "999988887777");
        addMonitoredVpc(stack, "app", {
            provider,
            topic,
            alarmAt: { provider: other, region: "us-east-1", account: "999988887777" },
        });
        await expectVerdict(stack, false, "no metric alarm watches its metric");
    });

    it("does not take a log group of the same name in another region for the flow log's group", async () => {
        const stack = new StackBuilder();
        const east = addProvider(stack, "us-east-1", ACCOUNT);
        const west = addProvider(stack, "us-west-2", ACCOUNT);
        const topic = addTopic(stack, east);
        // The flow log delivers to the group in us-east-1; the group of that name in the stack (and its filter) is in us-west-2.
        addMonitoredVpc(stack, "app", {
            provider: east,
            topic,
            logGroupAt: { provider: west, region: "us-west-2" },
            filterAt: { provider: west, region: "us-west-2" },
        });
        const resources = stack.resources().map((r) =>
            r.name === "app-alarmFlowLog"
                ? {
                      ...r,
                      outputs: {
                          ...r.outputs,
                          logDestination: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/vpc-flow-monitor/test/app`,
                      },
                      propertyDependencies: { ...r.propertyDependencies, logDestination: [] },
                  }
                : r,
        );
        const required = of(await run(resources), REQUIRED);
        assert.equal(required.length, 1);
        assert.match(required[0].message, /no metric filter reads log group "\/vpc-flow-monitor\/test\/app"/);
    });

    it("reports none when every link is in the same account and region, named by providers pinned to it", async () => {
        const stack = new StackBuilder();
        const provider = addProvider(stack, "us-east-1", ACCOUNT);
        // A second provider pinned to the same account and region (as a multi-provider program has).
        const again = stack.add(
            "pulumi:providers:aws",
            "again",
            { region: "us-east-1", allowedAccountIds: JSON.stringify([ACCOUNT]) },
            { id: "again-id" },
        );
        const topic = addTopic(stack, provider);
        addMonitoredVpc(stack, "app", {
            provider,
            topic,
            filterAt: { provider: again, region: "us-east-1" },
            alarmAt: { provider: again, region: "us-east-1" },
        });
        await expectVerdict(stack, true);
    });

    it("says in the message the account and region to add the missing pieces in", async () => {
        const { stack } = chain({ pattern: null }, undefined);
        const [violation] = of(await run(stack.resources()), REQUIRED);
        assert.equal(
            violation.message,
            'VPC "app-vpc" (vpc-1f6a832c012345678, account 111122223333, us-east-1) has no REJECT alarm: no metric filter reads log group "/vpc-flow-monitor/test/app", which flow log "app-alarmFlowLog" delivers to; add a metric filter on log group "/vpc-flow-monitor/test/app" selecting action = REJECT (pattern [version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action = REJECT, log_status], metricValue 1), and a metric alarm on its metric (Sum >= 1) with an SNS topic in alarmActions.',
        );
        const alarmless = chain({ alarm: false }).stack;
        const [missing] = of(await run(alarmless.resources()), REQUIRED);
        assert.match(
            missing.message,
            /; add a metric alarm on metric "reject-any" \(namespace "VpcFlowMonitor\/test\/app"\) in account 111122223333, us-east-1 \(Sum >= 1 over 60 s\) with an SNS topic in alarmActions\.$/,
        );
    });
});

describe("vpc-flow-logs-required and vpc-reject-alarm-required cover DefaultVpc", () => {
    it("reports a violation for an adopted default VPC with no flow log", async () => {
        const stack = new StackBuilder();
        const provider = addProvider(stack);
        const vpc = stack.add(aws.ec2.DefaultVpc, "default", { id: "vpc-0default0000000001" }, { provider });
        const violations = await run(stack.resources());
        assert.deepEqual(
            violations.filter((v) => v.urn === vpc).map((v) => v.policy),
            ["vpc-flow-logs-required", REQUIRED],
        );
        assert.match(violations[0].message, /^VPC "default" \(vpc-0default0000000001, us-east-1\) has no flow log/);
    });

    it("reports none for a default VPC with a flow log, a REJECT filter and an alarm", async () => {
        const violations = await run(chain({ defaultVpc: true }).stack.resources());
        assert.deepEqual(of(violations, REQUIRED), []);
        assert.deepEqual(of(violations, "vpc-flow-logs-required"), []);
    });
});

describe("values the pack cannot read: vpc-reject-alarm-verifiable", () => {
    /** The chain as a stack export, edited (resources by name), read back as the audit reads it. */
    function exported(edit: (byName: Record<string, any>) => void): PolicyInputResource[] {
        const doc = JSON.parse(JSON.stringify(toStackExport(chain().stack.resources())));
        const byName = Object.fromEntries(doc.deployment.resources.map((r: any) => [r.urn.split("::").pop(), r]));
        edit(byName);
        return fromStackExport(doc, "export.json").resources;
    }
    const encrypted = {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        ciphertext: "AAABAK...",
    };

    const cases: [string, (r: Record<string, any>) => void, RegExp][] = [
        [
            "the filter's pattern is an encrypted secret",
            (r) => (r["app-reject-any-metricFilter"].outputs.pattern = encrypted),
            /the pattern of metric filter "app-reject-any-metricFilter" is an encrypted secret in this stack export \(export it with --show-secrets to judge it\)/,
        ],
        [
            "the alarm's actions are an encrypted secret",
            (r) => (r["app-reject-any-alarm"].outputs.alarmActions = encrypted),
            /the alarm actions of "app-reject-any-alarm" is an encrypted secret/,
        ],
        [
            "the alarm's threshold is an unknown placeholder",
            (r) => (r["app-reject-any-alarm"].outputs.threshold = UNKNOWN_STRING),
            /the threshold of "app-reject-any-alarm" is not known/,
        ],
        [
            "the flow log's format is an unknown placeholder",
            (r) => (r["app-alarmFlowLog"].outputs.logFormat = UNKNOWN_STRING),
            /the log format of flow log "app-alarmFlowLog" is not known/,
        ],
    ];
    for (const [name, edit, message] of cases) {
        it(`reports an advisory note, and no mandatory violation, when ${name}`, async () => {
            const violations = await run(exported(edit), true);
            assert.deepEqual(of(violations, REQUIRED), []);
            const notes = of(violations, VERIFIABLE);
            assert.equal(notes.length, 1, JSON.stringify(violations, null, 1));
            assert.equal(notes[0].enforcementLevel, "advisory");
            assert.match(
                notes[0].message,
                /^VPC "app-vpc" \(vpc-\w+, account 111122223333, us-east-1\): whether a rejected packet reaches anyone could not be judged: /,
            );
            assert.match(notes[0].message, message);
        });
    }

    it("judges a secret exported with --show-secrets like any value, both ways", async () => {
        const shown = (pattern: string) =>
            exported((r) => {
                r["app-reject-any-metricFilter"].outputs.pattern = {
                    ...encrypted,
                    ciphertext: undefined,
                    plaintext: JSON.stringify(pattern),
                };
            });
        assert.deepEqual(await run(shown(cols({ action: "action = REJECT" })), true), []);
        const broken = await run(shown(cols({ action: "action = DROP" })), true);
        assert.deepEqual(of(broken, VERIFIABLE), []);
        assert.equal(of(broken, REQUIRED).length, 1);
    });

    it("reports nothing for values a preview does not know yet (the engine decides them at up)", async () => {
        const violations = await run(asPreview(chain().stack.resources()));
        assert.deepEqual(violations, []);
    });

    it("reports none for a stack export with every value readable", async () => {
        assert.deepEqual(
            await run(
                exported(() => undefined),
                true,
            ),
            [],
        );
    });
});

describe("flow-log-role-no-wildcard-actions: managed policies and ? wildcards", () => {
    const POLICY = "flow-log-role-no-wildcard-actions";
    const cases: [string, (stack: StackBuilder, role: string, provider: string) => void, string | undefined][] = [
        [
            "managedPolicyArns with AdministratorAccess",
            (stack, role) => stack.set(role, { managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] }),
            'AWS managed policy AdministratorAccess (managedPolicyArns of "app-deliveryRole")',
        ],
        [
            "a PolicyAttachment of ReadOnlyAccess",
            (stack, role, provider) =>
                stack.add(
                    aws.iam.PolicyAttachment,
                    "read-only",
                    { roles: [stack.ref(role, "name")], policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" },
                    { provider },
                ),
            'AWS managed policy ReadOnlyAccess (attached by "read-only")',
        ],
        [
            "a RolePolicyAttachment of CloudWatchLogsFullAccess",
            (stack, role, provider) =>
                stack.add(
                    aws.iam.RolePolicyAttachment,
                    "logs-full",
                    { role: stack.ref(role, "name"), policyArn: "arn:aws:iam::aws:policy/CloudWatchLogsFullAccess" },
                    { provider },
                ),
            "AWS managed policy CloudWatchLogsFullAccess",
        ],
        [
            "a customer policy attached through PolicyAttachment, read through its document",
            (stack, role, provider) => {
                const policy = stack.add(
                    aws.iam.Policy,
                    "broad",
                    {
                        id: `arn:aws:iam::${ACCOUNT}:policy/broad`,
                        arn: `arn:aws:iam::${ACCOUNT}:policy/broad`,
                        policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "logs:*", Resource: "*" }] }),
                    },
                    { provider },
                );
                stack.add(
                    aws.iam.PolicyAttachment,
                    "broad-attach",
                    { roles: [stack.ref(role, "name")], policyArn: stack.ref(policy, "arn") },
                    { provider },
                );
            },
            'logs:* in policy "broad" (attached by "broad-attach")',
        ],
        [
            "a customer policy in managedPolicyArns",
            (stack, role, provider) => {
                const policy = stack.add(
                    aws.iam.Policy,
                    "broad",
                    {
                        id: `arn:aws:iam::${ACCOUNT}:policy/broad`,
                        arn: `arn:aws:iam::${ACCOUNT}:policy/broad`,
                        policy: JSON.stringify({
                            Statement: [{ Effect: "Allow", Action: "logs:Put*", Resource: "*" }],
                        }),
                    },
                    { provider },
                );
                stack.set(role, { managedPolicyArns: [stack.ref(policy, "arn")] });
            },
            'logs:Put* in policy "broad" (managedPolicyArns of "app-deliveryRole")',
        ],
        [
            "a ? wildcard in an action",
            (stack, role, provider) =>
                stack.add(
                    aws.iam.RolePolicy,
                    "questionable",
                    {
                        role: stack.ref(role, "id"),
                        policy: JSON.stringify({
                            Statement: [{ Effect: "Allow", Action: "logs:PutLog?vents", Resource: "*" }],
                        }),
                    },
                    { provider },
                ),
            'logs:PutLog?vents in role policy "questionable"',
        ],
        [
            "an AWS managed policy without wildcards",
            (stack, role) =>
                stack.set(role, {
                    managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"],
                }),
            undefined,
        ],
        [
            "a PolicyAttachment on another role",
            (stack, _role, provider) => {
                const other = stack.add(
                    aws.iam.Role,
                    "other",
                    { id: "other", name: "other", arn: `arn:aws:iam::${ACCOUNT}:role/other` },
                    { provider },
                );
                stack.add(
                    aws.iam.PolicyAttachment,
                    "admin-other",
                    { roles: [stack.ref(other, "name")], policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
                    { provider },
                );
            },
            undefined,
        ],
    ];
    for (const [name, build, message] of cases) {
        it(`${message ? "reports a violation" : "reports none"} for ${name}`, async () => {
            const stack = new StackBuilder();
            const provider = addProvider(stack);
            const vpc = addMonitoredVpc(stack, "app", { provider });
            build(stack, vpc.role!, provider);
            for (const resources of [stack.resources(), asPreview(stack.resources())]) {
                const found = of(await run(resources), POLICY);
                if (message === undefined) {
                    assert.deepEqual(found, []);
                } else {
                    assert.equal(found.length, 1, JSON.stringify(found));
                    assert.ok(found[0].message.includes(message), found[0].message);
                    assert.equal(found[0].urn, vpc.role);
                }
            }
        });
    }
});
