/**
 * deployVpcFlowMonitor called directly with typed args, under the offline mocks: the caller's
 * providers or its own, the tags and profile, the rules each VPC ends up with, the outputs, and
 * nothing registered when the args are refused.
 */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { deployVpcFlowMonitor, FlowAction, VpcFlowMonitorArgs, VpcFlowMonitorOutputs } from "../../components";
import { Plan } from "../../tools/plan/offlinePlan";
import { byName, byType, jsonInput, planComponents, unwrap } from "../helpers/plan";

const ARGS = {
    stack: "fleet-a",
    project: "network-team",
    homeRegion: "eu-west-1",
    regions: [
        { region: "us-east-2", vpcs: [{ name: "edge", cidrBlock: "10.50.0.0/16" }] },
        {
            region: "eu-west-1",
            vpcs: [
                { name: "core", vpcId: "vpc-0123456789abcdef0" },
                {
                    name: "batch",
                    cidrBlock: "10.51.0.0/16",
                    rules: [
                        {
                            name: "smtp-out-rejected",
                            match: { action: FlowAction.REJECT, dstPort: 25 },
                            threshold: 10,
                            periodSeconds: 600,
                            evaluationPeriods: 2,
                        },
                    ],
                },
            ],
        },
    ],
    emails: ["netops@example.com"],
    protectData: true,
} satisfies VpcFlowMonitorArgs;

describe("deployVpcFlowMonitor with the caller's providers", () => {
    let plan: Plan;
    let outputs: pulumi.Unwrap<VpcFlowMonitorOutputs>;
    before(async () => {
        const run = await planComponents(
            () => {
                const providers = {
                    "eu-west-1": new aws.Provider("ireland", { region: "eu-west-1" }),
                    "us-east-2": new aws.Provider("ohio", { region: "us-east-2" }),
                };
                return deployVpcFlowMonitor({ ...ARGS, providers });
            },
            { region: "eu-west-1" },
        );
        plan = run.plan;
        outputs = await unwrap(pulumi.output(run.result));
    });

    it("creates no provider of its own", () => {
        assert.deepEqual(
            byType(plan, "pulumi:providers:aws")
                .map((p) => p.name)
                .sort(),
            ["ireland", "ohio"],
        );
    });

    it("puts the lake and dashboard on the home region's provider, each region's resources on its own", () => {
        const ireland = byName(plan, "ireland").urn;
        const ohio = byName(plan, "ohio").urn;
        for (const name of ["lake", "dashboard", "alerts-eu-west-1", "insights-eu-west-1", "core", "batch"]) {
            assert.deepEqual(byName(plan, name).providers, { aws: ireland }, name);
        }
        for (const name of ["alerts-us-east-2", "insights-us-east-2", "edge", "edge-vpc"]) {
            assert.deepEqual(byName(plan, name).providers, { aws: ohio }, name);
        }
        assert.equal(byName(plan, "edge-alarmFlowLog").provider, ohio);
        assert.equal(byName(plan, "core-vpc").provider, ireland);
    });

    it("names the physical resources after the given stack", () => {
        assert.equal(byName(plan, "core-alarmLogGroup").inputs.name, "/vpc-flow-monitor/fleet-a/core");
        // `fleet-a` has a `-`, so its Glue name carries the stack name's hash (naming.ts glueDatabaseName).
        assert.equal(byName(plan, "lake-database").inputs.name, "vpc_flow_monitor_fleet_a_f66b01e1");
        assert.equal(byName(plan, "alerts-us-east-2-topic").inputs.name, "vpc-flow-monitor-fleet-a-alarms");
        assert.equal(byName(plan, "dashboard-dashboard").inputs.dashboardName, "vpc-flow-monitor-fleet-a");
    });

    it("gives every VPC the default rules, its own, and the SKIPDATA alarm", () => {
        const rules = (vpc: string) =>
            byType(plan, "vpc-flow-monitor:alerting:AlertingRule")
                .filter((r) => r.parent === byName(plan, vpc).urn)
                .map((r) => r.name);
        assert.deepEqual(rules("edge"), [
            "edge-reject-any",
            "edge-ssh-rejected",
            "edge-rdp-rejected",
            "edge-flow-log-skipdata",
        ]);
        assert.deepEqual(rules("batch"), [
            "batch-reject-any",
            "batch-ssh-rejected",
            "batch-rdp-rejected",
            "batch-smtp-out-rejected",
            "batch-flow-log-skipdata",
        ]);
        const alarm = byName(plan, "batch-smtp-out-rejected-alarm").inputs;
        assert.equal(alarm.period, 600);
        assert.equal(alarm.evaluationPeriods, 2);
        assert.equal(alarm.threshold, 10);
    });

    it("protects the lake bucket and the log groups", () => {
        assert.equal(byName(plan, "lake-bucket").protect, true);
        assert.equal(byName(plan, "core-alarmLogGroup").protect, true);
        assert.equal(byName(plan, "core-alarmLogGroup").retainOnDelete, true);
    });

    it("returns the stack outputs: lake names, one topic per region, and each VPC's ids and alarms", () => {
        const vpcs = outputs.vpcs;
        assert.equal(outputs.homeRegion, "eu-west-1");
        assert.equal(outputs.protectData, true);
        assert.equal(outputs.glueDatabase, "vpc_flow_monitor_fleet_a_f66b01e1");
        assert.equal(outputs.glueTable, "flow_logs");
        assert.equal(outputs.athenaWorkgroup, "vpc-flow-monitor-fleet-a");
        assert.equal(outputs.dashboardName, "vpc-flow-monitor-fleet-a");
        assert.equal(outputs.lakeBucketName, byName(plan, "lake-bucket").id);
        assert.deepEqual(Object.keys(outputs.alarmTopicArns).sort(), ["eu-west-1", "us-east-2"]);
        assert.deepEqual(Object.keys(vpcs).sort(), ["batch", "core", "edge"]);
        assert.equal(vpcs.core.vpcId, "vpc-0123456789abcdef0");
        assert.equal(vpcs.core.region, "eu-west-1");
        assert.equal(vpcs.core.logGroupName, "/vpc-flow-monitor/fleet-a/core");
        assert.equal(vpcs.edge.alarmFlowLogId, byName(plan, "edge-alarmFlowLog").id);
        assert.deepEqual(vpcs.batch.alarmNames, [
            "reject-any",
            "ssh-rejected",
            "rdp-rejected",
            "smtp-out-rejected",
            "flow-log-skipdata",
        ]);
    });
});

describe("deployVpcFlowMonitor creating its providers", () => {
    it("creates aws-<region> for the home region first, tagged with the given project and stack", async () => {
        const { plan } = await planComponents(() => deployVpcFlowMonitor(ARGS), { stack: "unit", region: "eu-west-1" });
        const providers = byType(plan, "pulumi:providers:aws");
        assert.deepEqual(
            providers.map((p) => p.name),
            ["aws-eu-west-1", "aws-us-east-2"],
        );
        for (const p of providers) {
            assert.equal(p.inputs.profile, undefined);
            // The args' stack and project, not the running Pulumi stack's ("unit", "vpc-flow-monitor").
            assert.deepEqual(jsonInput(p, "defaultTags"), {
                tags: {
                    environment: "fleet-a",
                    "managed-by": "vpc-flow-monitor",
                    "vpc-flow-monitor:project": "network-team",
                    "vpc-flow-monitor:stack": "fleet-a",
                },
            });
        }
    });

    it("passes the program's aws:profile on, unless a profile is given", async () => {
        const config = { "aws:profile": "audit" };
        const fromConfig = await planComponents(() => deployVpcFlowMonitor(ARGS), { config });
        assert.deepEqual(
            byType(fromConfig.plan, "pulumi:providers:aws").map((p) => p.inputs.profile),
            ["audit", "audit"],
        );
        const given = await planComponents(() => deployVpcFlowMonitor({ ...ARGS, profile: "deploy" }), { config });
        assert.deepEqual(
            byType(given.plan, "pulumi:providers:aws").map((p) => p.inputs.profile),
            ["deploy", "deploy"],
        );
    });

    it("adds the baseline REJECT alarm when no rule counts REJECT records", async () => {
        const { plan } = await planComponents(() =>
            deployVpcFlowMonitor({
                ...ARGS,
                defaultRules: false,
                regions: [{ region: "eu-west-1", vpcs: [{ name: "solo", vpcId: "vpc-0123456789abcdef0" }] }],
                rules: [
                    {
                        name: "skipdata-burst",
                        match: { logStatus: "SKIPDATA" },
                        threshold: 5,
                        periodSeconds: 300,
                        evaluationPeriods: 1,
                    },
                ],
            }),
        );
        assert.deepEqual(
            byType(plan, "vpc-flow-monitor:alerting:AlertingRule").map((r) => r.name),
            ["solo-reject-any", "solo-skipdata-burst", "solo-flow-log-skipdata"],
        );
    });
});

describe("deployVpcFlowMonitor refusing its args", () => {
    it("registers nothing, not even a provider", async () => {
        const { plan, result } = await planComponents(async () => {
            try {
                await deployVpcFlowMonitor({
                    ...ARGS,
                    regions: [
                        ...ARGS.regions,
                        { region: "us-west-2", vpcs: [{ name: "core", cidrBlock: "10.9.0.0/16" }] },
                    ],
                });
                return undefined;
            } catch (err) {
                return err;
            }
        });
        assert.ok(pulumi.InputPropertiesError.isInstance(result));
        assert.deepEqual(result.errors, [
            {
                propertyPath: "regions[2].vpcs[0].name",
                reason: 'duplicate VPC name, already used at regions[1].vpcs[0].name; given "core". Allowed: a name unique in the stack, across all regions',
            },
        ]);
        assert.deepEqual(plan.resources, []);
    });
});
