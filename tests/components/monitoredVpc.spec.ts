/**
 * The real program, run under the offline mocks with configs written here: the inputs every
 * resource of a MonitoredVpc receives, its providers, names, parents and ordering.
 */
import * as assert from "node:assert/strict";
import { Plan, PlannedResource } from "../../tools/plan/offlinePlan";
import {
    ACCOUNT,
    byName,
    byType,
    inputsOf,
    jsonInput,
    planOf,
    providerOf,
    StackConfigFixture,
    bucketArnOf,
} from "../helpers/plan";

/** The alarm format derived from the default rules, the aggregates and the insights. */
const ALARM_FORMAT = "${srcaddr} ${dstport} ${protocol} ${packets} ${start} ${action} ${log-status}";
/** The lake's default format (components/defaults.ts). */
const LAKE_FORMAT =
    "${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start}" +
    " ${action} ${log-status} ${tcp-flags} ${traffic-path} ${reject-reason}";

const MONITORED_VPC = "vpc-flow-monitor:network:MonitoredVpc";
const ANALYTICS_LAKE = "vpc-flow-monitor:lake:AnalyticsLake";
const FLOW_LOG = "aws:ec2/flowLog:FlowLog";
const ADOPTED_ID = "vpc-0123456789abcdef0";

/** Three VPCs over two regions; the home region (eu-west-1) is listed second, the other region first. */
const MULTI_STACK = "multi";
const MULTI = {
    "aws:region": "eu-west-1",
    "vpc-flow-monitor:regions": [
        { region: "us-west-2", vpcs: [{ name: "edge", cidrBlock: "10.20.0.0/16" }] },
        {
            region: "eu-west-1",
            vpcs: [
                { name: "core", cidrBlock: "10.10.0.0/16" },
                { name: "legacy", vpcId: ADOPTED_ID },
            ],
        },
    ],
    "vpc-flow-monitor:flowLogs": { logRetentionDays: 14 },
} satisfies StackConfigFixture;

const VPCS = [
    { name: "edge", region: "us-west-2", kind: "create", cidrBlock: "10.20.0.0/16" },
    { name: "core", region: "eu-west-1", kind: "create", cidrBlock: "10.10.0.0/16" },
    { name: "legacy", region: "eu-west-1", kind: "adopt", vpcId: ADOPTED_ID },
] as const;

const CHILDREN: readonly { readonly suffix: string; readonly type: string }[] = [
    { suffix: "vpc", type: "(vpc)" },
    { suffix: "lakeFlowLog", type: FLOW_LOG },
    { suffix: "alarmLogGroup", type: "aws:cloudwatch/logGroup:LogGroup" },
    { suffix: "deliveryRole", type: "aws:iam/role:Role" },
    { suffix: "deliveryPolicy", type: "aws:iam/rolePolicy:RolePolicy" },
    { suffix: "alarmFlowLog", type: FLOW_LOG },
    { suffix: "rejectedPacketsFilter", type: "aws:cloudwatch/logMetricFilter:LogMetricFilter" },
    { suffix: "flowRecordsFilter", type: "aws:cloudwatch/logMetricFilter:LogMetricFilter" },
    // The default alerting rules, each a component holding a metric filter and an alarm.
    ...["reject-any", "ssh-rejected", "rdp-rejected", "flow-log-skipdata"].map((rule) => ({
        suffix: rule,
        type: "vpc-flow-monitor:alerting:AlertingRule",
    })),
];
/** Grandchildren under each AlertingRule. */
const RULE_CHILDREN = 2 * 4;

function single(name: string, extra: Partial<StackConfigFixture> = {}): StackConfigFixture {
    return {
        "aws:region": "us-east-1",
        "vpc-flow-monitor:regions": [{ region: "us-east-1", vpcs: [{ name, cidrBlock: "10.0.0.0/16" }] }],
        ...extra,
    };
}

/** The region a resource lives in: its MonitoredVpc's region, or the home region for the lake. */
function expectedRegion(
    plan: Plan,
    resource: PlannedResource,
    homeRegion: string,
    regionOfVpc: Record<string, string>,
): string {
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    let top = resource;
    while (top.parent) top = byUrn.get(top.parent)!;
    if (top.type === ANALYTICS_LAKE || top.type === "vpc-flow-monitor:monitoring:Dashboard") return homeRegion;
    // Per-region components carry their region in their name.
    const regional = /^(?:alerts|insights)-(.+)$/.exec(top.name);
    if (regional) return regional[1];
    assert.equal(top.type, MONITORED_VPC, `${resource.name} sits under no known component`);
    return regionOfVpc[top.name];
}

describe("MonitoredVpc in the planned program", () => {
    let plan: Plan;
    before(async () => {
        plan = await planOf(MULTI, MULTI_STACK);
    });

    it("registers one MonitoredVpc and exactly one flow log pair per configured VPC", () => {
        assert.deepEqual(
            byType(plan, MONITORED_VPC)
                .map((r) => r.name)
                .sort(),
            ["core", "edge", "legacy"],
        );
        assert.deepEqual(
            byType(plan, FLOW_LOG)
                .map((r) => r.name)
                .sort(),
            [
                "core-alarmFlowLog",
                "core-lakeFlowLog",
                "edge-alarmFlowLog",
                "edge-lakeFlowLog",
                "legacy-alarmFlowLog",
                "legacy-lakeFlowLog",
            ],
        );
        assert.equal(byType(plan, ANALYTICS_LAKE).length, 1);
    });

    it("registers one AWS provider per configured region, with the stack's default tags", () => {
        const providers = byType(plan, "pulumi:providers:aws");
        assert.deepEqual(providers.map((p) => p.name).sort(), ["aws-eu-west-1", "aws-us-west-2"]);
        for (const p of providers) {
            assert.equal(p.inputs.region, p.name.replace(/^aws-/, ""));
            assert.deepEqual(jsonInput(p, "defaultTags"), {
                tags: {
                    environment: MULTI_STACK,
                    "managed-by": "vpc-flow-monitor",
                    "vpc-flow-monitor:project": "vpc-flow-monitor",
                    "vpc-flow-monitor:stack": MULTI_STACK,
                },
            });
        }
    });

    it("puts every regional resource on its own region's provider and every lake resource on the home region's", () => {
        const regionOfVpc = Object.fromEntries(VPCS.map((v) => [v.name, v.region]));
        let checked = 0;
        for (const r of plan.resources) {
            if (r.type.startsWith("pulumi:providers:")) continue;
            const expected = providerOf(plan, expectedRegion(plan, r, "eu-west-1", regionOfVpc));
            if (r.custom) {
                assert.equal(r.provider, expected, `${r.name} (${r.type})`);
            } else if (!r.parent || r.type === "awsx:ec2:Vpc") {
                // Top-level components and the remote awsx VPC carry the provider in their providers map;
                // nested local components pass it to their children through the parent chain (checked above).
                assert.deepEqual(r.providers, { aws: expected }, `${r.name} (${r.type})`);
            }
            checked++;
        }
        assert.equal(checked, plan.resources.length - 2);
    });

    for (const vpc of VPCS) {
        describe(`${vpc.name} (${vpc.kind}, ${vpc.region})`, () => {
            const logGroupName = `/vpc-flow-monitor/${MULTI_STACK}/${vpc.name}`;
            const logGroupArn = `arn:aws:logs:${vpc.region}:${ACCOUNT}:log-group:${logGroupName}`;

            it("is a top-level component whose children are exactly its named resources and rules", () => {
                const component = byName(plan, vpc.name);
                assert.equal(component.type, MONITORED_VPC);
                assert.equal(component.parent, undefined);
                const children = plan.resources.filter((r) => r.parent === component.urn);
                assert.deepEqual(
                    children.map((c) => c.name).sort(),
                    CHILDREN.map((c) => `${vpc.name}-${c.suffix}`).sort(),
                );
                for (const { suffix, type } of CHILDREN) {
                    const child = byName(plan, `${vpc.name}-${suffix}`);
                    if (type !== "(vpc)") assert.equal(child.type, type, child.name);
                    assert.equal(child.parent, component.urn, child.name);
                }
                // And nothing else in the stack claims the VPC's name prefix.
                const prefixed = plan.resources.filter((r) => r.name.startsWith(`${vpc.name}-`));
                assert.equal(prefixed.length, CHILDREN.length + RULE_CHILDREN);
            });

            if (vpc.kind === "create") {
                it("creates an awsx VPC with the configured CIDR block on its own region's provider", () => {
                    const created = byName(plan, `${vpc.name}-vpc`);
                    assert.equal(created.type, "awsx:ec2:Vpc");
                    assert.equal(created.read, false);
                    assert.equal(created.inputs.cidrBlock, vpc.cidrBlock);
                    assert.deepEqual(created.providers, { aws: providerOf(plan, vpc.region) });
                });
            } else {
                it("reads the existing VPC by its configured id instead of creating one", () => {
                    const adopted = byName(plan, `${vpc.name}-vpc`);
                    assert.equal(adopted.type, "aws:ec2/vpc:Vpc");
                    assert.equal(adopted.read, true);
                    assert.equal(adopted.id, vpc.vpcId);
                    assert.equal(adopted.provider, providerOf(plan, vpc.region));
                });
            }

            it("replaces both flow logs by deleting first (AWS refuses a duplicate: FlowLogAlreadyExists)", () => {
                for (const role of ["lakeFlowLog", "alarmFlowLog"]) {
                    assert.equal(byName(plan, `${vpc.name}-${role}`).deleteBeforeReplace, true, role);
                }
                assert.equal(byName(plan, `${vpc.name}-alarmLogGroup`).deleteBeforeReplace, false);
            });

            it("sends ALL traffic, the default lake format, as hourly hive-partitioned Parquet to the lake bucket", () => {
                const lake = byName(plan, `${vpc.name}-lakeFlowLog`);
                const vpcResource = byName(plan, `${vpc.name}-vpc`);
                const vpcId = vpc.kind === "adopt" ? vpc.vpcId : (lake.inputs.vpcId as string);
                assert.match(vpcId, /^vpc-[0-9a-f]{8,17}$/);
                assert.deepStrictEqual(lake.inputs, {
                    vpcId,
                    trafficType: "ALL",
                    logDestinationType: "s3",
                    logDestination: `${bucketArnOf(plan)}/vpc-flow-logs/`,
                    destinationOptions: {
                        fileFormat: "parquet",
                        hiveCompatiblePartitions: true,
                        perHourPartition: true,
                    },
                    logFormat: LAKE_FORMAT,
                    maxAggregationInterval: 600,
                    tags: { Name: `${vpc.name}-lake` },
                });
                assert.deepEqual(lake.propertyDependencies.vpcId, [vpcResource.urn]);
                assert.deepEqual(lake.propertyDependencies.logDestination, [byName(plan, "lake-bucket").urn]);
            });

            it("creates the lake flow log only after the bucket policy exists", () => {
                const lake = byName(plan, `${vpc.name}-lakeFlowLog`);
                assert.ok(
                    lake.dependencies.includes(byName(plan, "lake-bucketPolicy").urn),
                    lake.dependencies.join("\n"),
                );
            });

            it("sends REJECT traffic in the derived format at 60 s to its own log group through the delivery role", () => {
                const alarm = byName(plan, `${vpc.name}-alarmFlowLog`);
                const role = byName(plan, `${vpc.name}-deliveryRole`);
                assert.deepStrictEqual(alarm.inputs, {
                    vpcId: inputsOf(plan, `${vpc.name}-lakeFlowLog`).vpcId,
                    trafficType: "REJECT",
                    logDestinationType: "cloud-watch-logs",
                    logDestination: logGroupArn,
                    iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/${role.id}`,
                    logFormat: ALARM_FORMAT,
                    maxAggregationInterval: 60,
                    tags: { Name: `${vpc.name}-alarms` },
                });
                assert.deepEqual(alarm.propertyDependencies.logDestination, [
                    byName(plan, `${vpc.name}-alarmLogGroup`).urn,
                ]);
                assert.deepEqual(alarm.propertyDependencies.iamRoleArn, [role.urn]);
                assert.deepEqual(alarm.propertyDependencies.vpcId, [byName(plan, `${vpc.name}-vpc`).urn]);
            });

            it("creates the alarm flow log only after the role's policy is attached", () => {
                const alarm = byName(plan, `${vpc.name}-alarmFlowLog`);
                assert.ok(
                    alarm.dependencies.includes(byName(plan, `${vpc.name}-deliveryPolicy`).urn),
                    alarm.dependencies.join("\n"),
                );
            });

            it("names the log group /vpc-flow-monitor/<stack>/<vpc> with the configured retention", () => {
                assert.deepStrictEqual(inputsOf(plan, `${vpc.name}-alarmLogGroup`), {
                    name: logGroupName,
                    retentionInDays: 14,
                });
            });

            it("lets only the flow logs service of this account and region assume the delivery role", () => {
                const role = byName(plan, `${vpc.name}-deliveryRole`);
                assert.deepStrictEqual(jsonInput(role, "assumeRolePolicy"), {
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                            Action: "sts:AssumeRole",
                            Condition: {
                                StringEquals: { "aws:SourceAccount": ACCOUNT },
                                ArnLike: { "aws:SourceArn": `arn:aws:ec2:${vpc.region}:${ACCOUNT}:vpc-flow-log/*` },
                            },
                        },
                    ],
                });
            });

            it("lets the delivery role write streams of its own log group and nothing else", () => {
                const policy = byName(plan, `${vpc.name}-deliveryPolicy`);
                const role = byName(plan, `${vpc.name}-deliveryRole`);
                assert.equal(policy.inputs.role, role.id);
                assert.deepEqual(policy.propertyDependencies.role, [role.urn]);
                const document = jsonInput(policy, "policy");
                assert.deepStrictEqual(document, {
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "WriteFlowLogRecords",
                            Effect: "Allow",
                            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                            Resource: [logGroupArn, `${logGroupArn}:*`],
                        },
                    ],
                });
                for (const statement of document.Statement) {
                    for (const action of [statement.Action].flat()) assert.doesNotMatch(action, /\*/);
                }
            });
        });
    }

    it("gives every VPC its own VPC id, role and log group", () => {
        const ids = VPCS.map((v) => inputsOf(plan, `${v.name}-lakeFlowLog`).vpcId);
        assert.equal(new Set(ids).size, VPCS.length);
        const roles = VPCS.map((v) => inputsOf(plan, `${v.name}-alarmFlowLog`).iamRoleArn);
        assert.equal(new Set(roles).size, VPCS.length);
        const groups = VPCS.map((v) => inputsOf(plan, `${v.name}-alarmFlowLog`).logDestination);
        assert.equal(new Set(groups).size, VPCS.length);
    });

    it("creates no awsx VPC for the adopted VPC and reads nothing for the created ones", () => {
        assert.deepEqual(
            byType(plan, "awsx:ec2:Vpc")
                .map((r) => r.name)
                .sort(),
            ["core-vpc", "edge-vpc"],
        );
        assert.deepEqual(
            plan.resources.filter((r) => r.read).map((r) => r.name),
            ["legacy-vpc"],
        );
    });
});

describe("MonitoredVpc flow log settings from config", () => {
    const trafficCases = [
        { label: "REJECT by default", flowLogs: undefined, trafficType: "REJECT", retentionInDays: 90 },
        {
            label: "REJECT when configured",
            flowLogs: { cloudWatchTrafficType: "REJECT", logRetentionDays: 30 },
            trafficType: "REJECT",
            retentionInDays: 30,
        },
        {
            label: "ALL when configured",
            flowLogs: { cloudWatchTrafficType: "ALL", logRetentionDays: 365 },
            trafficType: "ALL",
            retentionInDays: 365,
        },
    ] as const;
    for (const { label, flowLogs, trafficType, retentionInDays } of trafficCases) {
        it(`captures ${label} in the alarm log group (retention ${retentionInDays} days); the lake flow log always takes ALL`, async () => {
            const plan = await planOf(
                single("solo", flowLogs ? { "vpc-flow-monitor:flowLogs": flowLogs } : {}),
                "traffic",
            );
            assert.equal(inputsOf(plan, "solo-alarmFlowLog").trafficType, trafficType);
            assert.equal(inputsOf(plan, "solo-alarmFlowLog").maxAggregationInterval, 60);
            assert.equal(inputsOf(plan, "solo-alarmFlowLog").logFormat, ALARM_FORMAT);
            assert.equal(inputsOf(plan, "solo-lakeFlowLog").trafficType, "ALL");
            assert.deepStrictEqual(inputsOf(plan, "solo-alarmLogGroup"), {
                name: "/vpc-flow-monitor/traffic/solo",
                retentionInDays,
            });
        });
    }

    it("rejects an invalid config with a ConfigError instead of planning", async () => {
        await assert.rejects(planOf({ "aws:region": "us-east-1", "vpc-flow-monitor:regions": [] }), {
            name: "ConfigError",
        });
    });
});

describe("regions without VPCs in the home region", () => {
    let plan: Plan;
    before(async () => {
        plan = await planOf(
            {
                "aws:region": "us-east-1",
                "vpc-flow-monitor:regions": [
                    { region: "ap-southeast-2", vpcs: [{ name: "syd", cidrBlock: "10.30.0.0/16" }] },
                ],
            } satisfies StackConfigFixture,
            "remote",
        );
    });

    it("keeps the lake on the home region's provider and the VPC on its own", () => {
        const home = providerOf(plan, "us-east-1");
        const sydney = providerOf(plan, "ap-southeast-2");
        assert.deepEqual(byName(plan, "lake").providers, { aws: home });
        assert.equal(byName(plan, "lake-bucket").provider, home);
        assert.deepEqual(byName(plan, "syd").providers, { aws: sydney });
        assert.deepEqual(byName(plan, "syd-vpc").providers, { aws: sydney });
        for (const suffix of ["lakeFlowLog", "alarmFlowLog", "alarmLogGroup", "deliveryRole", "deliveryPolicy"]) {
            assert.equal(byName(plan, `syd-${suffix}`).provider, sydney, suffix);
        }
    });

    it("points the alarm flow log at a log group ARN in the VPC's region", () => {
        assert.equal(
            inputsOf(plan, "syd-alarmFlowLog").logDestination,
            `arn:aws:logs:ap-southeast-2:${ACCOUNT}:log-group:/vpc-flow-monitor/remote/syd`,
        );
    });
});
