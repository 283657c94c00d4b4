/**
 * The VPC stack policies: vpc-flow-logs-required, vpc-reject-alarm-required,
 * alarm-flow-log-aggregation. Each over hand-written stacks (tests/fixtures/stacks.ts), in both
 * views: values known (`pulumi up`, a stack export) and values unknown (`pulumi preview`, through
 * tools/analyzer/policyInputs.ts asPreview), where the links must hold through dependencies.
 */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { alarmFlowLogAggregation, vpcFlowLogsRequired, vpcRejectAlarmRequired } from "../../policy/policies/index";
import { asPreview } from "../../tools/analyzer/policyInputs";
import { ACCEPT_PATTERN, addLake, addMonitoredVpc, addProvider, addTopic, fleet } from "../fixtures/stacks";
import {
    assertHasStackViolation,
    assertNoStackViolations,
    createStackValidationArgs,
    runStackPolicy,
    StackBuilder,
    UNKNOWN_STRING,
} from "../helpers/policy";

type View = "known" | "preview";
const VIEWS: readonly View[] = ["known", "preview"];

function argsFor(stack: StackBuilder, view: View, config: Record<string, unknown> = {}) {
    const resources = stack.resources();
    return createStackValidationArgs(view === "preview" ? asPreview(resources) : resources, config);
}

describe("policy vpc-flow-logs-required", () => {
    for (const view of VIEWS) {
        describe(`(${view} values)`, () => {
            it("reports none when every VPC has a REJECT flow log", async () => {
                await assertNoStackViolations(vpcFlowLogsRequired, argsFor(fleet(3).stack, view));
            });

            it("reports a violation when a VPC has no flow log at all, naming that VPC only", async () => {
                const { stack, vpcs } = fleet(3);
                stack.remove(vpcs[1].flowLog!, vpcs[1].s3FlowLog!);
                const reported = await assertHasStackViolation(vpcFlowLogsRequired, argsFor(stack, view), {
                    message:
                        /VPC "vpc-1-vpc".* has no flow log capturing REJECT or ALL traffic: no flow log refers to it/,
                    urn: vpcs[1].vpc,
                });
                assert.equal(reported.length, 1);
            });

            it("reports none when an S3 flow log of ALL traffic is the only one", async () => {
                const { stack, vpcs } = fleet(1);
                stack.remove(vpcs[0].flowLog!);
                await assertNoStackViolations(vpcFlowLogsRequired, argsFor(stack, view));
            });

            it("reports none for a VPC inside an awsx:ec2:Vpc component whose flow logs depend on the component", async () => {
                await assertNoStackViolations(vpcFlowLogsRequired, argsFor(fleet(2, { awsx: true }).stack, view));
            });
        });
    }

    it("reports a violation when the only flow log captures ACCEPT traffic", async () => {
        const stack = new StackBuilder();
        const provider = addProvider(stack);
        const vpc = addMonitoredVpc(stack, "app", { provider, trafficType: "ACCEPT" });
        await assertHasStackViolation(vpcFlowLogsRequired, argsFor(stack, "known"), {
            message: 'its flow logs capture other traffic only: "app-alarmFlowLog" (ACCEPT)',
            urn: vpc.vpc,
        });
    });

    it("reports a violation for a VPC read with `get` and nothing else (a stack that is not ours)", async () => {
        const stack = new StackBuilder();
        const provider = addProvider(stack);
        const vpc = stack.add(aws.ec2.Vpc, "shared", { id: "vpc-0123456789abcdef0" }, { provider, read: true });
        await assertHasStackViolation(vpcFlowLogsRequired, argsFor(stack, "known"), {
            message:
                'VPC "shared" (vpc-0123456789abcdef0, us-east-1) has no flow log capturing REJECT or ALL traffic: no flow log refers to it; add a flow log (aws.ec2.FlowLog) with vpcId vpc-0123456789abcdef0 and trafficType REJECT or ALL.',
            urn: vpc,
        });
    });

    it("does not count a flow log of another VPC (matched by id, not by being in the stack)", async () => {
        const stack = new StackBuilder();
        const provider = addProvider(stack);
        const lonely = stack.add(aws.ec2.Vpc, "lonely", { id: "vpc-00000000000000001" }, { provider });
        addMonitoredVpc(stack, "app", { provider });
        const reported = await runStackPolicy(vpcFlowLogsRequired, argsFor(stack, "known"));
        assert.deepEqual(
            reported.map((r) => r.urn),
            [lonely],
        );
    });

    it("counts only the traffic types of its config, and skips exempt VPCs", async () => {
        const { stack, vpcs } = fleet(2);
        await assertHasStackViolation(vpcFlowLogsRequired, argsFor(stack, "known", { trafficTypes: ["ACCEPT"] }), {
            message: "capturing ACCEPT traffic",
        });
        assert.equal(
            (await runStackPolicy(vpcFlowLogsRequired, argsFor(stack, "known", { trafficTypes: ["ALL"] }))).length,
            0,
            "the S3 flow logs capture ALL",
        );
        stack.remove(vpcs[0].flowLog!, vpcs[0].s3FlowLog!);
        await assertNoStackViolations(vpcFlowLogsRequired, argsFor(stack, "known", { exemptVpcs: ["vpc-0-vpc"] }));
    });

    it("does not link through dependencies that name two VPCs (an unknown vpcId computed from both)", async () => {
        const stack = new StackBuilder();
        const provider = addProvider(stack);
        const a = stack.add(aws.ec2.Vpc, "a", { id: UNKNOWN_STRING }, { provider });
        const b = stack.add(aws.ec2.Vpc, "b", { id: UNKNOWN_STRING }, { provider });
        stack.add(
            aws.ec2.FlowLog,
            "either",
            { vpcId: stack.ref(a, "id", () => UNKNOWN_STRING), trafficType: "ALL" },
            { provider },
        );
        const resources = stack.resources();
        resources[resources.length - 1] = {
            ...resources[resources.length - 1],
            propertyDependencies: { vpcId: [a, b] },
        };
        assert.equal((await runStackPolicy(vpcFlowLogsRequired, createStackValidationArgs(resources))).length, 2);
    });
});

describe("policy vpc-reject-alarm-required", () => {
    for (const view of VIEWS) {
        describe(`(${view} values)`, () => {
            it("reports none when every VPC has a flow log, a REJECT filter and an alarm with actions", async () => {
                await assertNoStackViolations(vpcRejectAlarmRequired, argsFor(fleet(3).stack, view));
            });

            it("reports none for VPCs inside awsx:ec2:Vpc components", async () => {
                await assertNoStackViolations(vpcRejectAlarmRequired, argsFor(fleet(3, { awsx: true }).stack, view));
            });

            it("reports a violation for the one VPC of many whose alarm is missing", async () => {
                const { stack, vpcs } = fleet(12, { awsx: view === "preview" });
                stack.remove(vpcs[7].alarm!);
                const reported = await runStackPolicy(vpcRejectAlarmRequired, argsFor(stack, view));
                assert.deepEqual(
                    reported.map((r) => r.urn),
                    [vpcs[7].vpc],
                );
                assert.match(
                    reported[0].message,
                    /^VPC "vpc-7-vpc" \((vpc-\w+, )?account 111122223333, us-east-1\) has no REJECT alarm: metric filter "vpc-7-reject-any-metricFilter" on log group "\/vpc-flow-monitor\/test\/vpc-7" selects REJECT records, but no metric alarm watches its metric "reject-any" \(namespace "VpcFlowMonitor\/test\/vpc-7"\); add a metric alarm on metric "reject-any" \(namespace "VpcFlowMonitor\/test\/vpc-7"\) in account 111122223333, us-east-1 \(Sum >= 1 over 60 s\) with an SNS topic in alarmActions\.$/,
                );
            });

            it("reports a violation when the filter matches ACCEPT records only", async () => {
                const stack = new StackBuilder();
                const provider = addProvider(stack);
                const topic = addTopic(stack, provider);
                const vpc = addMonitoredVpc(stack, "app", { provider, topic, pattern: ACCEPT_PATTERN });
                await assertHasStackViolation(vpcRejectAlarmRequired, argsFor(stack, view), {
                    message:
                        /no metric filter on log group "\/vpc-flow-monitor\/test\/app" selects REJECT records \("app-reject-any-metricFilter": its pattern ".*action = ACCEPT.*" does not select only REJECT records: it can never match a REJECT record of the format flow log "app-alarmFlowLog" delivers: the condition on field 13 \(action: action = ACCEPT\) never holds in a REJECT record, where action is REJECT \(in a REJECT record\)\); give it a pattern that selects action = REJECT in that format, such as \[version, .*, action = REJECT, log_status\]\./,
                    urn: vpc.vpc,
                });
            });

            it("reports a violation when the alarm has no actions", async () => {
                const stack = new StackBuilder();
                const provider = addProvider(stack);
                const vpc = addMonitoredVpc(stack, "app", { provider, alarmActions: [] });
                await assertHasStackViolation(vpcRejectAlarmRequired, argsFor(stack, view), {
                    message:
                        'metric alarm "app-reject-any-alarm" watches the REJECT metric "reject-any" (namespace "VpcFlowMonitor/test/app") of filter "app-reject-any-metricFilter", but it has no alarm actions',
                    urn: vpc.vpc,
                });
            });

            it("reports a violation when the VPC's only flow log goes to S3", async () => {
                const stack = new StackBuilder();
                const provider = addProvider(stack);
                const lake = addLake(stack, { provider });
                const vpc = addMonitoredVpc(stack, "app", { provider, cloudWatch: false, s3Bucket: lake.bucket });
                await assertHasStackViolation(vpcRejectAlarmRequired, argsFor(stack, view), {
                    message: 'its flow logs do not deliver to CloudWatch Logs ("app-lakeFlowLog" -> s3)',
                    urn: vpc.vpc,
                });
            });

            it("reports a violation when no metric filter reads the log group", async () => {
                const stack = new StackBuilder();
                const provider = addProvider(stack);
                addMonitoredVpc(stack, "app", { provider, pattern: null });
                await assertHasStackViolation(vpcRejectAlarmRequired, argsFor(stack, view), {
                    message:
                        'no metric filter reads log group "/vpc-flow-monitor/test/app", which flow log "app-alarmFlowLog" delivers to',
                });
            });
        });
    }

    it("reports a violation when the CloudWatch flow log captures ACCEPT only", async () => {
        const stack = new StackBuilder();
        const provider = addProvider(stack);
        const topic = addTopic(stack, provider);
        addMonitoredVpc(stack, "app", { provider, topic, trafficType: "ACCEPT" });
        await assertHasStackViolation(vpcRejectAlarmRequired, argsFor(stack, "known"), {
            message: 'capture no REJECT records ("app-alarmFlowLog" captures ACCEPT)',
        });
    });

    it("decides by parsing the pattern, not by finding the word REJECT in it", async () => {
        const patterns = {
            // REJECT in the wrong column, an OR with ACCEPT, a syntax error:
            "[version, account, eni, source, destination, srcport, destport=REJECT, ...]": false,
            "[version, account, eni, source, destination, srcport, destport, protocol, packets, bytes, start, end, action=REJECT || action=ACCEPT, status]": false,
            "[version, action=REJECT": false,
            // A term and a wildcard decided on what they match: in the default format only the
            // action field can hold REJECT, and REJ* matches REJECT alone of ACCEPT, REJECT and "-".
            REJECT: true,
            "[..., action=REJ*, status]": true,
            // Seed-style names, the ellipsis form, and a quoted value all select REJECT:
            "[version, account, eni, source, destination, srcport, destport, protocol, packets, bytes, windowstart, windowend, action=REJECT, flowlogstatus]": true,
            '[..., action="REJECT", status]': true,
        };
        for (const [pattern, selects] of Object.entries(patterns)) {
            const stack = new StackBuilder();
            const provider = addProvider(stack);
            const topic = addTopic(stack, provider);
            addMonitoredVpc(stack, "app", { provider, topic, pattern });
            const reported = await runStackPolicy(vpcRejectAlarmRequired, argsFor(stack, "known"));
            assert.equal(reported.length === 0, selects, `${pattern}: ${JSON.stringify(reported)}`);
        }
    });

    it("reads the pattern's columns from the flow log's own format", async () => {
        // action is the 5th field of this format: a pattern written for the default format does not line up.
        const format = "${version} ${interface-id} ${srcaddr} ${dstaddr} ${action} ${log-status}";
        const stack = new StackBuilder();
        const provider = addProvider(stack);
        const topic = addTopic(stack, provider);
        addMonitoredVpc(stack, "default-pattern", { provider, topic, logFormat: format });
        addMonitoredVpc(stack, "own-pattern", {
            provider,
            topic,
            logFormat: format,
            pattern: "[version, eni, src, dst, action=REJECT, status]",
        });
        const reported = await runStackPolicy(vpcRejectAlarmRequired, argsFor(stack, "known"));
        assert.equal(reported.length, 1);
        assert.match(
            reported[0].message,
            /^VPC "default-pattern-vpc" .*its pattern ".*" does not select only REJECT records/,
        );
    });

    it("links an alarm that counts the filter's metric in a metric-math query", async () => {
        const stack = new StackBuilder();
        const provider = addProvider(stack);
        const topic = addTopic(stack, provider);
        const vpc = addMonitoredVpc(stack, "app", { provider, topic, alarm: false });
        stack.add(
            aws.cloudwatch.MetricAlarm,
            "math",
            {
                alarmActions: [stack.ref(topic, "arn")],
                metricQueries: [
                    {
                        id: "m1",
                        metric: {
                            namespace: "VpcFlowMonitor/test/app",
                            metricName: "reject-any",
                            period: 300,
                            stat: "Sum",
                        },
                    },
                    { id: "e1", expression: "m1 * 2", returnData: true },
                ],
                comparisonOperator: "GreaterThanThreshold",
                threshold: 10,
            },
            { provider, dependsOn: [vpc.filter!] },
        );
        await assertNoStackViolations(vpcRejectAlarmRequired, argsFor(stack, "known"));
    });

    it("does not link a filter and an alarm of the same metric name in different regions", async () => {
        const stack = new StackBuilder();
        const east = addProvider(stack, "us-east-1");
        const west = addProvider(stack, "us-west-2");
        const topic = addTopic(stack, west, "us-west-2");
        const vpc = addMonitoredVpc(stack, "app", { provider: east, alarm: false });
        stack.add(
            aws.cloudwatch.MetricAlarm,
            "elsewhere",
            { namespace: "VpcFlowMonitor/test/app", metricName: "reject-any", alarmActions: [stack.ref(topic, "arn")] },
            { provider: west },
        );
        await assertHasStackViolation(vpcRejectAlarmRequired, argsFor(stack, "known"), {
            message: "no metric alarm watches",
            urn: vpc.vpc,
        });
    });

    it("reports a violation when the alarm's actions are disabled", async () => {
        const stack = new StackBuilder();
        const provider = addProvider(stack);
        const topic = addTopic(stack, provider);
        const vpc = addMonitoredVpc(stack, "app", { provider, topic });
        stack.set(vpc.alarm!, { actionsEnabled: false });
        await assertHasStackViolation(vpcRejectAlarmRequired, argsFor(stack, "known"), {
            message: "its actions are disabled (actionsEnabled: false)",
        });
    });

    it("treats an older engine's empty preview outputs as unknown and links through dependencies", async () => {
        const { stack } = fleet(2);
        const empty = stack
            .resources()
            .map((r) =>
                r.custom && !r.type.startsWith("pulumi:providers:") && r.type !== "aws:sns/topic:Topic"
                    ? { ...r, outputs: {}, id: undefined }
                    : r,
            );
        await assertNoStackViolations(vpcRejectAlarmRequired, createStackValidationArgs(empty));
    });

    it("skips exempt VPCs", async () => {
        const { stack, vpcs } = fleet(2);
        stack.remove(vpcs[1].alarm!);
        await assertNoStackViolations(vpcRejectAlarmRequired, argsFor(stack, "known", { exemptVpcs: [vpcs[1].vpc] }));
    });
});

describe("policy alarm-flow-log-aggregation", () => {
    for (const view of VIEWS) {
        it(`reports none when flow logs feeding alarms aggregate over 60 s (${view} values)`, async () => {
            await assertNoStackViolations(alarmFlowLogAggregation, argsFor(fleet(2).stack, view));
        });
    }

    it("reports a violation when a flow log feeding an alarm aggregates over 600 s", async () => {
        const stack = new StackBuilder();
        const provider = addProvider(stack);
        const topic = addTopic(stack, provider);
        const vpc = addMonitoredVpc(stack, "app", { provider, topic, aggregation: 600 });
        await assertHasStackViolation(alarmFlowLogAggregation, argsFor(stack, "known"), {
            message:
                'Flow log "app-alarmFlowLog" feeds alarm "app-reject-any-alarm" through log group "/vpc-flow-monitor/test/app" but aggregates over 600 s; set maxAggregationInterval to 60.',
            urn: vpc.flowLog,
        });
        await assertNoStackViolations(
            alarmFlowLogAggregation,
            argsFor(stack, "known", { maxAggregationIntervalSeconds: 600 }),
        );
    });

    it("reports none for a 600 s flow log that feeds no alarm (the lake's)", async () => {
        const stack = new StackBuilder();
        const provider = addProvider(stack);
        addMonitoredVpc(stack, "app", { provider, aggregation: 600, alarm: false });
        await assertNoStackViolations(alarmFlowLogAggregation, argsFor(stack, "known"));
    });
});
