/**
 * Many regions and many environments: the shipped stack configs, stable names when a stack grows
 * or shrinks, data protection per environment, and default tags.
 */
import * as assert from "node:assert/strict";
import * as path from "path";
import { protectDataByDefault, protectsData } from "../../program/protection";
import { Plan, planStack, toEngineConfig } from "../../tools/plan/offlinePlan";
import { loadStackFile, stackFilesIn } from "../../tools/files/stackFile";
import { byName, byType, planOf, providerOf } from "../helpers/plan";

const PROJECT_DIR = path.resolve(__dirname, "../..");
const urns = (plan: Plan) => new Set(plan.resources.map((r) => r.urn));
const difference = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x)).sort();

const BASE = {
    "aws:region": "us-east-1",
    "vpc-flow-monitor:regions": [
        {
            region: "us-east-1",
            vpcs: [
                { name: "alpha", cidrBlock: "10.1.0.0/16" },
                { name: "beta", vpcId: "vpc-0123456789abcdef0" },
            ],
        },
        { region: "eu-west-1", vpcs: [{ name: "gamma", cidrBlock: "10.2.0.0/16" }] },
    ],
};

/** BASE with `extra` VPC appended to region `index`, or a new region appended. */
function withVpc(regionIndex: number, vpc: { name: string; cidrBlock: string }) {
    const regions = structuredClone(BASE["vpc-flow-monitor:regions"]) as { region: string; vpcs: object[] }[];
    regions[regionIndex].vpcs.push(vpc);
    return { ...BASE, "vpc-flow-monitor:regions": regions };
}

function withRegion(region: string, vpc: { name: string; cidrBlock: string }) {
    return { ...BASE, "vpc-flow-monitor:regions": [...BASE["vpc-flow-monitor:regions"], { region, vpcs: [vpc] }] };
}

describe("the shipped environments", () => {
    const files = stackFilesIn(PROJECT_DIR);

    it("are dev, prod and staging", () => {
        assert.deepEqual(
            files.map((f) => path.basename(f)),
            ["Pulumi.dev.yaml", "Pulumi.prod.yaml", "Pulumi.staging.yaml"],
        );
    });

    const expectations = {
        dev: { regions: 1, minVpcs: 1, adopted: false, protect: false },
        staging: { regions: 2, minVpcs: 2, adopted: true, protect: true },
        prod: { regions: 3, minVpcs: 5, adopted: true, protect: true },
    } as const;

    for (const [stack, expected] of Object.entries(expectations)) {
        describe(stack, () => {
            let plan: Plan;
            before(async () => {
                const file = loadStackFile(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`));
                plan = await planStack(stack, toEngineConfig(file.config));
            });

            it(`spans ${expected.regions} region(s) with at least ${expected.minVpcs} VPC(s)${expected.adopted ? ", new and adopted" : ""}`, () => {
                assert.equal(byType(plan, "pulumi:providers:aws").length, expected.regions);
                const vpcs = byType(plan, "vpc-flow-monitor:network:MonitoredVpc");
                assert.ok(vpcs.length >= expected.minVpcs, `${vpcs.length} VPCs`);
                assert.ok(byType(plan, "awsx:ec2:Vpc").length > 0, "creates at least one VPC");
                assert.equal(
                    byType(plan, "aws:ec2/vpc:Vpc").some((r) => r.read),
                    expected.adopted,
                );
            });

            it(
                expected.protect
                    ? "protects and retains the lake bucket and every log group; the bucket is never force-destroyed"
                    : "leaves data unprotected so the stack can be torn down",
                () => {
                    const holders = [
                        ...byType(plan, "aws:s3/bucket:Bucket"),
                        ...byType(plan, "aws:cloudwatch/logGroup:LogGroup"),
                    ];
                    assert.ok(holders.length >= 2);
                    for (const r of holders) {
                        assert.equal(r.protect, expected.protect, `${r.name} protect`);
                        assert.equal(r.retainOnDelete, expected.protect, `${r.name} retainOnDelete`);
                    }
                    assert.equal(byName(plan, "lake-bucket").inputs.forceDestroy, !expected.protect);
                    assert.deepEqual(byName(plan, "lake-versioning").inputs.versioningConfiguration, {
                        status: "Enabled",
                    });
                },
            );

            it("tags every resource through its provider's defaultTags: environment, stack, managed-by", () => {
                for (const provider of byType(plan, "pulumi:providers:aws")) {
                    const tags = JSON.parse(provider.inputs.defaultTags as string).tags;
                    assert.equal(tags.environment, stack);
                    assert.equal(tags["vpc-flow-monitor:stack"], stack);
                    assert.equal(tags["managed-by"], "vpc-flow-monitor");
                }
                for (const r of plan.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))) {
                    assert.ok(r.provider, `${r.name} has an explicit provider, so it gets the default tags`);
                }
            });
        });
    }
});

describe("data protection defaults", () => {
    const cases: [string, boolean][] = [
        ["dev", false],
        ["dev-alice", false],
        ["test", false],
        ["sandbox_2", false],
        ["ci", false],
        ["staging", true],
        ["prod", true],
        ["developer-portal", true],
        ["production", true],
    ];
    for (const [stack, expected] of cases) {
        it(`${stack}: ${expected ? "protected" : "not protected"} unless configured`, () => {
            assert.equal(protectDataByDefault(stack), expected);
        });
    }

    it("an explicit protectData wins over the stack name, both ways", () => {
        assert.equal(protectsData(true, "dev"), true);
        assert.equal(protectsData(false, "prod"), false);
        assert.equal(protectsData(undefined, "dev"), false);
        assert.equal(protectsData(undefined, "prod"), true);
    });

    it("a dev stack with protectData: true protects its bucket and log groups", async () => {
        const plan = await planOf({ ...BASE, "vpc-flow-monitor:protectData": true }, "dev");
        assert.equal(byName(plan, "lake-bucket").protect, true);
        assert.equal(byName(plan, "alpha-alarmLogGroup").protect, true);
        assert.equal(byName(plan, "lake-bucket").inputs.forceDestroy, false);
    });
});

describe("names are stable as a stack grows and shrinks", () => {
    let base: Plan;
    before(async () => {
        base = await planOf(BASE, "prod");
    });

    it("adding a VPC to a region only adds resources, all named after the new VPC", async () => {
        const grown = await planOf(withVpc(0, { name: "delta", cidrBlock: "10.3.0.0/16" }), "prod");
        assert.deepEqual(difference(urns(base), urns(grown)), [], "no existing URN changes or disappears");
        const added = difference(urns(grown), urns(base));
        assert.ok(added.length > 10, `${added.length} added`);
        for (const urn of added) assert.match(urn, /::delta(-[a-z-A-Z]+)*$/, urn);
    });

    it("adding a region only adds that region's resources: its provider, topic, insights and VPC", async () => {
        const grown = await planOf(withRegion("ap-southeast-2", { name: "delta", cidrBlock: "10.3.0.0/16" }), "prod");
        assert.deepEqual(difference(urns(base), urns(grown)), []);
        const added = difference(urns(grown), urns(base));
        for (const urn of added) {
            assert.match(
                urn,
                /::(delta(-[a-zA-Z-]+)*|aws-ap-southeast-2|(alerts|insights)-ap-southeast-2(-[a-zA-Z-]+)*)$/,
                urn,
            );
        }
        assert.ok(added.some((u) => u.endsWith("::aws-ap-southeast-2")));
        // The new region's resources use the new provider; the lake's policy now covers its log delivery.
        const flowLog = byName(grown, "delta-lakeFlowLog");
        assert.equal(flowLog.provider, providerOf(grown, "ap-southeast-2"));
        const policy = JSON.parse(byName(grown, "lake-bucketPolicy").inputs.policy as string);
        const write = policy.Statement.find((s: { Sid: string }) => s.Sid === "AWSLogDeliveryWrite");
        assert.ok(write.Condition.ArnLike["aws:SourceArn"].includes("arn:aws:logs:ap-southeast-2:123456789012:*"));
    });

    it("removing a VPC removes only that VPC's resources", async () => {
        const withoutBeta = {
            ...BASE,
            "vpc-flow-monitor:regions": [
                { region: "us-east-1", vpcs: [{ name: "alpha", cidrBlock: "10.1.0.0/16" }] },
                { region: "eu-west-1", vpcs: [{ name: "gamma", cidrBlock: "10.2.0.0/16" }] },
            ],
        };
        const shrunk = await planOf(withoutBeta, "prod");
        const removed = difference(urns(base), urns(shrunk));
        assert.ok(removed.length > 10);
        for (const urn of removed) assert.match(urn, /::beta(-[a-zA-Z-]+)*$/, urn);
        assert.deepEqual(difference(urns(shrunk), urns(base)), [], "nothing new appears");
    });

    it("moving VPCs around in the config (order) changes no URN", async () => {
        const reordered = { ...BASE, "vpc-flow-monitor:regions": [...BASE["vpc-flow-monitor:regions"]].reverse() };
        const plan = await planOf(reordered, "prod");
        assert.deepEqual([...urns(plan)].sort(), [...urns(base)].sort());
    });
});
